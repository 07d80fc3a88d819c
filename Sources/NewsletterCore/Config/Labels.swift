/// The words the default templates print around the editor's text ("Issue n.", "In this
/// issue", "Unsubscribe"), in the language of `locale`, each of which `[labels]` in
/// `newsletter.toml` may replace. A label may hold `{newsletter}`, the newsletter's name.
public struct Labels: Sendable, Equatable {
    public private(set) var values: [String: String]

    /// Every label, in the order the docs and error messages list them.
    public static let keys = [
        "issue", "view_in_browser", "in_this_issue", "documents", "read_more", "about", "you_receive",
        "unsubscribe", "view_online", "all_issues", "archive_intro", "subscribe_to_feed", "no_issues_yet",
    ]

    /// The languages with built-in labels, by ISO 639-1 code; any other language gets English.
    public static let languages = ["en", "fr", "de", "es", "it", "nl", "pt"]

    /// The built-in labels of `locale`'s language (`de_AT` → German), with `overrides` on top.
    public init(locale: String, overrides: [String: String] = [:]) {
        let language = String(locale.prefix { $0 != "_" && $0 != "-" }).lowercased()
        values = Self.builtIn[language] ?? Self.english
        values.merge(overrides) { _, override in override }
    }

    public subscript(key: String) -> String { values[key] ?? Self.english[key] ?? key }

    private static let english = [
        "issue": "Issue n.",
        "view_in_browser": "View this issue in your browser",
        "in_this_issue": "In this issue",
        "documents": "Documents",
        "read_more": "Read the full article",
        "about": "About",
        "you_receive": "You receive {newsletter} at",
        "unsubscribe": "Unsubscribe",
        "view_online": "View in your browser",
        "all_issues": "all issues",
        "archive_intro": "Every issue as it was sent.",
        "subscribe_to_feed": "Subscribe to the feed",
        "no_issues_yet": "No issue has been sent yet.",
    ]

    private static let builtIn: [String: [String: String]] = [
        "en": english,
        "fr": [
            "issue": "Numéro",
            "view_in_browser": "Voir ce numéro dans votre navigateur",
            "in_this_issue": "Dans ce numéro",
            "documents": "Documents",
            "read_more": "Lire l’article complet",
            "about": "À propos de",
            "you_receive": "Vous recevez {newsletter} à l’adresse",
            "unsubscribe": "Se désabonner",
            "view_online": "Voir dans le navigateur",
            "all_issues": "tous les numéros",
            "archive_intro": "Chaque numéro tel qu’il a été envoyé.",
            "subscribe_to_feed": "S’abonner au flux",
            "no_issues_yet": "Aucun numéro n’a encore été envoyé.",
        ],
        "de": [
            "issue": "Ausgabe Nr.",
            "view_in_browser": "Diese Ausgabe im Browser ansehen",
            "in_this_issue": "In dieser Ausgabe",
            "documents": "Dokumente",
            "read_more": "Den ganzen Artikel lesen",
            "about": "Über",
            "you_receive": "Sie erhalten {newsletter} an die Adresse",
            "unsubscribe": "Abbestellen",
            "view_online": "Im Browser ansehen",
            "all_issues": "alle Ausgaben",
            "archive_intro": "Jede Ausgabe, wie sie verschickt wurde.",
            "subscribe_to_feed": "Den Feed abonnieren",
            "no_issues_yet": "Es wurde noch keine Ausgabe verschickt.",
        ],
        "es": [
            "issue": "Número",
            "view_in_browser": "Ver este número en el navegador",
            "in_this_issue": "En este número",
            "documents": "Documentos",
            "read_more": "Leer el artículo completo",
            "about": "Acerca de",
            "you_receive": "Recibe {newsletter} en",
            "unsubscribe": "Darse de baja",
            "view_online": "Ver en el navegador",
            "all_issues": "todos los números",
            "archive_intro": "Cada número tal como se envió.",
            "subscribe_to_feed": "Suscribirse al canal",
            "no_issues_yet": "Todavía no se ha enviado ningún número.",
        ],
        "it": [
            "issue": "Numero",
            "view_in_browser": "Visualizza questo numero nel browser",
            "in_this_issue": "In questo numero",
            "documents": "Documenti",
            "read_more": "Leggi l’articolo completo",
            "about": "Chi è",
            "you_receive": "Ricevi {newsletter} all’indirizzo",
            "unsubscribe": "Annulla l’iscrizione",
            "view_online": "Visualizza nel browser",
            "all_issues": "tutti i numeri",
            "archive_intro": "Ogni numero così come è stato inviato.",
            "subscribe_to_feed": "Iscriviti al feed",
            "no_issues_yet": "Non è ancora stato inviato alcun numero.",
        ],
        "nl": [
            "issue": "Nummer",
            "view_in_browser": "Bekijk dit nummer in je browser",
            "in_this_issue": "In dit nummer",
            "documents": "Documenten",
            "read_more": "Lees het hele artikel",
            "about": "Over",
            "you_receive": "Je ontvangt {newsletter} op",
            "unsubscribe": "Afmelden",
            "view_online": "Bekijk in je browser",
            "all_issues": "alle nummers",
            "archive_intro": "Elk nummer zoals het is verstuurd.",
            "subscribe_to_feed": "Abonneer je op de feed",
            "no_issues_yet": "Er is nog geen nummer verstuurd.",
        ],
        "pt": [
            "issue": "Edição n.º",
            "view_in_browser": "Ver esta edição no navegador",
            "in_this_issue": "Nesta edição",
            "documents": "Documentos",
            "read_more": "Ler o artigo completo",
            "about": "Sobre",
            "you_receive": "Recebe {newsletter} em",
            "unsubscribe": "Cancelar a subscrição",
            "view_online": "Ver no navegador",
            "all_issues": "todas as edições",
            "archive_intro": "Cada edição tal como foi enviada.",
            "subscribe_to_feed": "Subscrever o feed",
            "no_issues_yet": "Ainda não foi enviada nenhuma edição.",
        ],
    ]
}
