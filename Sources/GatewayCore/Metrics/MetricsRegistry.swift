import Synchronization

/// The gateway's metric families, rendered for Prometheus in the text exposition format 0.0.4.
///
/// Families are declared once, at start, through `counter`, `gauge` and `histogram`. Updating them
/// is thread-safe: a series resolved ahead of time (`Counter.series`, `Counter.statusSeries`,
/// `Histogram.series`) or a family's only series changes with one atomic operation; an update by
/// label values first finds its series under one short lock per family. Values that are cheaper to read when
/// scraped than to keep up to date (breaker states, queue lengths, process memory) are set by
/// `onCollect` hooks, which run at the start of every `render()`.
public final class MetricsRegistry: Sendable {
    /// The `Content-Type` of `render()`'s text.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private let families = Mutex<[any MetricFamily]>([])
    /// Hooks in the order added; a keyed one is replaced in place when added again.
    private let collectors = Mutex<[(key: String?, collect: @Sendable () -> Void)]>([])

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
    ///
    /// A hook with a `key` replaces the hook added before with the same key, so that whatever is
    /// watched again after a reload (a new breaker for a source) is sampled once, not once per reload.
    /// Hooks run one scrape at a time under the registry's hook lock, so they must not add or remove
    /// hooks themselves; that lock is what lets `removeCollector` promise the hook never runs again.
    public func onCollect(key: String? = nil, _ collect: @escaping @Sendable () -> Void) {
        collectors.withLock { collectors in
            if let key, let index = collectors.firstIndex(where: { $0.key == key }) {
                collectors[index].collect = collect
            } else {
                collectors.append((key, collect))
            }
        }
    }

    /// Removes the hook added with `key`, if any; once this returns it never runs again, so the
    /// caller may remove the series it set.
    public func removeCollector(key: String) {
        collectors.withLock { $0.removeAll { $0.key == key } }
    }

    /// Every family in declaration order, with `# HELP` and `# TYPE` lines and its samples.
    public func render() -> String {
        collectors.withLock { collectors in
            for hook in collectors { hook.collect() }
        }
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
