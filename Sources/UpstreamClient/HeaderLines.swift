import CCurl
import Glibc

/// The request header lines that are a call's own (its `traceparent` and request id), written
/// into memory its easy handle keeps, as a CURLOPT_HTTPHEADER list linked in front of the source's
/// constant lines (which the template's list holds once for all its handles). A call on a reused
/// handle overwrites the text in place and allocates nothing; the memory only grows when a call
/// has more or longer lines than any call on the handle before.
///
/// The nodes are `curl_slist` structs that libcurl only reads, during the transfer; they are not
/// made by `curl_slist_append`, so they are freed here, never with `curl_slist_free_all`.
final class HeaderLines {
    private var nodes: UnsafeMutablePointer<curl_slist>
    private var nodeCapacity: Int
    private var text: UnsafeMutablePointer<CChar>
    private var textCapacity: Int

    init(nodeCapacity: Int = 4, textCapacity: Int = 192) {
        self.nodeCapacity = nodeCapacity
        self.textCapacity = textCapacity
        nodes = .allocate(capacity: nodeCapacity)
        text = .allocate(capacity: textCapacity)
    }

    deinit {
        nodes.deallocate()
        text.deallocate()
    }

    /// The list of `lines` followed by `constant`; `constant` itself when there are no lines.
    /// The previous list of this handle is overwritten: call it only while no transfer uses it.
    func list(_ lines: [String], then constant: UnsafeMutablePointer<curl_slist>?) -> UnsafeMutablePointer<curl_slist>? {
        guard !lines.isEmpty else { return constant }
        reserve(nodes: lines.count, text: lines.reduce(0) { $0 + $1.utf8.count + 1 })
        var offset = 0
        for (index, line) in lines.enumerated() {
            let start = text + offset
            offset += Self.copy(line, to: start) + 1
            let next = index + 1 < lines.count ? nodes + index + 1 : constant
            (nodes + index).initialize(to: curl_slist(data: start, next: next))
        }
        return nodes
    }

    /// Copies the UTF-8 of `line` and a terminating NUL to `target`; returns the bytes copied
    /// without the NUL.
    private static func copy(_ line: String, to target: UnsafeMutablePointer<CChar>) -> Int {
        var line = line
        return line.withUTF8 { utf8 in
            if let base = utf8.baseAddress { memcpy(target, base, utf8.count) }
            target[utf8.count] = 0
            return utf8.count
        }
    }

    private func reserve(nodes count: Int, text bytes: Int) {
        if count > nodeCapacity {
            nodes.deallocate()
            nodeCapacity = max(count, nodeCapacity * 2)
            nodes = .allocate(capacity: nodeCapacity)
        }
        if bytes > textCapacity {
            text.deallocate()
            textCapacity = max(bytes, textCapacity * 2)
            text = .allocate(capacity: textCapacity)
        }
    }
}
