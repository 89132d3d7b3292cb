import GatewayCore
import Synchronization
import UpstreamClient

/// Everything a request needs that a config reload may replace, built and swapped as one
/// value: a request sees either the old config or the new one, never a mix.
final class GatewayRuntime: Sendable {
    let config: GatewayConfig
    let service: DossierService
    let authenticator: Authenticator
    let rateLimiter: ClientRateLimiter
    let malformedGuard: MalformedRequestGuard
    let guards: [String: SourceGuard]
    /// Each source's preconfigured transfer handles, kept across reloads while their settings
    /// stay the same.
    let templates: [String: SourceTemplate]
    /// Caps the dossiers in progress at `limits.max_dossiers_in_progress`.
    let admission: Bulkhead
    /// Caps the batches in progress at `limits.max_batches_in_progress` (README "Batch").
    let batchAdmission: Bulkhead
    /// The series each answer is counted in, resolved for this config's clients.
    let requestMetrics: RequestMetrics

    /// A runtime for `config`; breakers, bulkheads, source templates and the malformed-request
    /// guard of `previous` are kept where their settings did not change.
    init(config: GatewayConfig, client: UpstreamClient, metrics: GatewayMetrics, previous: GatewayRuntime?) {
        self.config = config
        var guards: [String: SourceGuard] = [:]
        for source in config.sources {
            let sourceGuard = SourceGuard.reusing(previous?.guards[source.name], for: source)
            if sourceGuard !== previous?.guards[source.name] {
                metrics.watch(sourceGuard.breaker, source: source.name)
                metrics.watch(sourceGuard.bulkhead, source: source.name)
            }
            guards[source.name] = sourceGuard
        }
        if let previous {
            for removed in previous.guards.keys where guards[removed] == nil { metrics.unwatch(source: removed) }
        }
        self.guards = guards
        templates = Dictionary(uniqueKeysWithValues: config.sources.map { source in
            (source.name, SourceTemplate.reusing(previous?.templates[source.name], for: source))
        })
        service = DossierService(config: config, client: client, guards: guards, templates: templates, metrics: metrics)
        authenticator = Authenticator(clients: config.clients)
        requestMetrics = RequestMetrics(clients: config.clients, metrics: metrics)
        let limits = config.clients.compactMap { client in (client.rateLimit ?? config.defaultRateLimit).map { (client.id, $0) } }
        rateLimiter = ClientRateLimiter(limits: Dictionary(uniqueKeysWithValues: limits), keeping: previous?.rateLimiter)
        if let previous, previous.config.limits == config.limits {
            malformedGuard = previous.malformedGuard
        } else {
            malformedGuard = MalformedRequestGuard(limits: config.limits)
        }
        admission = Self.bulkhead(keeping: previous?.admission, maxInFlight: config.limits.maxDossiersInProgress)
        batchAdmission = Self.bulkhead(keeping: previous?.batchAdmission, maxInFlight: config.limits.maxBatchesInProgress)
    }

    /// `previous` while its limit is unchanged (its holders and waiters stay counted), else a new one.
    private static func bulkhead(keeping previous: Bulkhead?, maxInFlight: Int) -> Bulkhead {
        if let previous, previous.maxInFlight == maxInFlight { return previous }
        return Bulkhead(maxInFlight: maxInFlight)
    }
}

/// The current runtime, replaced atomically on reload.
final class RuntimeHolder: Sendable {
    private let current: Mutex<GatewayRuntime>

    init(_ runtime: GatewayRuntime) {
        current = Mutex(runtime)
    }

    var runtime: GatewayRuntime {
        current.withLock { $0 }
    }

    func replace(with runtime: GatewayRuntime) {
        current.withLock { $0 = runtime }
    }
}
