internal import CIDN2
import Foundation

/// A mailbox as SMTP carries it (RFC 5321): a dot-atom local part, `@`, and a domain name of
/// at least two labels in its ASCII form. Quoted local parts, comments, address literals and
/// obsolete forms are refused; an internationalised domain is converted with libidn2.
public struct EmailAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let localPart: String
    /// Lower-cased, ASCII (`xn--` labels for internationalised names).
    public let domain: String

    /// Why a text is not a usable address, as a sentence fragment for messages.
    public struct Problem: Error, Sendable, Equatable {
        public var reason: String
    }

    public init(_ text: String) throws(Problem) {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw Problem(reason: "the address is empty") }
        if !trimmed.isPrintableASCII || trimmed.utf8.contains(0x20),
            let bad = trimmed.first(where: { $0.isControlCharacter || $0 == " " })
        {
            throw Problem(
                reason:
                    "the address contains \(bad == " " ? "a space" : "a control character (\(bad.unicodeDescription))")"
            )
        }
        guard let at = trimmed.lastIndex(of: "@") else { throw Problem(reason: "there is no @") }
        let local = String(trimmed[..<at])
        let domain = String(trimmed[trimmed.index(after: at)...])
        try Self.checkLocalPart(local)
        self.localPart = local
        self.domain = try Self.asciiDomain(domain)
    }

    public var description: String { "\(localPart)@\(domain)" }

    /// Two addresses with this same key are the same subscriber.
    public var key: String { description.lowercased() }

    public static func < (lhs: EmailAddress, rhs: EmailAddress) -> Bool { lhs.key < rhs.key }

    /// The characters RFC 5322 allows in an atom, besides letters and digits.
    private static let atomSymbols = Set("!#$%&'*+-/=?^_`{|}~".utf8)

    private static func checkLocalPart(_ local: String) throws(Problem) {
        guard !local.isEmpty else { throw Problem(reason: "there is nothing before the @") }
        guard !local.hasPrefix("\"") else { throw Problem(reason: "quoted local parts (\"…\"@) are not accepted") }
        guard local.utf8.count <= 64 else {
            throw Problem(reason: "the part before the @ is longer than 64 characters")
        }
        guard local.utf8.allSatisfy({ $0 < 0x80 }) else {
            throw Problem(
                reason: "the part before the @ has non-ASCII characters, which SMTP cannot carry without SMTPUTF8")
        }
        if local.utf8.contains(where: { $0 == UInt8(ascii: "(") || $0 == UInt8(ascii: ")") }) {
            throw Problem(reason: "comments in addresses are not accepted")
        }
        for atom in local.split(separator: ".", omittingEmptySubsequences: false) {
            guard !atom.isEmpty else {
                throw Problem(reason: "the part before the @ has a dot at its start or end, or two dots in a row")
            }
            if let bad = atom.utf8.first(where: { !(isLetterOrDigit($0) || atomSymbols.contains($0)) }) {
                throw Problem(
                    reason: "the part before the @ contains “\(Character(Unicode.Scalar(bad)))”, which is not allowed")
            }
        }
    }

    private static func asciiDomain(_ domain: String) throws(Problem) -> String {
        guard !domain.isEmpty else { throw Problem(reason: "there is nothing after the @") }
        guard !domain.hasPrefix("[") else { throw Problem(reason: "address literals ([…]) are not accepted") }
        var ascii = domain.lowercased()
        if ascii.hasSuffix(".") { ascii.removeLast() }
        if !ascii.utf8.allSatisfy({ $0 < 0x80 }) {
            ascii = try idnToASCII(ascii)
        }
        guard ascii.utf8.count <= 253 else { throw Problem(reason: "the domain is longer than 253 characters") }
        let labels = ascii.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { throw Problem(reason: "the domain “\(domain)” has no dot") }
        for label in labels {
            guard !label.isEmpty, label.utf8.count <= 63 else {
                throw Problem(reason: "the domain “\(domain)” has an empty or over-long part")
            }
            guard label.utf8.allSatisfy({ isLetterOrDigit($0) || $0 == UInt8(ascii: "-") }),
                label.first != "-", label.last != "-"
            else {
                throw Problem(reason: "the domain “\(domain)” may only contain letters, digits and inner hyphens")
            }
        }
        return ascii
    }

    private static func idnToASCII(_ domain: String) throws(Problem) -> String {
        var output: UnsafeMutablePointer<CChar>?
        let flags = Int32(IDN2_NONTRANSITIONAL.rawValue | IDN2_NFC_INPUT.rawValue)
        let status = idn2_to_ascii_8z(domain, &output, flags)
        defer { idn2_free(output) }
        guard status == Int32(IDN2_OK.rawValue), let output else {
            let reason = String(cString: idn2_strerror(status))
            throw Problem(reason: "the domain “\(domain)” is not a valid internationalised name (\(reason))")
        }
        return String(cString: output)
    }

    private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
}
