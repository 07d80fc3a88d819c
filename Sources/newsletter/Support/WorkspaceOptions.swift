public import ArgumentParser
import Foundation
public import NewsletterCore

/// `--workspace DIR`, shared by every command that works on a workspace.
struct WorkspaceOptions: ParsableArguments {
    @Option(
        name: [.customLong("workspace"), .customShort("C")],
        help: ArgumentHelp("The workspace folder (default: the one containing the current folder).", valueName: "dir"))
    var path: String?

    func workspace() throws -> Workspace {
        if let path {
            return try Workspace.open(URL(fileURLWithPath: path, isDirectory: true), as: path)
        }
        return try Workspace.discover(
            from: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true))
    }
}

/// A `YYYY-MM-DD` argument.
extension CalendarDate: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(iso: argument)
    }
}
