import Hummingbird
import NIOCore

/// The context of a request to the servers: Hummingbird's, with the address of the peer, which
/// the sign-up's limits count by (or the `X-Forwarded-For` of a trusted proxy).
struct SiteContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The peer's IP address, as text.
    var peerIP: String? { remoteAddress?.ipAddress }
}
