/// Hears how a send goes; the command line draws a progress bar with it.
public protocol SendReporter: Sendable {
    /// A new send's audience (such as "the list `main`") is being read into the ledger
    /// (seconds for a large list), before `started`.
    func freezing(audience: String)
    func started(_ send: SendRecord, resumed: Bool, recoveredInFlight: Int, remaining: Int)
    func progress(_ counts: SendControl.RunCounts, remaining: Int, elapsed: Double)
    func note(_ text: String)
}
