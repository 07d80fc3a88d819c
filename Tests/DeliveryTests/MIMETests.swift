import Foundation
import Testing

@testable import Delivery

/// A plain quoted-printable decoder, to check the encoder by round trip.
func decodeQuotedPrintable(_ bytes: [UInt8]) -> [UInt8] {
    var output: [UInt8] = []
    var index = 0
    func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        default: nil
        }
    }
    while index < bytes.count {
        let byte = bytes[index]
        if byte == UInt8(ascii: "="), index + 2 < bytes.count, bytes[index + 1] == 13, bytes[index + 2] == 10 {
            index += 3
        } else if byte == UInt8(ascii: "="), index + 2 < bytes.count, let high = hex(bytes[index + 1]),
            let low = hex(bytes[index + 2])
        {
            output.append(high << 4 | low)
            index += 3
        } else if byte == 13, index + 1 < bytes.count, bytes[index + 1] == 10 {
            output.append(10)
            index += 2
        } else {
            output.append(byte)
            index += 1
        }
    }
    return output
}

@Suite struct QuotedPrintableTests {
    func encode(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        QuotedPrintable.encode(text, into: &output)
        return output
    }

    @Test(arguments: [
        "plain line", "Malmström — “quoted” · €2 500", "trailing spaces   \nand tabs\t\nend", "a=b and =3D",
        String(repeating: "long words without breaks ", count: 20), String(repeating: "ü", count: 100),
        ".leading dot\n.another", "\n\n\nblank lines\n",
    ])
    func roundTrips(_ text: String) {
        let encoded = encode(text)
        #expect(String(decoding: decodeQuotedPrintable(encoded), as: UTF8.self) == text)
        let lines = String(decoding: encoded, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        #expect(encoded.allSatisfy { $0 == 13 || $0 == 10 || (0x20...0x7E).contains($0) })
        #expect(!lines.contains { $0.hasSuffix(" ") || $0.hasSuffix("\t") })
    }

    @Test func writesCRLFForEveryKindOfLineBreak() {
        #expect(encode("a\nb\r\nc\rd") == Array("a\r\nb\r\nc\r\nd".utf8))
    }
}

@Suite struct HeaderEncodingTests {
    @Test func plainSubjectsStayReadable() {
        #expect(HeaderEncoding.unstructured("Issue n. 3: the awards") == "Issue n. 3: the awards")
    }

    @Test func nonASCIIBecomesEncodedWordsOfAtMost75Characters() {
        let subject = "Newsletter n. 3: Bánfi, Malmström and Łódź — “awards” " + String(repeating: "ü", count: 40)
        let encoded = HeaderEncoding.unstructured(subject)
        let words = encoded.split(separator: " ")
        #expect(words.allSatisfy { $0.hasPrefix("=?UTF-8?Q?") && $0.hasSuffix("?=") && $0.count <= 75 })
        #expect(encoded.utf8.allSatisfy { $0 < 0x80 })
    }

    @Test func lineBreaksInAValueNeverStartAHeader() {
        for hostile in ["Eve\r\nBcc: victim@example.com", "Eve\nBcc: x", "Eve\rX", "Tab\there", "nul\u{0}"] {
            for encoded in [HeaderEncoding.unstructured(hostile), HeaderEncoding.phrase(hostile)] {
                #expect(!encoded.contains("\r") && !encoded.contains("\n") && !encoded.contains("\u{0}"), "\(encoded)")
            }
            let field = HeaderEncoding.field("To", HeaderEncoding.mailbox(name: hostile, address: "eve@example.org"))
            #expect(
                field.components(separatedBy: "\r\n").dropLast().allSatisfy { $0.hasPrefix("To:") || $0.hasPrefix(" ") }
            )
        }
    }

    @Test func displayNamesAreQuotedWhenTheyNeedIt() {
        #expect(
            HeaderEncoding.mailbox(name: "Tom Whitfield", address: "t@example.org") == "Tom Whitfield <t@example.org>")
        #expect(
            HeaderEncoding.mailbox(name: "Whitfield, Tom", address: "t@example.org")
                == "\"Whitfield, Tom\" <t@example.org>")
        #expect(
            HeaderEncoding.mailbox(name: "Say \"hi\"", address: "t@example.org") == "\"Say \\\"hi\\\"\" <t@example.org>"
        )
        #expect(HeaderEncoding.mailbox(name: nil, address: "t@example.org") == "t@example.org")
        #expect(HeaderEncoding.phrase("Peña, José") == "=?UTF-8?Q?Pe=C3=B1a=2C_Jos=C3=A9?=")
    }

    @Test func longHeadersAreFolded() {
        let field = HeaderEncoding.field("Subject", String(repeating: "word ", count: 40))
        #expect(field.components(separatedBy: "\r\n").dropLast().allSatisfy { $0.utf8.count <= 78 })
    }

    @Test func aWordTooLongToFoldGoesAsEncodedWords() {
        // One "word" of 1,200 characters once made a line the relay refused (500 Line too long).
        let long = String(repeating: "S", count: 1200)
        let fields = [
            HeaderEncoding.field("Subject", HeaderEncoding.unstructured("Issue " + long)),
            HeaderEncoding.field("To", HeaderEncoding.mailbox(name: long, address: "t@example.org")),
        ]
        for field in fields {
            let lines = field.components(separatedBy: "\r\n").dropLast()
            #expect(lines.count > 10 && lines.allSatisfy { $0.utf8.count <= 90 }, "\(field)")
        }
        #expect(HeaderEncoding.unstructured("Issue " + long).hasPrefix("=?UTF-8?Q?Issue_SSS"))
        // Ordinary words stay as they are.
        #expect(HeaderEncoding.unstructured("Read https://example.org/a/b") == "Read https://example.org/a/b")
    }

    @Test func datesAreRFC5322() {
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: 1_796_000_000)) == "Mon, 30 Nov 2026 00:53:20 +0000")
    }
}

@Suite struct MessageTests {
    @Test func hasEveryHeaderOnceAndBothPartsInOrder() {
        let layout = MessageLayout(
            fromName: "Northbridge Alliance", fromAddress: "newsletter@example.org", replyTo: "editor@example.org",
            subject: "Issue n. 3", listID: "Newsletter <main.news.example.org>",
            unsubscribeMailto: "mailto:newsletter@example.org?subject=unsubscribe")
        let bytes = layout.bytes(
            .init(
                toName: "Ágnes Bánfi", toAddress: "agnes@example.org",
                date: RFC5322Date.format(Date(timeIntervalSince1970: 0)),
                messageID: "<1@example.org>", unsubscribeURL: "https://news.example.org/u/T", text: .plain("Text part"),
                html: .plain("<p>HTML part</p>"), boundary: "=_newsletter_test"))
        let text = String(decoding: bytes, as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n")[0]
        for name in [
            "From", "To", "Reply-To", "Subject", "Date", "Message-ID", "MIME-Version", "List-Id", "List-Unsubscribe",
            "List-Unsubscribe-Post",
        ] {
            #expect(
                head.components(separatedBy: "\r\n\(name): ").count + (head.hasPrefix("\(name): ") ? 1 : 0) == 2,
                "\(name)")
        }
        #expect(head.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"))
        #expect(
            head.contains("<https://news.example.org/u/T>, <mailto:newsletter@example.org?subject=unsubscribe>")
                || head.contains("<https://news.example.org/u/T>,\r\n <mailto:"))
        let textPart = text.range(of: "Content-Type: text/plain; charset=UTF-8")
        let htmlPart = text.range(of: "Content-Type: text/html; charset=UTF-8")
        #expect(textPart != nil && htmlPart != nil && textPart!.lowerBound < htmlPart!.lowerBound)
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test func recognisesBadMailboxReplies() {
        #expect(RecipientLifecycle.isBadMailbox("550 5.1.1 <x@example.org>: Recipient address rejected: User unknown"))
        #expect(!RecipientLifecycle.isBadMailbox("550 5.7.1 Message rejected as spam"))
        #expect(!RecipientLifecycle.isBadMailbox("451 4.1.1 try later"))
    }
}
