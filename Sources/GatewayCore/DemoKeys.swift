/// The API keys of the bundled config's three demo clients. They are public (the README and the
/// demo print them), so `config check` warns about any client that still accepts one.
public enum DemoKeys {
    /// `demo-registration-desk`, role `clerk`.
    public static let clerk = "demo-only-clerk-key-do-not-use-in-production"
    /// `demo-audit-office`, role `auditor` (unmasked).
    public static let auditor = "demo-only-auditor-key-do-not-use-in-production"
    /// `demo-land-registry`, role `land_records`.
    public static let landRegistry = "demo-only-land-registry-key-do-not-use-in-production"

    public static let all = [clerk, auditor, landRegistry]
}
