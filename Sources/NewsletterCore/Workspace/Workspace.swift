public import Foundation

/// A newsletter workspace: a folder with `newsletter.toml`, `issues/`, `subscribers/` and
/// `templates/`. Everything here reads plain files; nothing is cached between calls, so what
/// the editor just saved is what the next command sees.
public struct Workspace: Sendable {
    public let root: URL

    public init(root: URL) {
        self.root = root.standardizedFileURL
    }

    public var configFile: URL { root.appending(path: ConfigLoader.fileName) }
    public var issuesFolder: URL { root.appending(path: "issues") }
    public var inboxFolder: URL { issuesFolder.appending(path: "inbox") }
    public var templatesFolder: URL { root.appending(path: "templates") }
    public var subscribersFolder: URL { root.appending(path: "subscribers") }
    /// Derived output of `newsletter build`, ignored by git.
    public var buildFolder: URL { root.appending(path: "build") }
    /// Operational state (the delivery ledger), ignored by git.
    public var stateFolder: URL { root.appending(path: ".newsletter") }

    public func issueFolder(_ number: Int) -> URL {
        issuesFolder.appending(path: IssueNumber.folderName(number))
    }

    /// How messages name a file: relative to the workspace when inside it.
    public func displayPath(_ url: URL) -> String {
        let path = url.standardizedFileURL.path
        let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    public func loadConfig() throws -> NewsletterConfig {
        guard FileManager.default.fileExists(atPath: configFile.path) else {
            throw NewsletterError(
                "There is no \(ConfigLoader.fileName) in \(root.path).",
                hint:
                    "Run the command inside a workspace, pass `--workspace DIR`, or create one with `newsletter init DIR`."
            )
        }
        return try ConfigLoader.load(from: configFile)
    }

    /// The numbers of the issue folders, ascending.
    public func issueNumbers() throws -> [Int] {
        try folderNames(in: issuesFolder).compactMap(IssueNumber.parse(folderName:)).sorted()
    }

    /// Throws, naming the issues there are, when issue `number` has no folder with an `issue.md`.
    public func requireIssue(_ number: Int) throws {
        let headerFile = issueFolder(number).appending(path: "issue.md")
        guard !FileManager.default.fileExists(atPath: headerFile.path) else { return }
        let known = (try? issueNumbers()) ?? []
        let choice =
            known.isEmpty
            ? "There are no issues yet; create one with `newsletter issue new`."
            : "The issues are \(known.map(String.init).joined(separator: ", ")); `newsletter issue list` shows them."
        throw NewsletterError("There is no issue \(number) (no \(displayPath(headerFile))).", hint: choice)
    }

    public func loadIssue(_ number: Int) throws -> Issue {
        try requireIssue(number)
        let folder = issueFolder(number)
        let headerFile = folder.appending(path: "issue.md")
        var problems = DiagnosticCollector()
        let header = problems.attempt {
            try IssueHeader(
                parsing: TextFile.read(headerFile, displayPath: displayPath(headerFile)),
                displayPath: displayPath(headerFile))
        }
        let items = problems.attempt { try loadItems(in: folder.appending(path: "items")) }
        try problems.throwIfAny()
        guard let header, let items else { throw NewsletterError("Issue \(number) cannot be read.") }
        return Issue(number: number, folder: folder, header: header, items: items)
    }

    /// The news items waiting in `issues/inbox/`, oldest first.
    public func inboxItems() throws -> [NewsItem] {
        try loadItems(in: inboxFolder).sorted { ($0.date, $0.displayPath) < ($1.date, $1.displayPath) }
    }

    /// The `.md` files of a folder, parsed, in file-name order; every bad item is reported.
    public func loadItems(in folder: URL) throws -> [NewsItem] {
        var problems = DiagnosticCollector()
        let items = try markdownFiles(in: folder).compactMap { file in
            problems.attempt { try NewsItem(contentsOf: file, displayPath: displayPath(file)) }
        }
        try problems.throwIfAny()
        return items
    }

    public func markdownFiles(in folder: URL) throws -> [URL] {
        try fileNames(in: folder)
            .filter { $0.hasSuffix(".md") && !$0.hasPrefix(".") }
            .sorted(by: FileOrder.areInOrder)
            .map { folder.appending(path: $0) }
    }

    func folderNames(in folder: URL) throws -> [String] {
        try fileNames(in: folder).filter { name in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: folder.appending(path: name).path, isDirectory: &isFolder)
                && isFolder.boolValue
        }
    }

    private func fileNames(in folder: URL) throws -> [String] {
        guard FileManager.default.fileExists(atPath: folder.path) else { return [] }
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw NewsletterError(
                "The folder \(displayPath(folder)) cannot be listed: \(TextFile.describe(error)).",
                hint: "Check its permissions.")
        }
    }
}

extension Workspace {
    /// The workspace in `folder`, named by the user (`-C DIR`): a folder that does not exist or
    /// holds no `newsletter.toml` is refused, so that a mistyped name never reads as an empty
    /// workspace ("No issues yet") and no command writes into the wrong folder.
    public static func open(_ folder: URL, as typed: String) throws -> Workspace {
        let workspace = Workspace(root: folder)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: workspace.root.path, isDirectory: &isFolder) else {
            throw NewsletterError(
                "The folder `\(typed)` does not exist, so it is not a newsletter workspace.",
                hint: "Check the name, or create a workspace there with `newsletter init \(typed)`.")
        }
        guard isFolder.boolValue else {
            throw NewsletterError(
                "`\(typed)` is a file, not a newsletter workspace.",
                hint: "Name the folder that holds \(ConfigLoader.fileName).")
        }
        guard FileManager.default.fileExists(atPath: workspace.configFile.path) else {
            throw NewsletterError(
                "The folder `\(typed)` is not a newsletter workspace: it has no \(ConfigLoader.fileName).",
                hint:
                    "Name the folder that holds \(ConfigLoader.fileName), or create a workspace with `newsletter init \(typed)`."
            )
        }
        return workspace
    }

    /// The workspace containing `start`: the nearest folder upwards with a `newsletter.toml`.
    public static func discover(from start: URL) throws -> Workspace {
        var folder = start.standardizedFileURL
        while true {
            if FileManager.default.fileExists(atPath: folder.appending(path: ConfigLoader.fileName).path) {
                return Workspace(root: folder)
            }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { break }
            folder = parent
        }
        throw NewsletterError(
            "No newsletter workspace here: neither \(start.path) nor a folder above it has a \(ConfigLoader.fileName).",
            hint:
                "Run the command inside a workspace, pass `--workspace DIR`, or create one with `newsletter init DIR`.")
    }
}
