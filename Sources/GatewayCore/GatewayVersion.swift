/// This build's version, compiled in: `exchange-gateway --version` prints it, and it is the
/// OpenAPI document's `info.version` (a test keeps the two in step).
public enum GatewayVersion {
    public static let current = "1.0.0"
}
