/// Message-IDs and MIME boundaries: unique, not secret. Drawing them from the system's random
/// source costs a system call each; a SplitMix64 stream seeded once from it is as unique (its
/// 64-bit seed and the time in the Message-ID make a clash vanishingly unlikely) and free.
/// Not `Sendable`: one per sending thread.
struct UniqueTokens {
    private var state: UInt64

    init() {
        var system = SystemRandomNumberGenerator()
        state = system.next()
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    /// 128 bits, in base 36.
    mutating func word() -> String {
        String(next(), radix: 36) + "." + String(next(), radix: 36)
    }
}
