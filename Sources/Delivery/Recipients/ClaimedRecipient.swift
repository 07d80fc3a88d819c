/// A recipient handed to a connection, marked "sending" in the ledger.
public struct ClaimedRecipient: Sendable, Equatable {
    public var id: Int64
    public var address: String
    public var name: String?
    /// The subscriber's other columns as the ledger keeps them (`AttributesText`): decoded by
    /// `attributes` on the thread that makes the message, not on the connection's.
    var attributesText: String
    public var attempts: Int
    public var firstAttemptAt: Double

    init(id: Int64, address: String, name: String?, attributesText: String, attempts: Int, firstAttemptAt: Double) {
        self.id = id
        self.address = address
        self.name = name
        self.attributesText = attributesText
        self.attempts = attempts
        self.firstAttemptAt = firstAttemptAt
    }

    init(id: Int64, address: String, name: String?, attributes: [String: String], attempts: Int, firstAttemptAt: Double)
    {
        self.init(
            id: id, address: address, name: name, attributesText: AttributesText.encode(attributes), attempts: attempts,
            firstAttemptAt: firstAttemptAt)
    }

    public var attributes: [String: String] { AttributesText.decode(attributesText) }
}
