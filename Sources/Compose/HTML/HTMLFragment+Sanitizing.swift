public import XMLSupport

extension HTMLFragment {
    /// Sanitises the tree by composing's policy (`HTMLSanitizer`); returns `self` for chaining.
    /// `shiftingHeadings`: move headings two levels down, under an item's own title (what
    /// composing wants; an import keeps the feed's levels).
    @discardableResult
    public func sanitized(shiftingHeadings: Bool = true) -> HTMLFragment {
        sanitized(HTMLSanitizer(shiftsHeadings: shiftingHeadings))
    }

    /// Applies `policy` to the tree; returns `self` for chaining.
    @discardableResult
    func sanitized(_ policy: HTMLSanitizer) -> HTMLFragment {
        if let container { policy.clean(children: container) }
        return self
    }
}
