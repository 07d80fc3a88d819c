import Foundation
public import NewsletterCore

/// What an import did.
public struct ImportReport: Sendable {
    public var added = 0
    /// Already on the list (confirmed or waiting): left as they were.
    public var alreadyListed = 0
    /// On the list but unsubscribed from it: not added back.
    public var unsubscribedEarlier: [Diagnostic] = []
    /// Erased earlier (`subscribers forget`): not stored again.
    public var erasedEarlier: [Diagnostic] = []
    /// Added, but suppressed: they will not be mailed.
    public var suppressed = 0
    /// Rows that are not subscribers (reported by the reader), and repeats within the file.
    public var badRows: [Diagnostic] = []
    public var duplicates = 0

    public init() {}
}
