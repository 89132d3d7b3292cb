import GatewayJSON

/// Scans `text` into `consumer`; the error, or nil when the text was accepted.
func scan<Consumer: JSONScanConsumer>(_ text: [UInt8], maxBytes: Int = .max, into consumer: inout Consumer) -> JSONScanError? {
    text.withUnsafeBytes { buffer -> JSONScanError? in
        do throws(JSONScanError) {
            try JSONScanner.scan(buffer, maxBytes: maxBytes, into: &consumer)
            return nil
        } catch {
            return error
        }
    }
}

/// `text` scanned and copied (`JSONCopy`), or why it was refused.
func copied(_ text: [UInt8]) -> Result<[UInt8], JSONScanError> {
    var copy = JSONCopy(capacity: text.count)
    if let error = scan(text, into: &copy) { return .failure(error) }
    return .success(Array(copy.output.bytes))
}

func copied(_ text: String) -> Result<String, JSONScanError> {
    copied(Array(text.utf8)).map { String(decoding: $0, as: UTF8.self) }
}
