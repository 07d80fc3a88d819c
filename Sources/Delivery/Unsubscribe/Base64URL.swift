internal import Crypto
import Foundation
import NewsletterCore

enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Base64 with the URL-safe alphabet and no padding (RFC 4648, section 5).
    static func encode(_ data: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((data.count + 2) / 3 * 4)
        append(data, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// `encode`, into `output`. Every message carries a token, so this does not go through
    /// Foundation's string replacing.
    static func append(_ data: some RandomAccessCollection<UInt8>, to output: inout [UInt8]) {
        let data = Array(data)
        var index = data.startIndex
        while index < data.endIndex {
            let count = min(3, data.endIndex - index)
            let b0 = UInt32(data[index])
            let b1 = count > 1 ? UInt32(data[index + 1]) : 0
            let b2 = count > 2 ? UInt32(data[index + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            output.append(alphabet[Int(group >> 18 & 63)])
            output.append(alphabet[Int(group >> 12 & 63)])
            if count > 1 { output.append(alphabet[Int(group >> 6 & 63)]) }
            if count > 2 { output.append(alphabet[Int(group & 63)]) }
            index += count
        }
    }

    static func decode(_ text: Substring) -> Data? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            return nil
        }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
