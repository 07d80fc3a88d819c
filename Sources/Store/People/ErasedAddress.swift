internal import Crypto
import Foundation

/// How an erased address is kept: an HMAC-SHA256 of its key under the store's own erasure key
/// (made once, kept in `store_meta`, copied with the store), so that an old CSV imported later
/// is recognised without the address being held anywhere.
struct ErasedAddress {
    private let key: SymmetricKey

    init(keyHex: String) {
        key = SymmetricKey(data: Data(hex: keyHex))
    }

    static func newKeyHex() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.map { String(format: "%02x", $0) }.joined()
    }

    /// The suppression list's key for an erased address: `erased:` and the hash, in hex.
    func suppressionKey(for emailKey: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(emailKey.utf8), using: key)
        return "erased:" + Data(mac).map { String(format: "%02x", $0) }.joined()
    }
}

extension Data {
    /// Bytes from hexadecimal digits; what is not a pair of digits is left out.
    init(hex: String) {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex), index != hex.endIndex {
            if let byte = UInt8(hex[index..<next], radix: 16) { bytes.append(byte) }
            index = next
        }
        self.init(bytes)
    }
}
