import Foundation
import PackagePlugin

/// Embeds the workspace's `templates/*.mustache` in the target as `DefaultTemplates`, so the
/// sample workspace's templates and the ones `newsletter init` writes are the same files.
@main
struct EmbedDefaultTemplates: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let templates = context.package.directoryURL.appending(path: "templates")
        let names = try FileManager.default.contentsOfDirectory(atPath: templates.path())
            .filter { $0.hasSuffix(".mustache") }
            .sorted()
        let output = context.pluginWorkDirectoryURL.appending(path: "DefaultTemplates.swift")
        return [
            .buildCommand(
                displayName: "Embedding default templates",
                executable: try context.tool(named: "embed-templates").url,
                arguments: [templates.path(), output.path()] + names,
                inputFiles: names.map { templates.appending(path: $0) },
                outputFiles: [output]
            )
        ]
    }
}
