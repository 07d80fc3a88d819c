internal import CIDN2
import Foundation

/// A mailbox as SMTP carries it (RFC 5321): a dot-atom local part, `@`, and a domain name of
/// at least two labels in its ASCII form. Quoted local parts, comments, address literals and
/// obsolete forms are refused; an internationalised domain is converted with libidn2.
public struct EmailAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let localPart: String
    /// Lower-cased, ASCII (`xn--` labels for internationalised names).
    public let domain: String
    /// `local@domain`, made once: a send reads it several times for each subscriber.
    public let description: String
    /// Two addresses with this same key are the same subscriber: the address with its local
    /// part lower-cased (the domain is lower-case already). The same string as `description`
    /// when the local part has no capital, as nearly every address.
    public let key: String

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
        // Byte by byte: a list of a million is checked as the send freezes its audience.
        guard let at = trimmed.utf8.lastIndex(of: UInt8(ascii: "@")) else { throw Problem(reason: "there is no @") }
        let local = String(trimmed[..<at])
        let domain = String(trimmed[trimmed.utf8.index(after: at)...])
        try Self.checkLocalPart(local)
        self.localPart = local
        self.domain = try Self.asciiDomain(domain)
        description = "\(local)@\(self.domain)"
        // The local part is ASCII (checked above).
        let hasCapital = local.utf8.contains { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }
        key = hasCapital ? "\(local.lowercased())@\(self.domain)" : description
    }

    /// An address the store checked when it took it in, read back without checking it again
    /// (a send reads a million of them): `description` as `init` made it, and its `key`.
    public init(stored description: String, key: String) {
        let at = description.utf8.lastIndex(of: UInt8(ascii: "@")) ?? description.utf8.endIndex
        localPart = String(description[..<at])
        domain = at < description.endIndex ? String(description[description.index(after: at)...]) : ""
        self.description = description
        self.key = key
    }

    public static func < (lhs: EmailAddress, rhs: EmailAddress) -> Bool { lhs.key < rhs.key }

    // The address itself, as before `description` and `key` were kept: both follow from it.
    public static func == (lhs: EmailAddress, rhs: EmailAddress) -> Bool { lhs.description == rhs.description }
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }

    private static func checkLocalPart(_ local: String) throws(Problem) {
        guard !local.isEmpty else { throw Problem(reason: "there is nothing before the @") }
        guard local.utf8.first != UInt8(ascii: "\"") else {
            throw Problem(reason: "quoted local parts (\"…\"@) are not accepted")
        }
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
        // Dot-separated atoms, none empty.
        var atomStarts = true
        for byte in local.utf8 {
            if byte == UInt8(ascii: ".") {
                if atomStarts { throw emptyAtom }
                atomStarts = true
                continue
            }
            atomStarts = false
            guard isLetterOrDigit(byte) || isAtomSymbol(byte) else {
                throw Problem(
                    reason: "the part before the @ contains “\(Character(Unicode.Scalar(byte)))”, which is not allowed")
            }
        }
        if atomStarts { throw emptyAtom }
    }

    private static var emptyAtom: Problem {
        Problem(reason: "the part before the @ has a dot at its start or end, or two dots in a row")
    }

    private static func asciiDomain(_ domain: String) throws(Problem) -> String {
        guard !domain.isEmpty else { throw Problem(reason: "there is nothing after the @") }
        guard !domain.hasPrefix("[") else { throw Problem(reason: "address literals ([…]) are not accepted") }
        let lowerCase = !domain.utf8.contains { (0x41...0x5A).contains($0) || $0 >= 0x80 }
        var ascii = lowerCase ? domain : domain.lowercased()
        if ascii.utf8.last == UInt8(ascii: ".") { ascii.removeLast() }
        if !ascii.utf8.allSatisfy({ $0 < 0x80 }) {
            ascii = try idnToASCII(ascii)
        }
        guard ascii.utf8.count <= 253 else { throw Problem(reason: "the domain is longer than 253 characters") }
        guard ascii.utf8.contains(UInt8(ascii: ".")) else { throw Problem(reason: "the domain “\(domain)” has no dot") }
        // Labels of 1 to 63 letters, digits and inner hyphens, between dots.
        var label: (length: Int, last: UInt8) = (0, 0)
        for byte in ascii.utf8 {
            if byte == UInt8(ascii: ".") {
                try checkLabel(label, of: domain)
                label = (0, 0)
                continue
            }
            guard isLetterOrDigit(byte) || (byte == UInt8(ascii: "-") && label.length > 0) else {
                throw badLabel(of: domain)
            }
            label = (label.length + 1, byte)
        }
        try checkLabel(label, of: domain)
        // No top-level domain is all digits (RFC 3696, section 2): `123.123.123.123` is an IP
        // address written without the brackets of an address literal.
        if ascii.utf8.reversed().prefix(while: { $0 != UInt8(ascii: ".") }).allSatisfy({ (0x30...0x39).contains($0) }) {
            throw Problem(
                reason:
                    "the domain “\(domain)” ends in a number, as an IP address does; address literals are not accepted")
        }
        return ascii
    }

    private static func checkLabel(_ label: (length: Int, last: UInt8), of domain: String) throws(Problem) {
        guard label.length > 0, label.length <= 63 else {
            throw Problem(reason: "the domain “\(domain)” has an empty or over-long part")
        }
        guard label.last != UInt8(ascii: "-") else { throw badLabel(of: domain) }
    }

    private static func badLabel(of domain: String) -> Problem {
        Problem(reason: "the domain “\(domain)” may only contain letters, digits and inner hyphens")
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

    /// The characters RFC 5322 allows in an atom besides letters and digits: !#$%&'*+-/=?^_`{|}~
    private static func isAtomSymbol(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"),
            UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"),
            UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"), UInt8(ascii: "~"):
            true
        default: false
        }
    }
}
