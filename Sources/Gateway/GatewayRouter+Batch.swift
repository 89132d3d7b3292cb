import AuditLog
import GatewayCore
import GatewayCrypto
import GatewayJSON
import HTTPServer

extension GatewayRouter {
    /// Dossiers of one batch built at once: enough to overlap the departments' latency,
    /// few enough that one clerk's batch does not crowd out everyone else's single requests.
    static let batchConcurrency = 8

    /// What every item of an accepted batch shares.
    private struct BatchPlan: Sendable {
        let request: BatchRequest
        let client: ClientConfig
        let role: RoleConfig
        let purpose: String?
        let access: SourceAccess
        /// Per item, the refusal of an item the client's rate limit had no token for.
        let rateLimited: [Problem?]
        let budget: BatchBudget
    }

    /// `POST /v1/dossiers:batch`: one dossier per distinct id, in first-seen order, each built,
    /// rate-limited (one token per item), admitted and audited exactly like a single dossier
    /// request, with its own request id. A batch refused as a whole (auth, purpose, body, sources,
    /// or no place among the dossiers in progress for its first item) is one problem answer and one
    /// audit record; otherwise the answer is 200 and each item is a dossier (with the `http_status`
    /// its single request would have had) or an `error` problem.
    ///
    /// The batch holds a place among `limits.max_batches_in_progress` until it is answered (so the
    /// finished items all batches hold together are bounded), waited for like a dossier's.
    /// Each item takes a place among `limits.max_dossiers_in_progress` while it is built, waiting
    /// for one like a single request; the first item's is waited for before any is built, and an
    /// item that gets none is a `503 overloaded` item, as is every item not started after it (under
    /// overload the batch stops starting items rather than waiting for each in turn). Items are kept
    /// encoded, and at most `limits.max_batch_response_bytes` of them: an item past that is a `413
    /// batch-too-large` item, and so is every item not started after it. Once the batch is cancelled
    /// (shutdown past the drain), items not yet started are not built: each is an audited 503
    /// shutting-down problem, so the batch still ends in time.
    /// The answer itself is audited too, once its items are: a record with no property, the
    /// items' request ids (`batch_items`) and the SHA-256 of the whole answer (`body_sha256`);
    /// each item's record holds the SHA-256 of that item's bytes as they stand in the answer.
    func batch(_ request: HTTPRequest, requestID: String, runtime: GatewayRuntime) async -> HTTPResponse {
        let trace = TraceContext(traceparent: request.header("traceparent"))
        var record = Self.auditRecord(of: request, requestID: requestID, trace: trace)
        let plan: BatchPlan
        do throws(Problem) {
            plan = try admitBatch(request, runtime: runtime, record: &record)
            let batches = runtime.batchAdmission
            try await takePlace(in: batches, from: request.receivedAt, runtime: runtime, refusal: .overloaded(batches: batches.maxInFlight))
            do throws(Problem) {
                try await takeAdmissionPlace(from: request.receivedAt, runtime: runtime)
            } catch {
                batches.release()
                throw error
            }
        } catch {
            // Refused as a whole: one audit record, like a refused single request.
            return await audited(request, requestID: requestID, trace: trace, record: record, runtime: runtime) { _ throws(Problem) in throw error }
        }
        defer { runtime.batchAdmission.release() }
        let ids = plan.request.propertyIDs
        var items = [BatchItem?](repeating: nil, count: ids.count)
        await withTaskGroup(of: (Int, BatchItem).self) { group in
            var holdsFirstPlace = true
            var overloaded = false
            var running = 0
            for index in ids.indices {
                if running == Self.batchConcurrency, let (done, item) = await group.next() {
                    items[done] = item
                    running -= 1
                }
                var refusal = Task.isCancelled ? .shuttingDown() : plan.rateLimited[index]
                var admitted = false
                if refusal == nil, !plan.budget.isExhausted {
                    if holdsFirstPlace {
                        holdsFirstPlace = false
                        admitted = true
                    } else if !overloaded {
                        do throws(Problem) {
                            try await takeAdmissionPlace(from: .now, runtime: runtime)
                            admitted = true
                        } catch {
                            overloaded = true
                            refusal = Task.isCancelled ? .shuttingDown() : error
                        }
                    } else {
                        refusal = .overloaded(limit: runtime.admission.maxInFlight)
                    }
                }
                // Checked again once a place is held: the items before may have filled the answer meanwhile.
                if refusal == nil, plan.budget.isExhausted {
                    if admitted { runtime.admission.release() }
                    admitted = false
                    refusal = .batchTooLarge(limit: plan.budget.limit)
                }
                group.addTask { [refusal, admitted] in
                    defer { if admitted { runtime.admission.release() } }
                    return (index, await batchItem(ids[index], refusal: refusal, plan: plan, request: request, trace: trace, runtime: runtime))
                }
                running += 1
            }
            if holdsFirstPlace { runtime.admission.release() }
            for await (index, item) in group {
                items[index] = item
            }
        }
        let (body, itemIDs) = Self.answer(joining: &items)
        var response = HTTPResponse.json(bytes: body, status: 200, requestID: requestID)
        response.headers.append(("traceparent", trace.traceparent))
        record.batchItems = itemIDs
        record.httpStatus = response.status
        record.latencyMs = request.receivedAt.duration(to: .now).wholeMilliseconds
        return await sealed(response, record: record, requestID: requestID, route: .dossierBatch, runtime: runtime)
    }

    /// The answer's body: the items' bytes as they were hashed into their records, joined as they
    /// are, and their request ids. Each item is let go once it is copied in, so the finished items
    /// and the answer are never held whole at once (README "Batch": the memory one batch holds).
    private static func answer(joining items: inout [BatchItem?]) -> (body: [UInt8], itemIDs: [String]) {
        let opening = Array(#"{"dossiers":["#.utf8), closing = Array("]}".utf8)
        var body: [UInt8] = []
        body.reserveCapacity(opening.count + items.reduce(0) { $0 + $1!.bytes.count + 1 } + closing.count)
        body += opening
        var itemIDs: [String] = []
        for index in items.indices {
            guard let item = items[index].take() else { preconditionFailure("batch item \(index) was never answered") }
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body += item.bytes
            itemIDs.append(item.requestID)
        }
        body += closing
        return (body, itemIDs)
    }

    /// One item of a batch answer: its own request id, and its bytes as they are sent.
    private struct BatchItem: Sendable {
        let requestID: String
        let bytes: [UInt8]
    }

    /// Checks what the whole batch shares: the admission step of a single request (its body is
    /// read when the rate limit needs the number of items), then the sources it asks for; notes
    /// the caller in `record`.
    private func admitBatch(_ request: HTTPRequest, runtime: GatewayRuntime, record: inout AuditEntry) throws(Problem) -> BatchPlan {
        let admission = try admit(request, runtime: runtime, record: &record) { client throws(Problem) in
            let body = try BatchRequest(contentType: request.header("Content-Type"), body: request.body)
            let rateLimited = body.propertyIDs.map { _ -> Problem? in
                do throws(Problem) {
                    try takeRateToken(client, runtime: runtime)
                    return nil
                } catch {
                    return error
                }
            }
            return (body: body, rateLimited: rateLimited)
        }
        let body = admission.charged.body
        let requested = try body.sourceNames.map { names throws(Problem) in try SourceSelection.sources(names: names, in: runtime.config) }
            ?? runtime.config.sources
        return BatchPlan(request: body, client: admission.client, role: admission.role, purpose: admission.purpose,
                         access: try SourceAccess(requested: requested, role: admission.role), rateLimited: admission.charged.rateLimited,
                         budget: BatchBudget(limit: runtime.config.limits.maxBatchResponseBytes))
    }

    /// One item: its dossier with `http_status`, or `{"property_id", "error"}` when it was
    /// refused (rate limited, overloaded, shutting down, over the batch's size) or its audit record
    /// could not be written (then it carries no data).
    private func batchItem(_ propertyID: PropertyID, refusal: Problem?, plan: BatchPlan, request: HTTPRequest,
                           trace: TraceContext, runtime: GatewayRuntime) async -> BatchItem {
        let started = ContinuousClock.now
        let itemID = RequestID.generate()
        var record = AuditEntry(time: .now(), requestID: itemID, clientID: plan.client.id, role: plan.role.name, purpose: plan.purpose,
                                propertyID: propertyID.rawValue, sources: [], httpStatus: 0, latencyMs: 0,
                                remoteAddress: request.remoteAddress, traceID: trace.traceID)
        var body: [UInt8]?
        var refusal = refusal
        if refusal == nil {
            // Each item's deadline counts from when it starts: items wait their turn (8 at a time).
            let dossier = await runtime.service.dossier(for: propertyID, access: plan.access, role: plan.role, requestID: itemID, trace: trace,
                                                        receivedAt: started)
            metrics.dossierDuration.observe(started.duration(to: .now))
            record.sources = Self.auditedSources(of: dossier)
            let encoded = dossier.encoded(withHTTPStatus: true)
            if Task.isCancelled {
                // The drain ran out while it was built: the batch is answered 503 now, so no data.
                refusal = .shuttingDown()
            } else if !plan.budget.take(encoded.count) {
                refusal = .batchTooLarge(limit: plan.budget.limit)
            } else {
                record.httpStatus = dossier.httpStatus
                body = encoded
            }
        }
        if let refusal { record.httpStatus = refusal.status }
        record.latencyMs = started.duration(to: .now).wholeMilliseconds
        func refused(_ problem: Problem) -> [UInt8] {
            JSON.object(["property_id": JSON(propertyID.rawValue), "error": problem.json(requestID: itemID)]).encoded()
        }
        let bytes = refusal.map(refused) ?? body!
        record.bodySHA256 = Digest.sha256(bytes)
        return BatchItem(requestID: itemID, bytes: await writeAudit(record) ? bytes : refused(.auditUnavailable()))
    }
}
