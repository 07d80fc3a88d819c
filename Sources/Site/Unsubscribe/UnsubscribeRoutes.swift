import Delivery
import Foundation
import Hummingbird
import NewsletterCore

/// The public unsubscribe endpoints, for each message's List-Unsubscribe link:
/// `GET /unsubscribe/TOKEN` shows a page with a confirm button and changes nothing (mail
/// scanners follow links); `POST /unsubscribe/TOKEN` with `List-Unsubscribe=One-Click`
/// (RFC 8058, what mail clients send, and what the button sends) adds the address to the
/// suppression list, durably, before it answers. A token that does not verify answers 400
/// with nothing written. Pages are never cached and never list subscribers.
struct UnsubscribeRoutes: Sendable {
    let workspace: Workspace
    let secret: UnsubscribeSecret
    let newsletterName: String
    /// Serialises this process's appends; the file lock inside does it across processes.
    private let writeLock = NSLock()

    init(workspace: Workspace, secret: UnsubscribeSecret, newsletterName: String) {
        self.workspace = workspace
        self.secret = secret
        self.newsletterName = newsletterName
    }

    static let noStore: HTTPFields = [.cacheControl: "no-store"]

    func add(to router: Router<BasicRequestContext>) {
        router.getAndHead("unsubscribe/:token") { _, context in
            guard let token = verified(context.parameters.get("token")) else { return invalid() }
            let body = """
                <h1>Unsubscribe from \(HTTPPages.escape(newsletterName))?</h1>
                <p>\(HTTPPages.escape(token.address)) will get no more issues.</p>
                <form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>
                """
            return HTTPPages.response(HTTPPages.page(title: "Unsubscribe", body: body), extraHeaders: Self.noStore)
        }
        router.post("unsubscribe/:token") { request, context in
            guard let token = verified(context.parameters.get("token")) else { return invalid() }
            let body = try await request.body.collect(upTo: 4096)
            guard Self.isOneClick(String(buffer: body)) else {
                return HTTPPages.response(
                    HTTPPages.page(
                        title: "Bad request",
                        body: "<h1 class=\"error\">The request lacks List-Unsubscribe=One-Click.</h1>"),
                    status: .badRequest, extraHeaders: Self.noStore)
            }
            try suppress(token)
            let page = HTTPPages.page(
                title: "Unsubscribed",
                body:
                    "<h1 class=\"ok\">Unsubscribed</h1><p>\(HTTPPages.escape(token.address)) will get no more issues of \(HTTPPages.escape(newsletterName)).</p>"
            )
            return HTTPPages.response(page, extraHeaders: Self.noStore)
        }
    }

    /// The token's list and address, if the token verifies and names a list of this workspace.
    private func verified(_ text: String?) -> UnsubscribeToken? {
        guard let text, let token = UnsubscribeToken.verify(text, with: secret),
            SubscriberList.names(in: workspace).contains(token.list),
            (try? EmailAddress(token.address)) != nil
        else { return nil }
        return token
    }

    private func invalid() -> Response {
        HTTPPages.response(
            HTTPPages.page(
                title: "Invalid link",
                body:
                    "<h1 class=\"error\">This unsubscribe link is not valid.</h1><p>Use the link from your newsletter as it is, or reply to the newsletter to be removed.</p>"
            ),
            status: .badRequest, extraHeaders: Self.noStore)
    }

    private func suppress(_ token: UnsubscribeToken) throws {
        let address = try EmailAddress(token.address)
        try writeLock.withLock {
            _ = try SuppressionList(workspace: workspace).add([
                .init(address: address, reason: .unsubscribed, date: .today())
            ])
        }
    }

    /// Whether a form-encoded body holds `List-Unsubscribe=One-Click`.
    static func isOneClick(_ body: String) -> Bool {
        body.split(separator: "&").contains { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            return parts.count == 2 && parts[0] == "List-Unsubscribe" && parts[1] == "One-Click"
        }
    }
}
