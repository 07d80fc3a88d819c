internal import CLibXML2
import Foundation

/// One problem libxml2 reported, with the line of the document it was found on.
public struct XMLProblem: Sendable, Equatable {
    public var line: Int
    public var message: String
    public var code: Int32
    /// The first of libxml2's extra strings, such as the unknown tag's name.
    public var detail: String?
    public var isWarning: Bool

    public init(line: Int, message: String, code: Int32, detail: String? = nil, isWarning: Bool) {
        self.line = line
        self.message = message
        self.code = code
        self.detail = detail
        self.isWarning = isWarning
    }
}

/// Collects what libxml2 reports while a parse runs on the current thread. libxml2 keeps its
/// error handler in thread-local storage, so the handler is set and reset around `body` on the
/// same thread, and the collected problems belong to this call only.
public enum XMLErrorCollector {
    private final class Sink {
        var problems: [XMLProblem] = []
    }

    public static func collecting<Result>(_ body: () -> Result) -> (Result, [XMLProblem]) {
        LibXML2.initialize()
        let sink = Sink()
        let context = Unmanaged.passUnretained(sink).toOpaque()
        xmlSetStructuredErrorFunc(context) { context, error in
            guard let context, let error else { return }
            let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
            let message = error.pointee.message.map { String(cString: $0) } ?? "unknown error"
            sink.problems.append(
                XMLProblem(
                    line: Int(error.pointee.line),
                    message: message.trimmingCharacters(in: .whitespacesAndNewlines),
                    code: error.pointee.code,
                    detail: error.pointee.str1.map { String(cString: $0) },
                    isWarning: error.pointee.level == XML_ERR_WARNING))
        }
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        return withExtendedLifetime(sink) { (body(), sink.problems) }
    }
}
