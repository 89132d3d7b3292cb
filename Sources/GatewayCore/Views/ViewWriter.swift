import GatewayJSON

/// Serves one department body through a view in the pass that validates it: `JSONScanner`
/// drives it, and it writes the section's `data` straight into its output as it goes, with
/// each scalar under its treatment, notes what it withholds and the schema drift, and captures
/// the values the consistency checks read (README, Views and Findings). Nothing is parsed into a
/// tree and nothing is encoded again.
///
/// Each value is decided by `SourceView.step(at:kind:)`, the rule every walker follows, once
/// its kind is known: a member's key is held until its value begins, and written only if the
/// value is served. Per open container it keeps what it does there (`Frame`): serve it through
/// the view, serve it whole, only note drift below it, or only capture below it. A value none of
/// these needs is skipped: the scanner still validates it, but sends nothing of it.
public struct ViewWriter: JSONScanConsumer {
    /// The section's `data` as served, once the scan accepted the body (`takeData()`).
    private var output: JSONOutput
    /// What was withheld, and the schema drift.
    public private(set) var result = ViewResult()
    /// The values of `captures.pointers`, in their order; `nil` where the body has none.
    public private(set) var checkValues: [CheckValue?]
    /// The body is an array, not an object: jansson reads it, but it is no department's answer.
    public private(set) var bodyIsArray = false

    private let view: SourceView
    private let trie: ViewTrie
    private let captures: CheckCaptures
    /// Whether what is served in clear goes through the PII detector.
    private let detectPII: Bool
    private let hmacKey: [UInt8]?
    /// How the body itself is served: through the view, or as sent (no view).
    private let rootMode: Mode
    /// The text being scanned, for the captured containers.
    private let body: UnsafeRawBufferPointer
    /// The open containers that were not skipped, innermost last.
    private var frames: [Frame] = []
    /// The member whose key was seen last: what becomes of its value.
    private var member = Slot(mode: .quiet, node: nil, capture: nil, key: nil)

    /// - Parameters:
    ///   - reading: the view to serve through (`nil`: as sent) and the values to capture.
    ///   - body: the text the scanner is given; valid until the scan returns.
    public init(reading: SourceReading, body: UnsafeRawBufferPointer) {
        view = reading.view ?? .nothing
        trie = view.trie
        captures = reading.captures
        detectPII = reading.view?.detectPII ?? false
        hmacKey = view.hmacKey
        rootMode = reading.view == nil ? .whole : .serve
        self.body = body
        checkValues = Array(repeating: nil, count: captures.pointers.count)
        // Served bodies are about as long as sent ones; the output grows when masks are longer.
        output = JSONOutput(capacity: body.count + 64)
        frames.reserveCapacity(16)
    }

    /// What the writer does inside one container.
    private enum Mode {
        /// Serves it through the view: members and elements at the container's trie node.
        case serve
        /// Serves it as sent, every scalar as `clear` (a view of everything below what views name).
        case whole
        /// Serves nothing; notes schema drift below the container's trie node.
        case drift
        /// Serves nothing and notes nothing; only captures values for the checks.
        case quiet

        var writes: Bool { self == .serve || self == .whole }
    }

    /// One open container that was not skipped.
    private struct Frame {
        let mode: Mode
        let isObject: Bool
        /// An object's trie node; an array's elements' node (`*`). `nil` in `whole` and `quiet`.
        let node: ViewTrie.Node?
        /// An object's or array's node among the checks' pointers, when some go below it.
        let capture: CheckCaptures.Node?
        /// Where `trie.child(of:key:hint:)` matched last in this object.
        var hint = ViewTrie.noHint
        /// The index of the next element of an array.
        var nextIndex = 0
        /// The container is a checked value itself: its place, and where it starts.
        let capturedSlot: Int?
        let start: Int
        /// `whole` with the PII detector on (a view of everything): the container's path, for a
        /// member whose key holds personal data, which is withheld (`SourceView.servesKey`).
        var path: String? = nil
    }

    /// What becomes of the value that starts next, as far as its parent decides.
    private struct Slot {
        var mode: Mode
        /// `serve`: the value's trie node; `drift`: the node it is looked at against.
        var node: ViewTrie.Node?
        var capture: CheckCaptures.Node?
        /// A member's key, to write once the value is served.
        var key: JSONString?
        /// `whole` with the PII detector on: the value's path (see `Frame.path`).
        var path: String? = nil
    }

    /// Hands over the section's `data` as served, without a copy.
    public mutating func takeData() -> [UInt8] {
        output.finished()
    }

    // MARK: events

    public mutating func beginObject(at offset: Int) -> JSONScanDecision {
        begin(isObject: true, at: offset)
    }

    public mutating func beginArray(at offset: Int) -> JSONScanDecision {
        begin(isObject: false, at: offset)
    }

    public mutating func key(_ key: JSONString) -> JSONScanDecision {
        let top = frames.count - 1
        let frame = frames[top]
        var slot = Slot(mode: frame.mode, node: nil, capture: frame.capture.flatMap { captures.member(of: $0, key: key.utf8) }, key: key)
        if let node = frame.node {
            if let child = trie.child(of: node, key: key.utf8, hint: &frames[top].hint) {
                slot.node = child
            } else {
                // No view of any role names it: drift, served whole only by a view of everything.
                let path = trie.memberPath(of: node, key: key.utf8)
                result.drift.record(path)
                if frame.mode == .serve, view.unnamedMemberStep == .whole, view.servesKey(key.utf8) {
                    slot.mode = .whole
                    if detectPII { slot.path = path }
                } else {
                    if frame.mode == .serve { result.withheld.record(path) }
                    slot.mode = .quiet
                }
            }
        } else if let parent = frame.path {
            // Inside a value a view of everything serves whole: a key holding personal data is not served.
            let path = ViewTrie.memberPath(in: parent, key: key.utf8)
            if view.servesKey(key.utf8) {
                slot.path = path
            } else {
                result.withheld.record(path)
                slot.mode = .quiet
            }
        }
        guard slot.mode != .quiet || slot.capture != nil else { return .skip }
        member = slot
        return .visit
    }

    public mutating func endObject(at offset: Int) {
        end(at: offset)
    }

    public mutating func endArray(at offset: Int) {
        end(at: offset)
    }

    public mutating func scalar(_ scalar: JSONScalar) {
        let slot = nextSlot()
        if let capture = slot.capture, let place = captures.slot(at: capture) { checkValues[place] = CheckValue(scalar) }
        switch slot.mode {
        case .serve:
            let (step, isDrift) = view.step(at: slot.node!, kind: scalar.kind.json)
            if isDrift { result.drift.record(trie.path(of: slot.node!)) }
            switch step {
            case .scalar(let treatment): write(scalar, as: treatment, key: slot.key)
            case .whole: write(scalar, as: .clear, key: slot.key)
            case .withhold: result.withheld.record(trie.path(of: slot.node!))
            case .members, .elements: preconditionFailure("a scalar is never served member by member")
            }
        case .whole:
            write(scalar, as: .clear, key: slot.key)
        case .drift:
            if !trie.fits(slot.node!, scalar.kind.json) { result.drift.record(trie.path(of: slot.node!)) }
        case .quiet:
            break
        }
    }

    // MARK: containers

    /// An object or array begins: decides what becomes of it, opening a frame unless it is skipped.
    private mutating func begin(isObject: Bool, at offset: Int) -> JSONScanDecision {
        let kind: JSON.Kind = isObject ? .object : .array
        var slot: Slot
        if frames.isEmpty {
            guard isObject else {
                bodyIsArray = true
                return .skip
            }
            slot = Slot(mode: rootMode, node: ViewTrie.root, capture: captures.isEmpty ? nil : CheckCaptures.root, key: nil)
        } else {
            slot = nextSlot()
            switch slot.mode {
            case .serve:
                let node = slot.node!
                let (step, isDrift) = view.step(at: node, kind: kind)
                if isDrift { result.drift.record(trie.path(of: node)) }
                switch step {
                case .members, .elements:
                    break
                case .whole:
                    slot.mode = .whole
                    if detectPII { slot.path = trie.path(of: node) }
                case .withhold:
                    result.withheld.record(trie.path(of: node))
                    // Other roles' views may name paths below: drift there is noted whoever asks.
                    slot.mode = isDrift ? .quiet : .drift
                case .scalar:
                    preconditionFailure("a container is never served as a scalar")
                }
            case .drift:
                if !trie.fits(slot.node!, kind) {
                    result.drift.record(trie.path(of: slot.node!))
                    slot.mode = .quiet
                }
            case .whole, .quiet:
                break
            }
        }
        // Drift is noted only where views name members (of an object) or elements (of an array).
        if slot.mode == .drift, isObject ? !trie.hasMembers(slot.node!) : trie.element(of: slot.node!) == nil {
            slot.mode = .quiet
        }
        let capturedSlot = slot.capture.flatMap { captures.slot(at: $0) }
        let capture = slot.capture.flatMap { captures.hasChildren($0) ? $0 : nil }
        if slot.mode == .quiet, capture == nil, capturedSlot == nil { return .skip }
        if slot.mode.writes {
            if let key = slot.key { output.key(key) }
            if isObject { output.beginObject() } else { output.beginArray() }
        }
        let node = slot.mode == .serve || slot.mode == .drift ? (isObject ? slot.node : trie.element(of: slot.node!)) : nil
        frames.append(Frame(mode: slot.mode, isObject: isObject, node: node, capture: capture, capturedSlot: capturedSlot, start: offset,
                            path: slot.mode == .whole ? slot.path : nil))
        return .visit
    }

    private mutating func end(at offset: Int) {
        let frame = frames.removeLast()
        if let place = frame.capturedSlot, let value = try? JSON.parse(UnsafeRawBufferPointer(rebasing: body[frame.start..<offset])) {
            checkValues[place] = CheckValue(value)
        }
        guard frame.mode.writes else { return }
        if frame.isObject { output.endObject() } else { output.endArray() }
    }

    /// What becomes of the value starting now: the member whose key came last, or the next
    /// element of the innermost array.
    private mutating func nextSlot() -> Slot {
        let top = frames.count - 1
        guard !frames[top].isObject else { return member }
        let index = frames[top].nextIndex
        frames[top].nextIndex = index + 1
        let frame = frames[top]
        return Slot(mode: frame.mode, node: frame.node, capture: frame.capture.flatMap { captures.element(of: $0, index: index) }, key: nil,
                    path: frame.path.map { $0 + "/*" })
    }

    // MARK: scalars

    /// Writes `scalar`, after its key if it is a member's, as `treatment` serves it.
    private mutating func write(_ scalar: JSONScalar, as treatment: Treatment, key: JSONString?) {
        let served: ServedScalar = switch scalar.kind {
        case _ where treatment == .clear && !detectPII: .unchanged
        case .string: treatment.served(.string(scalar.text.utf8), detectPII: detectPII, hmacKey: hmacKey)
        case .integer, .real:
            treatment.served(number: scalar.text.utf8, isInteger: scalar.kind == .integer, detectPII: detectPII, hmacKey: hmacKey)
        case .bool: treatment.served(.bool, detectPII: detectPII, hmacKey: hmacKey)
        case .null: treatment.served(.null, detectPII: detectPII, hmacKey: hmacKey)
        }
        if let key { output.key(key) }
        switch served {
        case .unchanged: output.scalar(scalar)
        case .replaced(let text): output.string(text)
        }
    }
}

extension JSONScalar.Kind {
    /// The kind as a view's rules name kinds.
    fileprivate var json: JSON.Kind {
        switch self {
        case .integer: .integer
        case .real: .real
        case .string: .string
        case .bool: .bool
        case .null: .null
        }
    }
}
