-- Peer for bench/run.sh: GET /v1/properties/{id}/dossier in nginx + lua-nginx-module.
--
-- The location's regex has already checked the id ([A-Za-z0-9-]{1,64}, capture $1). The three
-- departments are fetched in parallel with ngx.location.capture_multi through internal
-- proxy_pass locations (keep-alive upstream pools, proxy_read_timeout = the source timeout);
-- each body is decoded with lua-cjson and the merged document is encoded again.
-- No authentication, masking or audit log: see bench/README.md.
local cjson = require "cjson.safe"

local NAMES = { "land", "tax", "house" }
local id = ngx.var[1]
local timeout_ms = ngx.var.source_timeout_ms

local responses = { ngx.location.capture_multi({
    { "/_upstream/land/" .. id },
    { "/_upstream/tax/" .. id },
    { "/_upstream/house/" .. id },
}) }

local sources, any_ok = {}, false
for i, res in ipairs(responses) do
    local section
    local status = res.status
    if status >= 200 and status <= 299 then
        local data = (not res.truncated) and cjson.decode(res.body) or nil
        if type(data) == "table" then
            section = { status = "ok", http_status = status, data = data }
            any_ok = true
        else
            section = { status = "invalid_response", http_status = status, error = "not a JSON object" }
        end
    elseif status == 404 then
        section = { status = "not_found", http_status = 404 }
    elseif status == 504 then        -- proxy_read_timeout / proxy_connect_timeout
        section = { status = "timeout", error = "no response within " .. timeout_ms .. " ms" }
    elseif status == 502 then        -- refused, reset, closed
        section = { status = "unavailable", error = "connection failed" }
    else
        section = { status = "upstream_error", http_status = status, error = "HTTP " .. status }
    end
    sources[NAMES[i]] = section
    -- outcome counters (lua_shared_dict outcomes), served on /_stats for bench/run.sh
    ngx.shared.outcomes:incr(NAMES[i] .. " " .. section.status, 1, 0)
end

ngx.status = any_ok and 200 or 502
ngx.header["Content-Type"] = "application/json"
ngx.header["Cache-Control"] = "no-store"
ngx.print(cjson.encode({ property_id = id, sources = sources }))
