/// `newsletter -C DIR issue list`, as `git -C DIR` is written: ArgumentParser takes a
/// command's options only after its name, so a leading `-C DIR` (or `--workspace DIR`,
/// `--workspace=DIR`) is moved to the end of the arguments, where the command reads it.
enum LeadingWorkspaceOption {
    static func moved(_ arguments: [String]) -> [String] {
        guard let first = arguments.first else { return arguments }
        let taken: Int
        if first == "-C" || first == "--workspace" {
            guard arguments.count > 2 else { return arguments }
            taken = 2
        } else if first.hasPrefix("--workspace=") {
            taken = 1
        } else {
            return arguments
        }
        var rest = Array(arguments.dropFirst(taken))
        // `help` takes no workspace.
        if rest.first == "help" { return rest }
        // Before a `--`, after which everything is an argument.
        let end = rest.firstIndex(of: "--") ?? rest.endIndex
        rest.insert(contentsOf: arguments.prefix(taken), at: end)
        return rest
    }
}
