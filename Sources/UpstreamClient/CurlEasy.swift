import CCurl
import GatewayCore

/// The libcurl easy-handle calls, wrapped once: options that every transfer gets, and the
/// translation of a finished transfer's `CURLcode` into a `TransferResult`.
enum CurlEasy {
    static let userAgent = "exchange-gateway/1.0"

    /// Sent with every upstream request, before the request's own headers.
    static let acceptJSON = "Accept: application/json"

    /// Why libcurl refused to set up a transfer (out of memory, most likely): the transfer fails,
    /// the gateway does not.
    struct OptionError: Error {
        let reason: String
    }

    /// Readies `handle` (fresh or reset) for `transfer`, to end within `timeoutMs`: the request's
    /// own timeout, or what is left of it when a coalesced call is made again on its own.
    static func configure(_ handle: UnsafeMutableRawPointer, for transfer: Transfer, timeoutMs: Int) throws(OptionError) {
        let request = transfer.request
        try setLong(handle, CURLOPT_NOSIGNAL, 1)
        try setLong(handle, CURLOPT_TIMEOUT_MS, timeoutMs)
        try setLong(handle, CURLOPT_CONNECTTIMEOUT_MS, min(request.connectTimeoutMs, timeoutMs))
        try setLong(handle, CURLOPT_MAXFILESIZE, request.maxResponseBytes)
        try setLong(handle, CURLOPT_FOLLOWLOCATION, 0)
        try setLong(handle, CURLOPT_TCP_NODELAY, 1)
        try setString(handle, CURLOPT_URL, request.url)
        try setString(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        try setString(handle, CURLOPT_USERAGENT, userAgent)
        // Certificates are always verified; TLS below 1.2 is refused.
        try setLong(handle, CURLOPT_SSL_VERIFYPEER, 1)
        try setLong(handle, CURLOPT_SSL_VERIFYHOST, 2)
        try setLong(handle, CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2))
        if let tls = request.tls {
            if let caFile = tls.caFile { try setString(handle, CURLOPT_CAINFO, caFile) }
            if let certificate = tls.clientCertFile, let key = tls.clientKeyFile {
                try setString(handle, CURLOPT_SSLCERT, certificate)
                try setString(handle, CURLOPT_SSLKEY, key)
            }
        }
        if let body = request.body {
            // libcurl copies the bytes (CURLOPT_COPYPOSTFIELDS), so they need not outlive this call.
            try setLong(handle, CURLOPT_POSTFIELDSIZE, body.count)
            try check((body.isEmpty ? [0] : body).withUnsafeBytes { eg_curl_easy_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) })
        }
        for line in [acceptJSON] + request.headers {
            guard let list = curl_slist_append(transfer.headerList, line) else { throw OptionError(reason: "out of memory") }
            transfer.headerList = list
        }
        try check(eg_curl_easy_setopt_pointer(handle, CURLOPT_HTTPHEADER, transfer.headerList))
        try check(eg_curl_easy_setopt_write_function(handle, writeBody))
        let context = Unmanaged.passUnretained(transfer).toOpaque()
        try check(eg_curl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, context))
        if request.cacheTTLMs > 0 {
            try check(eg_curl_easy_setopt_header_function(handle, readHeader))
            try check(eg_curl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, context))
        }
        try check(eg_curl_easy_setopt_pointer(handle, CURLOPT_PRIVATE, context))
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

    /// CURLOPT_WRITEFUNCTION: appends to the transfer's body; a short count stops a body over the cap.
    static let writeBody: curl_write_callback = { data, size, count, context in
        guard let context else { return 0 }
        let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        return transfer.receive(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
    }

    /// CURLOPT_HEADERFUNCTION: hands each header line to the transfer.
    static let readHeader: curl_write_callback = { data, size, count, context in
        guard let context else { return 0 }
        let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
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
