internal import CPSL
import Foundation

/// The organisational domain DMARC compares (RFC 7489, 3.2): the registrable domain by the
/// Public Suffix List, through libpsl (the system's list when Debian's `publicsuffix` has one,
/// else the copy built into libpsl).
enum OrganizationalDomain {
    /// One list for the process; libpsl's context is read-only once loaded.
    nonisolated(unsafe) private static let list: OpaquePointer? = psl_latest(nil) ?? psl_builtin()

    static func of(_ domain: String) -> String {
        let lowered = domain.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        guard let list else { return lowered }
        return lowered.withCString { name in
            // A pointer into `name`: the tail of it that is the registrable domain.
            guard let registrable = psl_registrable_domain(list, name) else { return lowered }
            return String(cString: registrable)
        }
    }

    /// Relaxed alignment: the same organisational domain; strict: the same domain.
    static func aligned(_ first: String, _ second: String, strict: Bool) -> Bool {
        strict ? first.lowercased() == second.lowercased() : of(first) == of(second)
    }
}
