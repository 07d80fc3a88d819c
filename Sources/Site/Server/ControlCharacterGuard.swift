import Foundation
import Hummingbird

/// Refuses a request whose path, once decoded, holds a control character (`%00`, `%0D%0A`): the
/// file lookup would stop at a NUL (`/index.html%00.txt` served the page as plain text) and a
/// redirect would echo the rest into its `Location` header.
struct ControlCharacterGuard<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let path = request.uri.path.removingPercentEncoding ?? request.uri.path
        if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw HTTPError(.badRequest, message: "The address holds a control character.")
        }
        return try await next(request, context)
    }
}
