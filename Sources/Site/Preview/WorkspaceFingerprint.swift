import Foundation
import NewsletterCore

/// What the preview watches: the config, the templates, the issue's files and the lists, by
/// modification time and size. Reading a few dozen file attributes twice a second is cheap,
/// works on every file system, and needs no inotify.
struct WorkspaceFingerprint: Equatable {
    private var files: [String: [Double]] = [:]

    init(workspace: Workspace, issue: Int) {
        let folders = [
            workspace.templatesFolder, workspace.subscribersFolder, workspace.issueFolder(issue),
            workspace.issueFolder(issue).appending(path: "items"),
        ]
        var files = [workspace.configFile]
        for folder in folders {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            files += names.map { folder.appending(path: $0) }
        }
        for file in files {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: file.path) else { continue }
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            let size = (attributes[.size] as? NSNumber)?.doubleValue ?? 0
            self.files[file.path] = [modified, size]
        }
    }
}
