import Store

/// How a run of `newsletter send` ended.
public struct SendRunResult: Sendable {
    public var status: SendStatus
    public var counts: SendControl.RunCounts
    public var stopReason: SendControl.StopReason?
    public var elapsed: Double
    public var finished: Bool { status.remaining == 0 && status.send.frozen }
    /// Finished without a single message accepted: the issue was not frozen as sent.
    public var nobodyReceived: Bool { finished && (status.counts[.sent] ?? 0) == 0 }
}
