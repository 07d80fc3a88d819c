import Compose
import Foundation
import Hummingbird

/// Small HTML pages and responses the server makes itself (the archive's pages come from the
/// templates). Everything interpolated is escaped.
enum HTTPPages {
    static func escape(_ text: String) -> String { HTMLText.escape(text) }

    /// A plain page: a title and a body of trusted, already-escaped HTML.
    static func page(title: String, body: String, head: String = "") -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
          body { margin: 0 auto; max-width: 46rem; padding: 1.5rem; font: 16px/1.5 Helvetica, Arial, sans-serif; color: #1f2933; }
          h1 { font-size: 1.4rem; } .error { color: #a61b1b; } .ok { color: #1e6b3a; }
          pre { white-space: pre-wrap; background: #f0f4f8; padding: 0.8rem; }
          iframe { width: 100%; height: 70vh; border: 1px solid #d9e2ec; }
          button { font: inherit; padding: 0.5rem 1.2rem; }
        </style>
        \(head)
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    static func response(
        _ body: String, status: HTTPResponse.Status = .ok, contentType: String = "text/html; charset=utf-8",
        extraHeaders: HTTPFields = [:]
    ) -> Response {
        var headers: HTTPFields = [.contentType: contentType]
        headers.append(contentsOf: extraHeaders)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
