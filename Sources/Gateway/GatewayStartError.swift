import AuditLog
import GatewayCrypto
import HTTPServer

/// Why a gateway could not start; each says what to fix.
public enum GatewayStartError: Error, CustomStringConvertible {
    case server(HTTPServerError)
    case audit(AuditLogError)
    case signingKey(path: String, reason: String)

    public var description: String {
        switch self {
        case .server(let error): error.description
        case .audit(let error): error.description
        case .signingKey(let path, let reason): "audit signing key \(path): \(reason)"
        }
    }
}
