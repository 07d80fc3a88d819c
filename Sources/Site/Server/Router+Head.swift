import Hummingbird

extension Router {
    /// Routes GET and HEAD at `path` to `handler`; a HEAD gets the GET's status and headers
    /// without its body (RFC 9110, 9.3.2). Link checkers and uptime monitors ask with HEAD.
    /// Only for pages whose GET changes nothing, as every GET here.
    @discardableResult
    func getAndHead(
        _ path: RouterPath, use handler: @escaping @Sendable (Request, Context) async throws -> Response
    ) -> Self {
        get(path, use: handler)
        head(path) { request, context in try await handler(request, context).createHeadResponse() }
        return self
    }
}
