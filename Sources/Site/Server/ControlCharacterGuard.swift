import Foundation
import Hummingbird

/// Refuses a request whose path holds a control character, raw or percent-encoded (`%00`,
/// `%0D%0A`): the file lookup would stop at a NUL (`/index.html%00.txt` served the page as plain
/// text) and a redirect would echo the rest into its `Location` header. Checked on the path's
/// bytes, so that an encoding Foundation cannot decode (`%00%FF`) is no way around it.
struct ControlCharacterGuard<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        if Self.holdsControlCharacter(request.uri.path) {
            throw HTTPError(.badRequest, message: "The address holds a control character.")
        }
        return try await next(request, context)
    }

    static func holdsControlCharacter(_ path: String) -> Bool {
        let bytes = Array(path.utf8)
        for (index, byte) in bytes.enumerated() {
            if byte < 0x20 || byte == 0x7F { return true }
            guard byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                let value = UInt8(String(decoding: bytes[index + 1...index + 2], as: UTF8.self), radix: 16)
            else { continue }
            if value < 0x20 || value == 0x7F { return true }
        }
        return false
    }
}
