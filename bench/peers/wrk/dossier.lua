-- wrk script for bench/run.sh, the same for every gateway under test.
--
--   wrk ... -s dossier.lua http://HOST:PORT/v1/properties/ID/dossier -- MODE
--
-- MODE decides which property each request asks for:
--   unique    every request a different id (LA<thread><9-digit counter>): no two requests in
--             flight share an upstream URL, so no gateway can coalesce or cache them. The nginx
--             stub answers every id with the LA2023001 fixture. Default of bench/run.sh.
--   single    always the id in the URL: the best case for a gateway that coalesces identical
--             upstream calls in flight (exchange-gateway does).
--   fixtures  round-robin over the ids that department-stubs has in all three departments.
--
-- exchange-gateway requires a client key and a purpose (README, Security): the public demo
-- clerk key. The peers ignore both headers.
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer demo-only-clerk-key-do-not-use-in-production"
wrk.headers["X-Purpose"] = "peer-bench"

local FIXTURE_IDS = {
    "LA2023001", "LA2023002", "LA2023003", "LA2023004",
    "341502001001GB00001F00010001", "341503002003GB00012F00020003", "341522001004GB00045F00010002",
}

local threads = 0
function setup(thread)
    threads = threads + 1
    thread:set("tid", threads)
end

local mode, static_request, counter = "single", nil, 0
function init(args)
    mode = args[1] or "single"
    static_request = wrk.format()
end

-- No response() callback on purpose: it would make wrk hand every response to Lua, which costs
-- wrk CPU on a machine where wrk shares two cores with the system under test. wrk itself counts
-- non-2xx responses and socket errors.
function request()
    if mode == "unique" then
        counter = counter + 1
        return wrk.format(nil, string.format("/v1/properties/LA%d%09d/dossier", tid, counter))
    elseif mode == "fixtures" then
        counter = counter + 1
        return wrk.format(nil, "/v1/properties/" .. FIXTURE_IDS[counter % #FIXTURE_IDS + 1] .. "/dossier")
    end
    return static_request
end

-- wrk --latency prints 50/75/90/99 %; p99.9 (and the same percentiles in microseconds, easier to
-- parse) come from here.
function done(summary, latency, requests)
    io.write(string.format("lua mode: %s\n", mode))
    io.write(string.format("lua requests: %d\n", summary.requests))
    io.write(string.format("lua p50_us: %d\n", latency:percentile(50)))
    io.write(string.format("lua p99_us: %d\n", latency:percentile(99)))
    io.write(string.format("lua p999_us: %d\n", latency:percentile(99.9)))
    io.write(string.format("lua max_us: %d\n", latency.max))
end
