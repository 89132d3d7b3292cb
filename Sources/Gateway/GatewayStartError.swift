import AuditLog
import GatewayCore
import HTTPServer

/// Why a gateway could not start; each says what to fix.
public enum GatewayStartError: Error, CustomStringConvertible {
    /// A file the config names is missing or holds the wrong thing, or the audit folder is not writable.
    case files(StartupFiles.Failure)
    case server(HTTPServerError)
    case audit(AuditLogError)

    public var description: String {
        switch self {
        case .files(let failure): failure.description
        case .server(let error): error.description
        case .audit(let error): error.description
        }
    }
}
