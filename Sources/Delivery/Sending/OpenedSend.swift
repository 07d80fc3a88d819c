import Foundation
import NewsletterCore
import Store

/// How a send was opened: the send, whether it was resumed, and for a long list the rest of
/// its audience, frozen while its first recipients are mailed (`AudienceRest`).
struct OpenedSend {
    var send: SendRecord
    var resumed: Bool
    var rest: AudienceRest?
    /// The thread compiling the first subscriber's shape, to be joined before the send returns.
    var compile: JoinableThread?
}
