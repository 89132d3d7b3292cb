import Glibc

/// Output and exits of the command-line tools.
public enum Terminal {
    /// Prints a line to stdout and flushes, so piped output arrives in order.
    public static func print(_ text: String) {
        Swift.print(text)
        fflush(nil)
    }

    public static func printError(_ text: String) {
        let line = Array((text + "\n").utf8)
        _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    /// Prints `program: message` to stderr and exits with `code` (2: usage, 1: failure).
    public static func fail(_ message: String, program: String, code: Int32 = 1) -> Never {
        fflush(nil)
        printError("\(program): \(message)")
        exit(code)
    }
}
