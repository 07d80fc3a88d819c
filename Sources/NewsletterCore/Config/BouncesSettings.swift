/// `[bounces]`: where the reports of mail that could not be delivered go. With VERP (on by
/// default) each message's envelope sender is the bounce address with a signed tag naming the
/// send and the recipient (`bounces+TAG@example.org`), so that a bounce names its recipient
/// beyond doubt; a relay that insists on one fixed sender needs `verp = false`.
public struct BouncesSettings: Sendable, Equatable {
    /// The bounce address: by default the sender's.
    public var address: String
    public var verp: Bool

    public init(address: String, verp: Bool = true) {
        self.address = address
        self.verp = verp
    }
}
