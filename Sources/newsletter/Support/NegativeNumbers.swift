import NewsletterCore

/// ArgumentParser reads `-1` as an option it does not know, and then reports the issue number
/// missing (`build -1`): the editor is told what is wrong instead. No number the commands take
/// is negative; a text that starts with a dash still goes in as `--subject=-1`.
enum NegativeNumbers {
    static func refuse(in arguments: ArraySlice<String>) throws {
        for argument in arguments.prefix(while: { $0 != "--" })
        where argument.count > 1 && argument.hasPrefix("-")
            && argument.utf8.dropFirst().allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        {
            throw NewsletterError(
                "`\(argument)` reads as an option, and there is none of that name: issues are numbered from 1, and counts and rates are positive.",
                hint:
                    "A text that starts with a dash goes as `--option=TEXT`, such as `--subject=-1`; `newsletter issue list` shows the issues."
            )
        }
    }
}
