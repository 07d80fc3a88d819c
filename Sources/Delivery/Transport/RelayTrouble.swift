internal import CCurl
import Foundation

/// What a failure to reach the relay most likely means, said so that the editor can act on
/// it: the URL that was tried, the likely cause (a wrong port, TLS expected from the first
/// byte or not) and where the relay is set. libcurl's own words follow in parentheses.
enum RelayTrouble {
    /// A sentence for the failures of reaching and greeting the relay; `nil` for the others.
    static func explain(_ status: CURLcode, detail: String, url: URL) -> String? {
        let shown = url.absoluteString
        let host = url.host ?? ""
        let secure = url.scheme?.lowercased() == "smtps"
        let port = url.port ?? (secure ? 465 : 25)
        let cause: String
        switch status {
        case CURLE_COULDNT_RESOLVE_HOST:
            cause = "The relay's host name `\(host)` in \(shown) cannot be found (\(detail))."
        case CURLE_COULDNT_CONNECT:
            cause =
                "Nothing accepts connections at \(shown) (\(detail)). Relays take mail on port 587 with smtp:// (STARTTLS) or on 465 with smtps://; port 25 is for servers, and many networks block it."
        case CURLE_OPERATION_TIMEDOUT, CURLE_GOT_NOTHING, CURLE_WEIRD_SERVER_REPLY, CURLE_RECV_ERROR:
            if secure {
                cause = "The relay at \(shown) did not complete the TLS handshake (\(detail))."
            } else if port == 465 {
                cause =
                    "The relay at \(shown) did not greet (\(detail)): port 465 expects TLS from the first byte, so write smtps://\(host):465."
            } else {
                cause =
                    "The relay at \(shown) did not greet (\(detail)). A port that expects TLS from the first byte (as 465 does) needs smtps://; otherwise check the host, the port and any firewall."
            }
        case CURLE_SSL_CONNECT_ERROR:
            cause =
                secure
                ? "TLS could not be set up with the relay at \(shown) (\(detail)). If the port speaks plain SMTP first (587, 25), write smtp://\(host):\(port): STARTTLS is then used."
                : "TLS could not be set up with the relay at \(shown) (\(detail))."
        default:
            return nil
        }
        return cause + " The relay is `smtp.url` in newsletter.toml, or `--smtp URL` for one run."
    }
}
