public import Foundation

/// RFC 4180 CSV, read record by record from a file in 64 KB chunks, so a list of a million
/// subscribers never sits in memory at once. Each record knows the line it starts on and its
/// exact bytes, so a list can be rewritten without touching the records it does not change.
public struct CSVReader {
    /// One record as read: its fields, or why it could not be read.
    public struct Record {
        public var line: Int
        /// The record's bytes as they are in the file, with its line ending.
        public var raw: Data
        public var fields: Result<[String], Problem>
    }

    public struct Problem: Error, Sendable, Equatable {
        public var message: String
    }

    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private var line = 1
    private var isFirstRecord = true

    public init(url: URL) throws {
        handle = try FileHandle(forReadingFrom: url)
    }

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    /// The next record, or `nil` at the end of the file.
    public mutating func next() -> Record? {
        if isFirstRecord {
            isFirstRecord = false
            fill(atLeast: 3)
            if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        }
        guard fill(atLeast: 1) else { return nil }
        let startLine = line
        var raw: [UInt8] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var problem: String?
        var quoted = false
        var fieldStarted = false
        var afterClosingQuote = false

        func finishField() {
            if let text = String(validating: field, as: UTF8.self) {
                fields.append(text)
            } else {
                if problem == nil { problem = "field \(fields.count + 1) is not valid UTF-8" }
                fields.append("")
            }
            field.removeAll(keepingCapacity: true)
            fieldStarted = false
            afterClosingQuote = false
        }

        while fill(atLeast: 1) {
            // Outside quotes, take a run of plain bytes at once: most fields are nothing else.
            if !quoted, !afterClosingQuote {
                let start = position
                while position < buffer.count {
                    let byte = buffer[position]
                    if byte == Self.comma || byte == Self.newline || byte == Self.carriageReturn || byte == Self.quote {
                        break
                    }
                    position += 1
                }
                if position > start {
                    field.append(contentsOf: buffer[start..<position])
                    raw.append(contentsOf: buffer[start..<position])
                    fieldStarted = true
                    continue
                }
            }
            let byte = buffer[position]
            position += 1
            raw.append(byte)
            if quoted {
                if byte == Self.quote {
                    if fill(atLeast: 1), buffer[position] == Self.quote {
                        position += 1
                        raw.append(Self.quote)
                        field.append(Self.quote)
                    } else {
                        quoted = false
                        afterClosingQuote = true
                    }
                } else {
                    if byte == Self.newline { line += 1 }
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case Self.comma:
                finishField()
            case Self.newline:
                line += 1
                finishField()
                return Record(line: startLine, raw: Data(raw), fields: Self.result(fields, problem))
            case Self.carriageReturn:
                // Part of a CRLF line ending; a lone CR inside a field is kept.
                if !(fill(atLeast: 1) && buffer[position] == Self.newline) { field.append(byte) }
            case Self.quote:
                if !fieldStarted, field.isEmpty {
                    quoted = true
                    fieldStarted = true
                } else if problem == nil {
                    problem =
                        "field \(fields.count + 1) has a quote inside it; quote the whole field and double the quote (\"\")"
                }
            default:
                if afterClosingQuote, problem == nil {
                    problem = "field \(fields.count + 1) has text after its closing quote"
                }
                afterClosingQuote = false
                field.append(byte)
                fieldStarted = true
            }
        }
        if quoted {
            problem = "a quoted field opened on this line is never closed"
        }
        finishField()
        return Record(line: startLine, raw: Data(raw), fields: Self.result(fields, problem))
    }

    private static func result(_ fields: [String], _ problem: String?) -> Result<[String], Problem> {
        problem.map { .failure(Problem(message: $0)) } ?? .success(fields)
    }

    /// Makes sure `count` unread bytes are buffered, reading more if needed; false at the end.
    @discardableResult
    private mutating func fill(atLeast count: Int) -> Bool {
        if buffer.count - position >= count { return true }
        while buffer.count - position < count, !atEnd {
            let chunk = (try? handle.read(upToCount: 65_536)) ?? nil
            if let chunk, !chunk.isEmpty {
                buffer.removeFirst(position)
                position = 0
                buffer.append(contentsOf: chunk)
            } else {
                atEnd = true
            }
        }
        return buffer.count - position >= count
    }
}

/// Writing CSV fields the way RFC 4180 wants them.
public enum CSVWriter {
    /// One record with its CRLF-free line ending (`\n`).
    public static func line(_ fields: [String]) -> String {
        fields.map(quoted).joined(separator: ",") + "\n"
    }

    static func quoted(_ field: String) -> String {
        let needsQuotes =
            field.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
            || field.first == " " || field.last == " "
        guard needsQuotes else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
