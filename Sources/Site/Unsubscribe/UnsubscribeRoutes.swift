import Delivery
import Foundation
import Hummingbird
import NewsletterCore
import Store

/// The public unsubscribe endpoints, for each message's List-Unsubscribe link:
/// `GET /unsubscribe/TOKEN` shows a page with a confirm button and changes nothing (mail
/// scanners follow links); `POST /unsubscribe/TOKEN` with `List-Unsubscribe=One-Click`
/// (RFC 8058, what mail clients send, and what the button sends) takes the person off the
/// token's list in the store, with a consent event, before it answers. A token that does not
/// verify answers 400 with nothing written. Pages are never cached and never list subscribers.
struct UnsubscribeRoutes: Sendable {
    let config: NewsletterConfig
    let people: any SubscriberStore
    let secret: UnsubscribeSecret
    var newsletterName: String { config.name }

    init(config: NewsletterConfig, people: any SubscriberStore, secret: UnsubscribeSecret) {
        self.config = config
        self.people = people
        self.secret = secret
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
            try unsubscribe(token, source: request)
            let page = HTTPPages.page(
                title: "Unsubscribed",
                body:
                    "<h1 class=\"ok\">Unsubscribed</h1><p>\(HTTPPages.escape(token.address)) will get no more issues of \(HTTPPages.escape(title(of: token.list))).</p>"
            )
            return HTTPPages.response(page, extraHeaders: Self.noStore)
        }
    }

    /// The token's list and address, if the token verifies and names a list of this workspace.
    private func verified(_ text: String?) -> UnsubscribeToken? {
        guard let text, let token = UnsubscribeToken.verify(text, with: secret),
            config.lists.definition(of: token.list) != nil,
            (try? EmailAddress(token.address)) != nil
        else { return nil }
        return token
    }

    private func title(of list: String) -> String {
        config.lists.definition(of: list)?.title ?? newsletterName
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

    /// Off the list, in the store, before the answer: a running send follows the consent log.
    /// An address the store does not hold (a link from before it) is suppressed: the person
    /// asked to stop.
    private func unsubscribe(_ token: UnsubscribeToken, source request: Request) throws {
        let address = try EmailAddress(token.address)
        let source = ConsentSource(
            "POST /unsubscribe (List-Unsubscribe)", userAgent: request.headers[.userAgent].map { String($0) })
        let left = try people.unsubscribe(address, from: token.list, source: source, now: Date())
        if left.isEmpty, try people.subscriber(address: address) == nil {
            _ = try people.suppress(address, reason: .unsubscribed, source: source, now: Date())
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
