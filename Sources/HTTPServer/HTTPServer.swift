import CMicroHTTPD
import Glibc

/// An HTTP/1.1 server on libmicrohttpd whose requests are answered by an async handler.
///
/// MHD runs a thread pool over epoll. Each request's connection is suspended while its
/// handler runs, so a request waiting on departments holds no thread; the handler's
/// reply is queued when MHD calls back after the resume.
public final class HTTPServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        /// `0` picks a free port; `port` on the server tells which.
        public var port: Int
        /// MHD threads; `0` means one per core.
        public var threads: Int
        public var connectionLimit: Int
        public var connectionTimeoutSeconds: Int
        /// Request line, headers and buffers of one connection; larger headers get 431.
        public var connectionMemoryLimit: Int
        public var maxBodyBytes: Int

        public init(host: String = "127.0.0.1", port: Int = 0, threads: Int = 0, connectionLimit: Int = 10000,
                    connectionTimeoutSeconds: Int = 30, connectionMemoryLimit: Int = 32 * 1024, maxBodyBytes: Int = 65536) {
            self.host = host
            self.port = port
            self.threads = threads
            self.connectionLimit = connectionLimit
            self.connectionTimeoutSeconds = connectionTimeoutSeconds
            self.connectionMemoryLimit = connectionMemoryLimit
            self.maxBodyBytes = maxBodyBytes
        }
    }

    /// The port the server listens on.
    public let port: Int
    private let daemon: MHDDaemon
    private let context: ServerContext

    public init(configuration: Configuration, handler: @escaping HTTPHandler) throws(HTTPServerError) {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(configuration.port).bigEndian)
        guard inet_pton(AF_INET, configuration.host, &address.sin_addr) == 1 else {
            throw .invalidAddress(configuration.host)
        }
        let context = ServerContext(handler: handler, maxBodyBytes: configuration.maxBodyBytes)
        let threads = configuration.threads > 0 ? configuration.threads : max(2, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let flags = MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue
            | MHD_ALLOW_SUSPEND_RESUME.rawValue | MHD_USE_TURBO.rawValue
        var end = MHD_OptionItem(option: .END, value: 0, ptr_value: nil)
        let started = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                eg_mhd_start_daemon(flags, socketAddress,
                                    MHDCallbacks.accessHandler, Unmanaged.passUnretained(context).toOpaque(),
                                    MHDCallbacks.requestCompleted, nil,
                                    UInt32(threads), UInt32(configuration.connectionLimit),
                                    UInt32(configuration.connectionTimeoutSeconds),
                                    configuration.connectionMemoryLimit, &end)
            }
        }
        guard let started else {
            throw .cannotListen(host: configuration.host, port: configuration.port, reason: String(cString: strerror(errno)))
        }
        self.daemon = MHDDaemon(pointer: started)
        self.context = context
        self.port = Int(eg_mhd_bound_port(started))
    }

    /// Lets running handlers finish for up to `gracePeriod`, cancels the rest, then closes
    /// the listener and every connection. Call once. (The handler decides what requests
    /// arriving meanwhile get; MHD_quiesce_daemon is not used because with a thread pool
    /// and epoll it races the workers and aborts the process.)
    public func shutdown(gracePeriod: Duration = .seconds(5)) async {
        await context.waitForTasks(upTo: gracePeriod)
        await context.cancelAndDrainTasks()
        MHD_stop_daemon(daemon.pointer)
    }
}

/// The daemon handle.
struct MHDDaemon: @unchecked Sendable {
    // @unchecked: the pointer is set once; MHD_stop_daemon is called once, from
    // `shutdown`, after which the handle is never used.
    let pointer: OpaquePointer
}

/// A connection handle handed to the task that answers it.
struct MHDConnection: @unchecked Sendable {
    // @unchecked: the task only calls MHD_resume_connection, which MHD documents as
    // callable from any thread; everything else happens on MHD's own threads.
    let pointer: OpaquePointer
}
