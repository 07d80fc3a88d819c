/// The numbered links of one news item in the plain-text version: `[1] https://…`, listed
/// under the item. The same address keeps its first number.
public struct ReferenceList: Sendable, Equatable {
    public private(set) var urls: [String] = []

    public init() {}

    public mutating func number(for url: String) -> Int {
        if let index = urls.firstIndex(of: url) { return index + 1 }
        urls.append(url)
        return urls.count
    }

    public var entries: [(number: Int, url: String)] {
        urls.enumerated().map { ($0.offset + 1, $0.element) }
    }
}
