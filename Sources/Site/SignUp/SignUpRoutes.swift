import Compose
import Delivery
import Foundation
import HTTPTypes
import Hummingbird
import NewsletterCore
import Store

/// The public sign-up: `GET /subscribe` (the form), `POST /subscribe` (form-encoded or JSON),
/// `GET /confirm/TOKEN` (a page with a button: mail scanners follow links, so a GET changes
/// nothing) and `POST /confirm/TOKEN` (confirms). A sign-up gets the same answer whatever the
/// address's standing (new, waiting, confirmed, suppressed), so the form tells no one who is on
/// the list. Limits: a trap field, a body of at most 16 KB, sign-ups per IP address an hour, one
/// confirmation mail per address a day, a cap on confirmation mails an hour.
struct SignUpRoutes: Sendable {
    let config: NewsletterConfig
    let templates: TemplateSet
    let people: any SubscriberStore
    let secret: UnsubscribeSecret
    /// `nil` without a relay: a double opt-in sign-up is recorded, and its mail cannot go.
    let mailer: ConfirmationMailer?
    let report: @Sendable (String) -> Void

    static let bodyLimit = 16 * 1024

    func add(to router: Router<SiteContext>) {
        router.getAndHead("subscribe") { _, _ in page(form: FormValues()) }
        router.post("subscribe") { request, context in try await subscribe(request, context: context) }
        router.getAndHead("confirm/:token") { _, context in
            switch verified(context.parameters.get("token")) {
            case .failure(let problem): return problemPage(problem)
            case .success(let token):
                let lists = token.lists.compactMap { config.lists.definition(of: $0) }
                let person = try people.subscriber(publicID: token.publicID)
                guard let person else { return problemPage(.invalid) }
                let action = context.parameters.get("token") ?? ""
                return page([
                    "confirm": ["action": action, "email": person.address.description, "lists": titles(lists)]
                ])
            }
        }
        router.post("confirm/:token") { request, context in
            switch verified(context.parameters.get("token")) {
            case .failure(let problem): return problemPage(problem)
            case .success(let token):
                let source = ConsentSource(
                    "POST /confirm",
                    ip: ClientAddress.of(request, context: context, trusting: config.signup.trustedProxies),
                    userAgent: request.headers[.userAgent].map { String($0) })
                switch try people.confirm(
                    publicID: token.publicID, lists: token.lists, nonce: token.nonce, source: source, now: Date())
                {
                case .used: return problemPage(.used)
                case .unknown: return problemPage(.invalid)
                case .confirmed(let address, _):
                    let lists = token.lists.compactMap { config.lists.definition(of: $0) }
                    return page(["welcome": ["email": address.description, "lists": titles(lists)]])
                }
            }
        }
    }

    // MARK: Signing up

    private func subscribe(_ request: Request, context: SiteContext) async throws -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.bodyLimit)
        } catch {
            return page(form: FormValues(error: "The request is too large."), status: .contentTooLarge)
        }
        let json = request.headers[.contentType]?.lowercased().hasPrefix("application/json") ?? false
        let ip = ClientAddress.of(request, context: context, trusting: config.signup.trustedProxies)
        // Counted before anything else, so that a wave of bad requests is limited too.
        if let ip, try people.noteSignUpAttempt(ip: ip, now: Date()) > config.signup.perIPPerHour {
            return answer(
                json: json, status: .tooManyRequests,
                message: "Too many sign-ups from your network in the last hour; try again later.",
                page: page(
                    form: FormValues(error: "Too many sign-ups from your network; try again in an hour."),
                    status: .tooManyRequests))
        }
        let parsed: SignUpRequest
        switch SignUpRequest.parse(String(buffer: body), contentType: request.headers[.contentType]) {
        case .failure(let refusal):
            return answer(
                json: json, status: .badRequest, message: refusal.message,
                page: page(form: FormValues(error: refusal.message), status: .badRequest))
        case .success(let request):
            parsed = request
        }
        let lists: [ListDefinition]
        switch chosenLists(parsed.lists) {
        case .failure(let refusal):
            return answer(
                json: json, status: .badRequest, message: refusal.message,
                page: page(form: FormValues(parsed, error: refusal.message), status: .badRequest))
        case .success(let chosen):
            lists = chosen
        }
        let address: EmailAddress
        do {
            address = try EmailAddress(parsed.email)
        } catch {
            let message = "This is not an address mail can be sent to: \(error.reason)."
            return answer(
                json: json, status: .badRequest, message: message,
                page: page(form: FormValues(parsed, error: message), status: .badRequest))
        }
        let asked = asked(email: address.description, lists: lists)
        // A bot that filled the trap gets the same answer, and nothing is stored or sent.
        guard !parsed.isTrap else { return answer(json: json, status: .ok, message: asked.message, page: asked.page) }
        let source = ConsentSource(
            request.headers[.referer].map { "the form on \($0)" } ?? "the form at /subscribe", ip: ip,
            userAgent: request.headers[.userAgent].map { String($0) }, consentText: config.signup.consent)
        let outcome = try people.signUp(address, name: parsed.name, lists: lists, source: source, now: Date())
        if !outcome.toConfirm.isEmpty {
            try mailConfirmation(to: address, outcome: outcome)
        }
        return answer(json: json, status: .ok, message: asked.message, page: asked.page)
    }

    /// The lists asked for: public ones, and at least one; without any named, the default list.
    private func chosenLists(_ names: [String]?) -> Result<[ListDefinition], SignUpRequest.Refusal> {
        guard let names else {
            guard let list = config.lists.definition(of: config.lists.defaultList), list.isPublic else {
                return .failure(.init(message: "Name a list to sign up to."))
            }
            return .success([list])
        }
        let lists = names.compactMap { name in config.lists.definition(of: name) }.filter(\.isPublic)
        guard lists.count == names.count, !lists.isEmpty else {
            return .failure(.init(message: names.isEmpty ? "Choose a list." : "There is no such list to sign up to."))
        }
        return .success(lists)
    }

    private func mailConfirmation(to address: EmailAddress, outcome: SignUpOutcome) throws {
        guard let mailer else {
            report("A sign-up waits for confirmation, but no relay is set: no confirmation mail was sent.")
            return
        }
        // At most one a day to an address, however often it is entered, and a cap an hour.
        guard
            try people.reserveConfirmationMail(
                for: address, hourlyCap: config.signup.confirmationsPerHour, now: Date())
        else { return }
        let expires = Date().addingTimeInterval(Double(config.signup.confirmDays) * 86400)
        let token = ConfirmationToken(publicID: outcome.publicID, lists: outcome.toConfirm, expires: expires)
        let link = config.baseURL.appending(path: "confirm/\(token.encoded(with: secret))").absoluteString
        let lists = outcome.toConfirm.compactMap { config.lists.definition(of: $0) }
        mailer.send(
            ConfirmationMail.bytes(
                to: address, lists: lists, link: link, expires: expires, config: config, templates: templates),
            to: address)
    }

    // MARK: Pages

    private struct FormValues {
        var email = ""
        var name = ""
        var chosen: Set<String>?
        var error: String?

        init(error: String? = nil) {
            self.error = error
        }

        init(_ request: SignUpRequest, error: String) {
            email = request.email
            name = request.name ?? ""
            chosen = request.lists.map(Set.init)
            self.error = error
        }
    }

    private func page(form: FormValues, status: HTTPResponse.Status = .ok) -> Response {
        let lists: [[String: Any]] = config.lists.lists.filter(\.isPublic).map { list in
            var values: [String: Any] = [
                "name": list.name, "title": list.title,
                "checked": form.chosen?.contains(list.name) ?? (list.name == config.lists.defaultList),
            ]
            values["description"] = list.description
            return values
        }
        var values: [String: Any] = [
            "action": "subscribe", "email": form.email, "name": form.name, "lists": lists,
            "consent": config.signup.consent,
        ]
        values["error"] = form.error
        return page(["form": values], status: status)
    }

    private func asked(email: String, lists: [ListDefinition]) -> (message: String, page: Response) {
        if lists.allSatisfy({ $0.optIn == .single }) {
            return ("Subscribed.", page(["welcome": ["email": email, "lists": titles(lists)]]))
        }
        return (
            "Check your inbox: a link to confirm is on its way.",
            page(["asked": ["email": email, "lists": titles(lists)]])
        )
    }

    private func problemPage(_ problem: LinkProblem) -> Response {
        let (title, message, status): (String, String, HTTPResponse.Status) =
            switch problem {
            case .invalid:
                ("This link is not valid", "Use the link from the mail as it is, or sign up again.", .badRequest)
            case .expired:
                (
                    "This link has expired",
                    "Confirmation links work for \(config.signup.confirmDays) days. Sign up again to get a new one.",
                    .gone
                )
            case .used:
                (
                    "This link was used already",
                    "It works once. If you are not receiving the newsletter, sign up again.", .gone
                )
            }
        return page(
            [
                "problem": [
                    "title": title, "message": message,
                    "subscribe_url": config.baseURL.appending(path: "subscribe").absoluteString,
                ]
            ], status: status)
    }

    private enum LinkProblem: Error {
        case invalid, expired, used
    }

    private func verified(_ text: String?) -> Result<ConfirmationToken, LinkProblem> {
        guard let text else { return .failure(.invalid) }
        switch ConfirmationToken.verify(text, with: secret) {
        case .success(let token):
            return token.lists.allSatisfy({ config.lists.definition(of: $0) != nil })
                ? .success(token) : .failure(.invalid)
        case .failure(.expired): return .failure(.expired)
        case .failure(.invalid): return .failure(.invalid)
        }
    }

    private func titles(_ lists: [ListDefinition]) -> [[String: Any]] {
        lists.enumerated().map { index, list in ["title": list.title, "last": index == lists.count - 1] }
    }

    private func page(_ section: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        var values = section
        values["newsletter"] = [
            "name": config.name, "language": config.locale.replacingOccurrences(of: "_", with: "-"),
        ]
        values["organisation"] = [
            "name": config.organisation.name, "postal_address": config.organisation.postalAddress,
        ]
        let title =
            section["form"] != nil
            ? "Subscribe" : section["welcome"] != nil ? "Welcome" : section["problem"] != nil ? "Sign-up" : "Confirm"
        values["page"] = ["title": title]
        return HTTPPages.response(
            templates.render(.subscribe, context: values), status: status, extraHeaders: UnsubscribeRoutes.noStore)
    }

    /// A JSON request gets JSON: `{"ok": …, "message": …}`; a form, the page.
    private func answer(json: Bool, status: HTTPResponse.Status, message: String, page: Response) -> Response {
        guard json else { return page }
        let object: [String: Any] = ["ok": status == .ok, "message": message]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The client's IP address: the socket's peer, or, when that is a trusted proxy, the last
/// address its `X-Forwarded-For` adds (the one it saw; earlier ones the client may have made up).
enum ClientAddress {
    static func of(_ request: Request, context: SiteContext, trusting proxies: [String]) -> String? {
        guard let peer = context.peerIP else { return nil }
        guard proxies.contains(peer), let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!] else {
            return peer
        }
        let last = forwarded.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) }
        return last.flatMap { $0.isEmpty ? nil : $0 } ?? peer
    }
}
