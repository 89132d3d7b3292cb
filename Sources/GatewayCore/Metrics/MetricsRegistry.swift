import Synchronization

/// The gateway's metric families, rendered for Prometheus in the text exposition format 0.0.4.
///
/// Families are declared once, at start, through `counter`, `gauge` and `histogram`; updating them
/// is thread-safe and takes one short lock per family. Values that are cheaper to read when
/// scraped than to keep up to date (breaker states, queue lengths, process memory) are set by
/// `onCollect` hooks, which run at the start of every `render()`.
public final class MetricsRegistry: Sendable {
    /// The `Content-Type` of `render()`'s text.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private let families = Mutex<[any MetricFamily]>([])
    private let collectors = Mutex<[@Sendable () -> Void]>([])

    public init() {}

    /// Declares a counter family; its name should end in `_total`.
    public func counter(_ name: String, help: String, labels: [String] = []) -> Counter {
        register(Counter(name: name, help: help, labelNames: labels))
    }

    public func gauge(_ name: String, help: String, labels: [String] = []) -> Gauge {
        register(Gauge(name: name, help: help, labelNames: labels))
    }

    /// Declares a histogram family with fixed upper bounds (`+Inf` is added); `le` is reserved.
    public func histogram(_ name: String, help: String, labels: [String] = [],
                          buckets: [Double] = Histogram.secondsBuckets) -> Histogram {
        register(Histogram(name: name, help: help, labelNames: labels, buckets: buckets))
    }

    /// Adds a hook that `render()` runs first, to set gauges from their sources.
    /// Hooks run outside the registry's locks and may run concurrently when scrapes overlap.
    public func onCollect(_ collect: @escaping @Sendable () -> Void) {
        collectors.withLock { $0.append(collect) }
    }

    /// Every family in declaration order, with `# HELP` and `# TYPE` lines and its samples.
    public func render() -> String {
        for collect in collectors.withLock({ $0 }) { collect() }
        var output = ""
        for family in families.withLock({ $0 }) { family.render(into: &output) }
        return output
    }

    private func register<Family: MetricFamily>(_ family: Family) -> Family {
        families.withLock { families in
            let taken = Set(families.map(\.name))
            let suffixes = family is Histogram ? ["", "_bucket", "_sum", "_count"] : [""]
            for suffix in suffixes {
                precondition(!taken.contains(family.name + suffix), "metric \(family.name + suffix) is declared twice")
            }
            for case let histogram as Histogram in families {
                precondition(![histogram.name + "_bucket", histogram.name + "_sum", histogram.name + "_count"].contains(family.name),
                             "metric \(family.name) clashes with histogram \(histogram.name)")
            }
            families.append(family)
        }
        return family
    }
}
