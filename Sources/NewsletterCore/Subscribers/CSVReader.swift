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
    private var buffer = Data()
    private var position = 0
    private var atEnd = false
    private var line = 1
    private var isFirstRecord = true

    public init(url: URL) throws {
        handle = try FileHandle(forReadingFrom: url)
    }

    /// The next record, or `nil` at the end of the file.
    public mutating func next() -> Record? {
        if isFirstRecord {
            isFirstRecord = false
            fill(atLeast: 3)
            if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        }
        guard fill(atLeast: 1) else { return nil }
        let startLine = line
        var raw = Data()
        var fields: [String] = []
        var field = Data()
        var problem: String?
        var quoted = false
        var fieldStarted = false
        var afterClosingQuote = false

        func finishField() {
            if let text = String(data: field, encoding: .utf8) {
                fields.append(text)
            } else if problem == nil {
                problem = "field \(fields.count + 1) is not valid UTF-8"
                fields.append("")
            }
            field.removeAll(keepingCapacity: true)
            fieldStarted = false
            afterClosingQuote = false
        }

        while fill(atLeast: 1) {
            let byte = buffer[buffer.startIndex + position]
            position += 1
            raw.append(byte)
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if fill(atLeast: 1), buffer[buffer.startIndex + position] == UInt8(ascii: "\"") {
                        position += 1
                        raw.append(UInt8(ascii: "\""))
                        field.append(UInt8(ascii: "\""))
                    } else {
                        quoted = false
                        afterClosingQuote = true
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: ","):
                finishField()
            case UInt8(ascii: "\n"):
                line += 1
                finishField()
                return Record(line: startLine, raw: raw, fields: Self.result(fields, problem))
            case UInt8(ascii: "\r"):
                // Part of a CRLF line ending; a lone CR inside a field is kept.
                if !(fill(atLeast: 1) && buffer[buffer.startIndex + position] == UInt8(ascii: "\n")) {
                    field.append(byte)
                }
            case UInt8(ascii: "\""):
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
                field.append(byte)
                fieldStarted = true
            }
        }
        if quoted {
            problem = "a quoted field opened on this line is never closed"
        }
        finishField()
        return Record(line: startLine, raw: raw, fields: Self.result(fields, problem))
    }

    private static func result(_ fields: [String], _ problem: String?) -> Result<[String], Problem> {
        problem.map { .failure(Problem(message: $0)) } ?? .success(fields)
    }

    /// Makes sure `count` unread bytes are buffered, reading more if needed; false at the end.
    @discardableResult
    private mutating func fill(atLeast count: Int) -> Bool {
        while buffer.count - position < count, !atEnd {
            let chunk = (try? handle.read(upToCount: 65_536)) ?? nil
            if let chunk, !chunk.isEmpty {
                buffer = buffer[(buffer.startIndex + position)...] + chunk
                buffer = Data(buffer)
                position = 0
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
