public import Foundation

/// Reading and writing the editor's text files: UTF-8 only, a byte-order mark tolerated,
/// CRLF line endings read as LF, and writes that never leave half a file behind.
public enum TextFile {
    /// Reads `url` as UTF-8 text. `displayPath` is how errors name the file.
    public static func read(_ url: URL, displayPath: String) throws -> String {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw NewsletterError(
                "The file cannot be read: \(describe(error)).",
                at: SourceLocation(file: displayPath),
                hint: "Check that it exists and that you may read it.")
        }
        return try decode(data, displayPath: displayPath)
    }

    /// Decodes UTF-8 bytes; an invalid sequence is reported with its line.
    public static func decode(_ data: Data, displayPath: String) throws -> String {
        var bytes = data[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let offset = firstInvalidUTF8Offset(in: bytes)
            let line = bytes[..<offset].count(where: { $0 == 0x0A }) + 1
            throw NewsletterError(
                "The file is not valid UTF-8 text (byte \(offset - bytes.startIndex + 1) is not part of a UTF-8 character).",
                at: SourceLocation(file: displayPath, line: line),
                hint: "Save the file as UTF-8 in your editor (for example `iconv -f latin1 -t utf-8`).")
        }
        return text.utf8.contains(UInt8(ascii: "\r")) ? normalizingLineEndings(text) : text
    }

    /// CRLF and lone CR become LF, so line numbers and front matter work whatever the editor saved.
    public static func normalizingLineEndings(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    /// Writes `text` next to `url` under a temporary name, then renames it into place: readers
    /// see the old file or the new one, never a half-written one.
    public static func writeAtomically(_ text: String, to url: URL) throws {
        try writeAtomically(Data(text.utf8), to: url)
    }

    public static func writeAtomically(_ data: Data, to url: URL) throws {
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url, options: .atomic)
        } catch {
            throw NewsletterError(
                "The file cannot be written: \(describe(error)).",
                at: SourceLocation(file: url.path),
                hint: "Check that the folder exists, that you may write to it and that the disk is not full.")
        }
    }

    private static func firstInvalidUTF8Offset(in bytes: Data.SubSequence) -> Data.Index {
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var offset = bytes.startIndex
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput, .error: return offset
            }
        }
    }

    static func describe(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
            let posix = POSIXErrorCode(rawValue: Int32(underlying.code)), underlying.domain == NSPOSIXErrorDomain
        {
            return String(cString: strerror(posix.rawValue)).lowercased()
        }
        // Foundation's sentences end with a full stop; the callers' messages add their own.
        var description = nsError.localizedDescription
        while description.hasSuffix(".") { description.removeLast() }
        return description
    }
}
