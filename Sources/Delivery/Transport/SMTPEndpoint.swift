public import Foundation

/// How to reach the relay, resolved from `[smtp]`, the command line and the environment.
public struct SMTPEndpoint: Sendable {
    public var url: URL
    public var heloName: String
    public var username: String?
    /// Never logged, never printed.
    public var password: String?
    public var startTLS: SMTPStartTLS
    public var caFile: String?
    public var connectTimeout: Int
    public var timeout: Int

    public init(
        url: URL, heloName: String, username: String?, password: String?, startTLS: SMTPStartTLS, caFile: String?,
        connectTimeout: Int, timeout: Int
    ) {
        self.url = url
        self.heloName = heloName
        self.username = username
        self.password = password
        self.startTLS = startTLS
        self.caFile = caFile
        self.connectTimeout = connectTimeout
        self.timeout = timeout
    }

    /// `smtp://host:port/EHLO-NAME`: curl takes the EHLO name from the URL's path.
    var curlURL: String {
        var text = url.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return text + "/" + heloName
    }
}

public enum SMTPStartTLS: String, Sendable {
    case required, optional, off
}
