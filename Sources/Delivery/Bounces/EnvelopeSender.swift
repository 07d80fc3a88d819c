import NewsletterCore

/// The envelope sender (SMTP `MAIL FROM`) of a send's messages: the bounce address, tagged for
/// each recipient when VERP is on (`[bounces] verp`, the default). One per sending thread.
struct EnvelopeSender {
    private let bounce: String
    private let tagged: (address: EmailAddress, signer: VERPAddress.Signer)?

    init(settings: BouncesSettings, secret: UnsubscribeSecret) {
        bounce = settings.address
        // The config checked the address already; one it could not read goes untagged.
        tagged =
            settings.verp
            ? (try? EmailAddress(settings.address)).map { ($0, VERPAddress.Signer(secret: secret)) } : nil
    }

    func address(sendID: Int64, recipientID: Int64) -> String {
        guard let tagged else { return bounce }
        return VERPAddress(sendID: sendID, recipientID: recipientID).address(
            bounce: tagged.address, signer: tagged.signer)
    }
}
