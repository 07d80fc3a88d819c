import Compose
import Foundation
import NewsletterCore

struct CompiledShape: Sendable {
    /// `nil` when the markers could not all be found: render in full.
    var html: SlotTemplate?
    var text: SlotTemplate?
}

/// A rendered document cut at its personal values.
struct SlotTemplate: Sendable {
    enum Piece: Sendable {
        case literal(String)
        case value(key: String, escaped: Bool)
        /// The end of a line that held a value: wrap it again once the values are in.
        case rewrapPoint
    }

    private var pieces: [Piece] = []
    /// The same document for the wire: quoted-printable, with the text between values encoded
    /// once here and each value encoded per message.
    private var encodedPieces: [EncodedPiece] = []
    /// The bytes of the encoded shared text, and the number of places that take values.
    private var sharedSize = 0
    private var slots = 0

    private enum EncodedPiece: Sendable {
        /// Quoted-printable of shared text, ending at the start of a line (after a line break or
        /// a soft line break, `=` CRLF, which decoders remove).
        case encoded([UInt8])
        case value(key: String, escaped: Bool)
        /// A text line that holds values: made, wrapped and encoded per message.
        case line([Piece])
    }

    /// Cuts `document` at the markers `\u{E000}NONCE>INDEX\u{E001}` (or `&gt;` for an escaped
    /// one); `nil` if a marker was altered, so that some value cannot be placed.
    init?(_ document: String, keys: [String], nonce: String, escapesHTML: Bool, rewrapLines: Bool = false) {
        let lines = rewrapLines ? TextLines.split(document).map(String.init) : [document]
        for (lineIndex, line) in lines.enumerated() {
            var rest = Substring(line)
            var lineHasValue = false
            while let start = rest.firstIndex(of: "\u{E000}") {
                pieces.append(.literal(String(rest[..<start])))
                let afterStart = rest[rest.index(after: start)...]
                guard afterStart.hasPrefix(nonce), let end = afterStart.firstIndex(of: "\u{E001}") else { return nil }
                var inner = afterStart[afterStart.index(afterStart.startIndex, offsetBy: nonce.count)..<end]
                let escaped = inner.hasPrefix("&gt;")
                inner = inner.dropFirst(escaped ? 4 : 1)
                guard let index = Int(inner), keys.indices.contains(index) else { return nil }
                pieces.append(.value(key: keys[index], escaped: escaped && escapesHTML))
                lineHasValue = true
                rest = afterStart[afterStart.index(after: end)...]
            }
            pieces.append(.literal(String(rest)))
            if lineHasValue, rewrapLines { pieces.append(.rewrapPoint) }
            if lineIndex < lines.count - 1 { pieces.append(.literal("\n")) }
        }
        encodedPieces = Self.encode(pieces, byLine: rewrapLines)
        for piece in encodedPieces {
            switch piece {
            case .encoded(let bytes): sharedSize += bytes.count
            case .value: slots += 1
            case .line(let parts):
                slots += 1
                for case .literal(let text) in parts { sharedSize += text.utf8.count * 3 }
            }
        }
    }

    /// About the size of `appendEncoded`'s output, for reserving room: the shared text, and
    /// every slot with the longest value, quoted-printable at its usual worst. Only a hint:
    /// an output that grows past it is copied once.
    func encodedSizeHint(_ values: [String: String]) -> Int {
        let longest = values.values.reduce(0) { max($0, $1.utf8.count) }
        return sharedSize + slots * (longest * 6 + 80)
    }

    /// Groups the pieces for `appendEncoded`: runs of shared text encoded now.
    private static func encode(_ pieces: [Piece], byLine: Bool) -> [EncodedPiece] {
        var result: [EncodedPiece] = []
        var shared = ""
        func flush() {
            guard !shared.isEmpty else { return }
            var bytes: [UInt8] = []
            QuotedPrintable.encode(shared, into: &bytes)
            if !shared.hasSuffix("\n") { bytes.append(contentsOf: QuotedPrintable.softBreak) }
            result.append(.encoded(bytes))
            shared = ""
        }
        if byLine {
            // Text: a line with a value is made whole per message, so that it can be wrapped.
            var line: [Piece] = []
            for piece in pieces {
                if case .literal("\n") = piece {
                    if line.contains(where: { if case .rewrapPoint = $0 { true } else { false } }) {
                        flush()
                        result.append(.line(line))
                        shared = "\n"
                    } else {
                        for part in line { if case .literal(let text) = part { shared += text } }
                        shared += "\n"
                    }
                    line = []
                } else {
                    line.append(piece)
                }
            }
            if line.contains(where: { if case .rewrapPoint = $0 { true } else { false } }) {
                flush()
                result.append(.line(line))
            } else {
                for part in line { if case .literal(let text) = part { shared += text } }
            }
        } else {
            for piece in pieces {
                switch piece {
                case .literal(let text): shared += text
                case .value(let key, let escaped):
                    flush()
                    result.append(.value(key: key, escaped: escaped))
                case .rewrapPoint: break
                }
            }
        }
        flush()
        return result
    }

    /// Appends the document with `values`, quoted-printable, to `output`: what `render` gives,
    /// encoded, with extra soft line breaks where shared text meets a value.
    func appendEncoded(_ values: [String: String], to output: inout [UInt8]) {
        for piece in encodedPieces {
            switch piece {
            case .encoded(let bytes):
                output.append(contentsOf: bytes)
            case .value(let key, let escaped):
                let value = values[key] ?? ""
                QuotedPrintable.encode(escaped ? HTMLText.escape(value) : value, into: &output)
                output.append(contentsOf: QuotedPrintable.softBreak)
            case .line(let parts):
                let line = SlotTemplate(pieces: parts).render(values)
                QuotedPrintable.encode(line, into: &output)
                output.append(contentsOf: QuotedPrintable.softBreak)
            }
        }
    }

    private init(pieces: [Piece]) {
        self.pieces = pieces
    }

    func render(_ values: [String: String]) -> String {
        var output = ""
        var lineStart = output.endIndex
        for piece in pieces {
            switch piece {
            case .literal(let text):
                output += text
                if text == "\n" { lineStart = output.endIndex }
            case .value(let key, let escaped):
                let value = values[key] ?? ""
                output += escaped ? HTMLText.escape(value) : value
            case .rewrapPoint:
                // Only the line's own values can have made it long: wrap it alone.
                let line = output[lineStart...]
                if line.utf8.count > TextWrapper.width {
                    let wrapped = TextWrapper.wrapLine(line)
                    output.removeSubrange(lineStart...)
                    output += wrapped
                }
            }
        }
        return output
    }
}
