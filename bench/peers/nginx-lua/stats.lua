-- GET /_stats: outcome counters per source, {"land": {"ok": n, ...}, ...}, for bench/run.sh.
local cjson = require "cjson.safe"
local dict = ngx.shared.outcomes
local result = {}
for _, key in ipairs(dict:get_keys(0)) do
    local source, status = key:match("^(%S+) (%S+)$")
    if source then
        result[source] = result[source] or {}
        result[source][status] = dict:get(key)
    end
end
ngx.header["Content-Type"] = "application/json"
ngx.print(cjson.encode(result))
