/// The version `newsletter --version` prints; raised with each change a user can notice.
public enum NewsletterVersion {
    public static let current = "0.7.0"
}
