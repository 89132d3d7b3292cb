/// Figures about the gateway's own process for `process_*` gauges. Reading them is the caller's
/// business (`/proc` is I/O); this type only carries them and parses `/proc/self/status`.
public struct ProcessStats: Sendable, Equatable {
    /// `process_resident_memory_bytes`; `nil` leaves the sample out.
    public var residentMemoryBytes: Double?
    /// `process_open_fds`; `nil` leaves the sample out.
    public var openFileDescriptors: Double?

    public init(residentMemoryBytes: Double? = nil, openFileDescriptors: Double? = nil) {
        self.residentMemoryBytes = residentMemoryBytes
        self.openFileDescriptors = openFileDescriptors
    }

    /// The resident set size in bytes from the text of `/proc/self/status` (its `VmRSS:  1234 kB` line).
    public static func residentMemoryBytes(procStatus: String) -> Double? {
        for line in procStatus.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let fields = line.dropFirst("VmRSS:".count).split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 2, fields[1] == "kB", let kibibytes = Int(fields[0]) else { return nil }
            return Double(kibibytes) * 1024
        }
        return nil
    }
}
