/// A moment by which something must be over: a dossier (`deadline_ms` after its request arrived,
/// README "Resilience and operations"), or one upstream call (its source's timeout, or the dossier
/// deadline when that comes first; see `CallLimits`).
///
/// It is the one place that says when starting work is still worth it. Admission, a department's
/// bulkhead and a call made again for those who joined one cut short all ask `lastUsefulStart`,
/// with the same allowance, instead of each keeping a margin of its own.
public struct Deadline: Sendable, Hashable, Comparable {
    public let instant: ContinuousClock.Instant

    public init(_ instant: ContinuousClock.Instant) {
        self.instant = instant
    }

    /// `milliseconds` after `start`.
    public init(milliseconds: Int, after start: ContinuousClock.Instant) {
        instant = start + .milliseconds(milliseconds)
    }

    /// The most that work must have left to be worth starting: a call that gets a permit with
    /// less than this (or less than its connect timeout, if that is shorter) would spend it on an
    /// answer that cannot come in time, and the caller is better told at once.
    public static let startAllowance = Duration.milliseconds(100)

    /// Time left at `now`; zero once the deadline has passed.
    public func remaining(at now: ContinuousClock.Instant = .now) -> Duration {
        max(.zero, now.duration(to: instant))
    }

    public func hasPassed(at now: ContinuousClock.Instant = .now) -> Bool {
        now >= instant
    }

    /// The last moment to start work that needs `setup` before it can achieve anything (a
    /// connect; for a whole dossier, half its deadline): `setup` before the deadline, and never
    /// more than `startAllowance` before it.
    public func lastUsefulStart(needing setup: Duration) -> ContinuousClock.Instant {
        instant - min(Self.startAllowance, setup)
    }

    public static func < (lhs: Deadline, rhs: Deadline) -> Bool {
        lhs.instant < rhs.instant
    }
}
