import Delivery
import Foundation
import Hummingbird
import NewsletterCore
import Store

/// The public unsubscribe endpoints, for each message's List-Unsubscribe link:
/// `GET /unsubscribe/TOKEN` is a small preferences page (the lists the person is on, a button
/// to leave this one and one to leave them all) and changes nothing, since mail scanners follow
/// links; `POST /unsubscribe/TOKEN` with `List-Unsubscribe=One-Click` (RFC 8058, what mail
/// clients send, and what the first button sends) takes the person off the token's list, and
/// with `leave=all` off every list, in the store, with a consent event, before it answers. A
/// token that does not verify answers 400 with nothing written. Pages are never cached and list
/// no one but the person.
struct UnsubscribeRoutes: Sendable {
    let config: NewsletterConfig
    let people: any SubscriberStore
    let ledger: DeliveryLedger
    let secret: UnsubscribeSecret

    static let noStore: HTTPFields = [.cacheControl: "no-store"]

    /// Whom a verified token names, and the list it is for.
    private struct Named {
        var address: EmailAddress
        var list: ListDefinition
    }

    func add(to router: Router<SiteContext>) {
        router.getAndHead("unsubscribe/:token") { _, context in
            guard let named = try named(context.parameters.get("token")) else { return invalid() }
            return HTTPPages.response(try preferences(named), extraHeaders: Self.noStore)
        }
        router.post("unsubscribe/:token") { request, context in
            guard let named = try named(context.parameters.get("token")) else { return invalid() }
            let body = String(buffer: try await request.body.collect(upTo: 4096))
            let source = ConsentSource(
                "POST /unsubscribe", ip: nil, userAgent: request.headers[.userAgent].map { String($0) })
            if FormBody.value(of: "leave", in: body) == "all" {
                try people.unsubscribe(named.address, from: nil, source: source, now: Date())
                return done("\(named.address) will get nothing more from \(config.name).")
            }
            guard FormBody.value(of: "List-Unsubscribe", in: body) == "One-Click" else {
                return HTTPPages.response(
                    HTTPPages.page(
                        title: "Bad request",
                        body: "<h1 class=\"error\">The request lacks List-Unsubscribe=One-Click.</h1>"),
                    status: .badRequest, extraHeaders: Self.noStore)
            }
            try unsubscribe(named, source: source)
            return done("\(named.address) will get no more issues of \(named.list.title).")
        }
    }

    /// The token's person and list, if the token verifies, names a list of this workspace, and
    /// (for a send's link) a recipient the store still holds.
    private func named(_ text: String?) throws -> Named? {
        guard let text, let token = UnsubscribeToken.verify(text, with: secret),
            let list = config.lists.definition(of: token.list)
        else { return nil }
        switch token.person {
        case .address(let address):
            return (try? EmailAddress(address)).map { Named(address: $0, list: list) }
        case .recipient(let id):
            guard let (address, sendList) = try ledger.recipient(id: id), sendList == list.name,
                let parsed = try? EmailAddress(address)
            else { return nil }
            return Named(address: parsed, list: list)
        }
    }

    private func preferences(_ named: Named) throws -> String {
        let memberships = try people.person(named.address)?.memberships.filter { $0.status == .confirmed } ?? []
        let others = memberships.filter { $0.list != named.list.name }.compactMap {
            config.lists.definition(of: $0.list)?.title
        }
        var body = """
            <h1>\(HTTPPages.escape(config.name))</h1>
            <p>Subscriptions of <strong>\(HTTPPages.escape(named.address.description))</strong>.</p>
            <form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Leave \(HTTPPages.escape(named.list.title))</button></form>
            """
        if !others.isEmpty {
            body += """
                <p>You are also on: \(others.map(HTTPPages.escape).joined(separator: ", ")).</p>
                <form method="post"><input type="hidden" name="leave" value="all"><button type="submit">Leave every list</button></form>
                """
        }
        return HTTPPages.page(title: "Unsubscribe", body: body)
    }

    private func done(_ text: String) -> Response {
        HTTPPages.response(
            HTTPPages.page(
                title: "Unsubscribed", body: "<h1 class=\"ok\">Unsubscribed</h1><p>\(HTTPPages.escape(text))</p>"),
            extraHeaders: Self.noStore)
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
    private func unsubscribe(_ named: Named, source: ConsentSource) throws {
        let left = try people.unsubscribe(named.address, from: named.list.name, source: source, now: Date())
        if left.isEmpty, try people.subscriber(address: named.address) == nil {
            _ = try people.suppress(named.address, reason: .unsubscribed, source: source, now: Date())
        }
    }
}

/// `application/x-www-form-urlencoded` bodies, the fields the public endpoints read.
enum FormBody {
    /// Every `name=value` pair, decoded (`+` is a space); a pair that cannot be decoded is left out.
    static func fields(_ body: String) -> [(String, String)] {
        body.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard parts.count == 2, let name = parts[0], let value = parts[1] else { return nil }
            return (name, value)
        }
    }

    static func value(of name: String, in body: String) -> String? {
        fields(body).first { $0.0 == name }?.1
    }
}
