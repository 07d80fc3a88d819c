import Foundation

/// What a sign-up posts: a form (`email`, `name`, `list` once per list, and the trap field
/// `website`, which people never see and bots fill in), or a JSON object with the same fields
/// (`list` a name or a list of names). Anything else is refused with a sentence for the page.
struct SignUpRequest: Equatable {
    var email: String
    var name: String?
    /// The lists asked for; `nil` when the request names none (a JSON snippet's default).
    var lists: [String]?
    /// The trap field was filled: a bot, answered as if it were a person.
    var isTrap: Bool

    struct Refusal: Error, Equatable {
        var message: String
    }

    static let maximumAddressLength = 254
    static let maximumNameLength = 200

    static func parse(_ body: String, contentType: String?) -> Result<SignUpRequest, Refusal> {
        let isJSON = contentType?.lowercased().hasPrefix("application/json") ?? false
        let parsed = isJSON ? fromJSON(body) : fromForm(body)
        return parsed.flatMap(checked)
    }

    private static func fromForm(_ body: String) -> Result<SignUpRequest, Refusal> {
        let fields = FormBody.fields(body)
        func value(_ name: String) -> String? { fields.first { $0.0 == name }?.1 }
        let lists = fields.filter { $0.0 == "list" }.map(\.1)
        return .success(
            SignUpRequest(
                email: value("email") ?? "", name: value("name"), lists: lists,
                isTrap: !(value("website") ?? "").isEmpty))
    }

    private static func fromJSON(_ body: String) -> Result<SignUpRequest, Refusal> {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] else {
            return .failure(Refusal(message: "The request is not a JSON object with an `email` field."))
        }
        guard let email = object["email"] as? String else {
            return .failure(Refusal(message: "The field `email` must be text, such as \"ana@example.org\"."))
        }
        var name: String?
        switch object["name"] {
        case nil, is NSNull: name = nil
        case let text as String: name = text
        default: return .failure(Refusal(message: "The field `name` must be text."))
        }
        var lists: [String]?
        switch object["list"] {
        case nil, is NSNull: lists = nil
        case let one as String: lists = [one]
        case let many as [Any]:
            guard let names = many as? [String] else {
                return .failure(Refusal(message: "The field `list` must be a list's name, or a list of names."))
            }
            lists = names
        default: return .failure(Refusal(message: "The field `list` must be a list's name, or a list of names."))
        }
        let trap = (object["website"] as? String).map { !$0.isEmpty } ?? (object["website"] != nil)
        return .success(SignUpRequest(email: email, name: name, lists: lists, isTrap: trap))
    }

    private static func checked(_ request: SignUpRequest) -> Result<SignUpRequest, Refusal> {
        var request = request
        request.email = request.email.trimmingCharacters(in: .whitespaces)
        request.name = request.name?.trimmingCharacters(in: .whitespaces)
        if request.name?.isEmpty == true { request.name = nil }
        for (field, value) in [("email", request.email), ("name", request.name ?? "")]
            + (request.lists ?? []).map({
                ("list", $0)
            }) where value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        {
            return .failure(Refusal(message: "The field `\(field)` holds a control character, such as a line break."))
        }
        guard !request.email.isEmpty else { return .failure(Refusal(message: "Write your email address.")) }
        guard request.email.count <= maximumAddressLength, (request.name ?? "").count <= maximumNameLength else {
            return .failure(Refusal(message: "The address or the name is longer than any real one."))
        }
        return .success(request)
    }
}
