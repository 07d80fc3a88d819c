import Compose
import Deliverability
import Delivery
import Foundation
import Hummingbird
import NewsletterCore

/// The editor's preview of one issue, rendered afresh from the files on every request: the
/// email exactly as the chosen subscriber would get it, its plain text, the raw message and its
/// headers, the web page, and every validation problem with its line. The page reloads itself
/// (server-sent events) when a file of the issue, a template, a list or the config changes, and
/// shows a build error instead of stopping.
struct PreviewRoutes: Sendable {
    let workspace: Workspace
    let number: Int
    let list: String?
    let recipient: String?
    /// A throwaway key: the preview's unsubscribe links only show what a link looks like.
    let secret: UnsubscribeSecret

    init(workspace: Workspace, number: Int, list: String?, recipient: String?) throws {
        self.workspace = workspace
        self.number = number
        self.list = list
        self.recipient = recipient
        secret = try UnsubscribeSecret(bytes: Data((0..<32).map { _ in UInt8.random(in: 0...255) }))
    }

    private struct Rendered {
        var prepared: PreparedIssue
        var message: MessagePreview
        var list: String
    }

    private func render() -> Result<Rendered, NewsletterError> {
        do {
            let prepared = try PreparedIssue(workspace: workspace, number: number, allowingPlaceholders: true)
            let listName = list ?? prepared.config.lists.defaultList
            let message = try MessagePreview.render(prepared: prepared, list: listName, as: recipient, secret: secret)
            return .success(Rendered(prepared: prepared, message: message, list: listName))
        } catch let error as NewsletterError {
            return .failure(error)
        } catch {
            return .failure(NewsletterError("\(error)"))
        }
    }

    func add(to router: Router<SiteContext>) {
        router.getAndHead("/") { _, _ in HTTPPages.response(index()) }
        router.getAndHead("email") { _, _ in
            view { HTTPPages.response($0.message.html) }
        }
        router.getAndHead("text") { _, _ in
            view { HTTPPages.response($0.message.text, contentType: "text/plain; charset=utf-8") }
        }
        router.getAndHead("web") { _, _ in
            view { HTTPPages.response($0.prepared.webPage) }
        }
        router.getAndHead("headers") { _, _ in
            view { HTTPPages.response($0.message.headers, contentType: "text/plain; charset=utf-8") }
        }
        router.getAndHead("message.eml") { _, _ in
            view { rendered in
                var headers: HTTPFields = [.contentType: "message/rfc822"]
                headers[.contentDisposition] = "attachment; filename=\"issue-\(IssueNumber.folderName(number)).eml\""
                return Response(
                    status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: rendered.message.raw)))
            }
        }
        router.get("events") { _, _ in events() }
    }

    /// A view of the rendered issue, or the problems when it does not render.
    private func view(_ body: (Rendered) throws -> Response) rethrows -> Response {
        switch render() {
        case .success(let rendered): return try body(rendered)
        case .failure(let error): return HTTPPages.response(HTTPPages.page(title: "Build error", body: problems(error)))
        }
    }

    private func index() -> String {
        let reload = """
            <script>new EventSource("/events").onmessage = function () { location.reload(); };</script>
            """
        switch render() {
        case .failure(let error):
            let body =
                "<h1>Issue \(number) does not build</h1>\(problems(error))<p>This page reloads when you save a file.</p>"
            return HTTPPages.page(title: "Issue \(number): build error", body: body, head: reload)
        case .success(let rendered):
            let issue = rendered.prepared.issue
            let titles = issue.items.map { "<li>\(HTTPPages.escape($0.title))</li>" }.joined()
            let body = """
                <h1>Issue \(number): \(HTTPPages.escape(issue.header.subject))</h1>
                <p>As <strong>\(HTTPPages.escape(rendered.message.recipient))</strong> of the list <strong>\(HTTPPages.escape(rendered.list))</strong> would get it.
                <a href="/email">Email</a> · <a href="/text">Plain text</a> · <a href="/web">Web page</a> ·
                <a href="/headers">Headers</a> · <a href="/message.eml">Raw message (.eml)</a></p>
                <p class="ok">Validation: the email is valid XHTML 1.0 Transitional and the web page parsed without errors (libxml2).</p>
                \(warnings(rendered.prepared.warnings))
                \(preSendCheck(Doctor.offline(rendered.message)))
                <h2>In this issue</h2>
                <ol>\(titles)</ol>
                <iframe src="/email" title="The email"></iframe>
                """
            return HTTPPages.page(title: "Preview of issue \(number)", body: body, head: reload)
        }
    }

    private func problems(_ error: NewsletterError) -> String {
        "<p class=\"error\">\(error.diagnostics.count) problem\(error.diagnostics.count == 1 ? "" : "s"):</p>"
            + list(error.diagnostics)
    }

    /// What `check` would point out (or, for placeholders, refuse to send), shown beside the validation.
    private func warnings(_ diagnostics: [Diagnostic]) -> String {
        guard !diagnostics.isEmpty else { return "" }
        return "<p class=\"warning\">\(diagnostics.count) warning\(diagnostics.count == 1 ? "" : "s"):</p>"
            + list(diagnostics)
    }

    /// The offline part of `newsletter doctor`, which `send` runs first.
    private func preSendCheck(_ findings: [Finding]) -> String {
        let problems = findings.problems
        guard !problems.isEmpty else {
            return
                "<p class=\"ok\">Pre-send check: nothing to fix in the message (`newsletter doctor` also checks the DNS and the relay).</p>"
        }
        let items = problems.map { finding in
            let mark = finding.severity == .refusal ? "refusal" : "warning"
            let hint = finding.hint.map { "<br><small>\(HTTPPages.escape($0))</small>" } ?? ""
            return "<li class=\"\(mark)\"><strong>\(mark):</strong> \(HTTPPages.escape(finding.message))\(hint)</li>"
        }
        let refusals = problems.filter { $0.severity == .refusal }.count
        let lead =
            refusals > 0
            ? "Pre-send check: \(refusals) refusal\(refusals == 1 ? "" : "s"); `send` stops on them unless --force."
            : "Pre-send check: \(problems.count) warning\(problems.count == 1 ? "" : "s")."
        return "<p class=\"\(refusals > 0 ? "error" : "warning")\">\(lead)</p><ul>\(items.joined())</ul>"
    }

    private func list(_ diagnostics: [Diagnostic]) -> String {
        let items = diagnostics.map { diagnostic in
            var text = "<li><code>"
            if let location = diagnostic.location { text += HTTPPages.escape(location.description) + ": " }
            text += "</code>" + HTTPPages.escape(diagnostic.message)
            if let hint = diagnostic.hint { text += "<br><small>\(HTTPPages.escape(hint))</small>" }
            return text + "</li>"
        }
        return "<ul>\(items.joined())</ul>"
    }

    /// Server-sent events: `reload` whenever the watched files change.
    private func events() -> Response {
        let workspace = workspace
        let number = number
        let body = ResponseBody { writer in
            var last = WorkspaceFingerprint(workspace: workspace, issue: number)
            var ticks = 0
            try await writer.write(ByteBuffer(string: ": watching\n\n"))
            while !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(400))
                let current = WorkspaceFingerprint(workspace: workspace, issue: number)
                if current != last {
                    last = current
                    try await writer.write(ByteBuffer(string: "data: reload\n\n"))
                }
                ticks += 1
                if ticks % 30 == 0 { try await writer.write(ByteBuffer(string: ": keep-alive\n\n")) }
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"], body: body)
    }
}
