/// `subscribers add … --set city=Budapest --set lang=hu`: a subscriber's attributes as the
/// editor types them, checked as every other way in checks them.
public enum AttributeAssignments {
    /// The attributes `pairs` set, or the first problem as a sentence.
    public static func parse(_ pairs: [String]) throws -> [String: String] {
        var values: [String: String] = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw NewsletterError(
                    "`--set \(pair)`: an attribute is written KEY=VALUE.", hint: "For example `--set city=Budapest`.")
            }
            let key = pair[..<equals].trimmingCharacters(in: .whitespaces)
            let value = String(pair[pair.index(after: equals)...])
            guard !key.isEmpty, !key.contains(where: \.isControlCharacter) else {
                throw NewsletterError(
                    "`--set \(pair)`: the key is empty or holds a control character.",
                    hint: "Name the attribute as templates use it, such as `city` for {{subscriber.city}}.")
            }
            guard !["email", "name"].contains(key.lowercased()) else {
                throw NewsletterError(
                    "`--set \(key)=…`: the address and the name are not attributes.",
                    hint: "The address is the command's argument, and the name is --name.")
            }
            guard !values.keys.contains(where: { $0.lowercased() == key.lowercased() }) else {
                throw NewsletterError("`--set \(key)=…` is given twice.", hint: "Give each attribute once.")
            }
            guard !value.contains(where: \.isControlCharacter) else {
                throw NewsletterError(
                    "`--set \(key)=…`: the value holds a control character.",
                    hint: "Values are one line of text; nothing a subscriber's value holds may reach a mail header.")
            }
            values[key] = value
        }
        return values
    }
}
