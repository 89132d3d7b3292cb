import CCurl
import Glibc
import GatewayCore

/// The libcurl easy-handle calls, wrapped once: the options a source's template gets, the few a
/// call sets on its own handle, and the translation of a finished transfer's `CURLcode` into a
/// `TransferResult`.
enum CurlEasy {
    static let userAgent = "exchange-gateway/1.0"

    /// Sent with every upstream request, before the request's own headers. The user agent goes
    /// here too rather than in CURLOPT_USERAGENT, for which libcurl formats a header anew on
    /// every transfer.
    static let constantHeaders = ["Accept: application/json", "User-Agent: \(userAgent)"]

    /// Why libcurl refused to set up a transfer (out of memory, most likely): the transfer fails,
    /// the gateway does not.
    struct OptionError: Error {
        let reason: String
    }

    /// Sets on `template` every option that is the same for all calls with `settings`: a call's
    /// handle is duplicated from it and sets only `prepare`'s options.
    static func configureTemplate(_ template: UnsafeMutableRawPointer, for settings: SourceTemplate.Settings) throws(OptionError) {
        try setLong(template, CURLOPT_NOSIGNAL, 1)
        try setLong(template, CURLOPT_MAXFILESIZE, settings.maxResponseBytes)
        try setLong(template, CURLOPT_FOLLOWLOCATION, 0)
        try setLong(template, CURLOPT_TCP_NODELAY, 1)
        try setString(template, CURLOPT_PROTOCOLS_STR, "http,https")
        // Certificates are always verified; TLS below 1.2 is refused.
        try setLong(template, CURLOPT_SSL_VERIFYPEER, 1)
        try setLong(template, CURLOPT_SSL_VERIFYHOST, 2)
        try setLong(template, CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2))
        if let tls = settings.tls {
            if let caFile = tls.caFile { try setString(template, CURLOPT_CAINFO, caFile) }
            if let certificate = tls.clientCertFile, let key = tls.clientKeyFile {
                try setString(template, CURLOPT_SSLCERT, certificate)
                try setString(template, CURLOPT_SSLKEY, key)
            }
        }
        // libcurl reads the proxy variables from the environment on every transfer unless both
        // options are set; they are read here once, by libcurl's own rules, to the same effect.
        let proxy = ProxyEnvironment(scheme: settings.scheme)
        try setString(template, CURLOPT_PROXY, proxy.proxy ?? "")
        try setString(template, CURLOPT_NOPROXY, proxy.noProxy ?? "")
        try check(eg_curl_easy_setopt_write_function(template, writeBody))
        if settings.readsHeaders { try check(eg_curl_easy_setopt_header_function(template, readHeader)) }
    }

    /// Points the callbacks of a handle just duplicated from its template at `handle`, which
    /// stays their context for every call made on it.
    static func attach(_ handle: EasyHandle, readsHeaders: Bool) throws(OptionError) {
        let context = Unmanaged.passUnretained(handle).toOpaque()
        try check(eg_curl_easy_setopt_pointer(handle.pointer, CURLOPT_WRITEDATA, context))
        // Header data without a header function would send the header lines to `writeBody`.
        if readsHeaders { try check(eg_curl_easy_setopt_pointer(handle.pointer, CURLOPT_HEADERDATA, context)) }
        try check(eg_curl_easy_setopt_pointer(handle.pointer, CURLOPT_PRIVATE, context))
    }

    /// Has libcurl open and close the sockets of the connections `handle` opens through
    /// `open(loop, …)` and `close(loop, socket)`.
    static func routeSockets(of handle: UnsafeMutableRawPointer, opening open: curl_opensocket_callback,
                             closing close: curl_closesocket_callback, loop: UnsafeMutableRawPointer) throws(OptionError) {
        try check(eg_curl_easy_setopt_open_socket_function(handle, open))
        try check(eg_curl_easy_setopt_pointer(handle, CURLOPT_OPENSOCKETDATA, loop))
        try check(eg_curl_easy_setopt_close_socket_function(handle, close))
        try check(eg_curl_easy_setopt_pointer(handle, CURLOPT_CLOSESOCKETDATA, loop))
    }

    /// What a call sets on its handle: its URL, its timeouts, when its header list moved the list,
    /// and the body of a POST. Whatever a request sets beyond its template (so far a POST's body)
    /// makes the handle unfit for the next call: it is not kept for reuse (`keepsTemplateOptions`).
    static func prepare(_ handle: UnsafeMutableRawPointer, for request: UpstreamRequest, timeouts: TransferTimeouts,
                        headers: UnsafeMutablePointer<curl_slist>?, headersChanged: Bool) throws(OptionError) {
        try setString(handle, CURLOPT_URL, request.url)
        try setLong(handle, CURLOPT_TIMEOUT_MS, timeouts.timeoutMs)
        try setLong(handle, CURLOPT_CONNECTTIMEOUT_MS, timeouts.connectTimeoutMs)
        if headersChanged { try check(eg_curl_easy_setopt_pointer(handle, CURLOPT_HTTPHEADER, headers)) }
        if let body = request.body {
            // libcurl copies the bytes (CURLOPT_COPYPOSTFIELDS), so they need not outlive this call.
            try setLong(handle, CURLOPT_POSTFIELDSIZE, body.count)
            try check((body.isEmpty ? [0] : body).withUnsafeBytes { eg_curl_easy_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) })
        }
    }

    /// Whether a handle that ran `request` still has only its template's options besides those
    /// every call sets, and may serve the next call.
    static func keepsTemplateOptions(after request: UpstreamRequest) -> Bool {
        request.body == nil
    }

    /// The outcome of a finished transfer.
    static func result(of handle: UnsafeMutableRawPointer, code: CURLcode, transfer: Transfer) -> TransferResult {
        switch code {
        case CURLE_OK:
            var status = 0
            _ = eg_curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            return .response(status: status, body: transfer.body)
        case CURLE_OPERATION_TIMEDOUT:
            // A request that was never sent timed out while connecting; a reused
            // connection reports no connect time but has sent its request.
            var requestBytes = 0
            _ = eg_curl_easy_getinfo_long(handle, CURLINFO_REQUEST_SIZE, &requestBytes)
            return .failure(requestBytes == 0 ? .connectTimedOut : .timedOut)
        case CURLE_COULDNT_CONNECT:
            return .failure(.connectionRefused)
        case CURLE_COULDNT_RESOLVE_HOST:
            return .failure(.hostNotFound)
        case CURLE_GOT_NOTHING:
            return .failure(.closedWithoutResponse)
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE:
            return .failure(.connectionReset)
        case CURLE_WRITE_ERROR where transfer.exceededCap, CURLE_FILESIZE_EXCEEDED:
            return .failure(.responseTooLarge)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE:
            return .failure(.tlsFailed)
        default:
            return .failure(.other(String(cString: curl_easy_strerror(code))))
        }
    }

    /// CURLOPT_WRITEFUNCTION: appends to the body of the handle's call; a short count stops a
    /// body over the cap.
    static let writeBody: curl_write_callback = { data, size, count, context in
        guard let context, let transfer = Unmanaged<EasyHandle>.fromOpaque(context).takeUnretainedValue().transfer else { return 0 }
        let length = size * count
        return transfer.receive(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
    }

    /// CURLOPT_HEADERFUNCTION: hands each header line to the handle's call.
    static let readHeader: curl_write_callback = { data, size, count, context in
        guard let context, let transfer = Unmanaged<EasyHandle>.fromOpaque(context).takeUnretainedValue().transfer else { return 0 }
        transfer.receiveHeader(UnsafeRawBufferPointer(start: data, count: size * count))
        return size * count
    }

    private static func setLong(_ handle: UnsafeMutableRawPointer, _ option: CURLoption, _ value: Int) throws(OptionError) {
        try check(eg_curl_easy_setopt_long(handle, option, value))
    }

    private static func setString(_ handle: UnsafeMutableRawPointer, _ option: CURLoption, _ value: String) throws(OptionError) {
        // libcurl copies string options (since 7.17), so the temporary C string may go.
        try check(value.withCString { eg_curl_easy_setopt_pointer(handle, option, $0) })
    }

    private static func check(_ code: CURLcode) throws(OptionError) {
        guard code == CURLE_OK else { throw OptionError(reason: String(cString: curl_easy_strerror(code))) }
    }
}
