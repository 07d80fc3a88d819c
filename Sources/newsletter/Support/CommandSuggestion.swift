import ArgumentParser
import NewsletterCore

/// A mistyped command, said as such with the nearest one (`isue` → `issue`), before
/// ArgumentParser would call it an "unexpected argument".
enum CommandSuggestion {
    /// Throws when the arguments name a command that does not exist where one is expected.
    static func check(_ arguments: [String], root: any ParsableCommand.Type) throws {
        var command = root
        var path = [root.configuration.commandName ?? "newsletter"]
        for argument in arguments {
            let subcommands = command.configuration.subcommands
            guard !subcommands.isEmpty, !argument.hasPrefix("-"), argument != "help" else { return }
            let names = subcommands.map { ($0, $0._commandName) }
            guard let next = names.first(where: { $0.1 == argument || $0.0.configuration.aliases.contains(argument) })
            else {
                throw unknown(argument, among: names.map(\.1), path: path)
            }
            command = next.0
            path.append(next.1)
        }
    }

    private static func unknown(_ argument: String, among names: [String], path: [String]) -> NewsletterError {
        let commandPath = path.joined(separator: " ")
        let nearest = names.map { ($0, EditDistance.between(argument.lowercased(), $0)) }.min { $0.1 < $1.1 }
        if let (name, distance) = nearest, distance <= max(2, name.count / 3) {
            return NewsletterError(
                "`\(argument)` is not a command of `\(commandPath)`: did you mean `\(name)`?",
                hint:
                    "Run `\(commandPath) \(name) --help` to see what it does, or `\(commandPath) --help` for every command."
            )
        }
        return NewsletterError(
            "`\(argument)` is not a command of `\(commandPath)`.",
            hint:
                "The commands are \(names.map { "`\($0)`" }.joined(separator: ", ")); `\(commandPath) --help` says what each does."
        )
    }
}
