-- Parses the given JSON files ROUNDS times each with lua-cjson (what the nginx-lua peer uses) and
-- prints the time in µs for one round over all files. Usage: luajit cjson.lua ROUNDS FILE...
local cjson = require "cjson"
local rounds, bodies = tonumber(arg[1]), {}
for i = 2, #arg do
    local file = assert(io.open(arg[i], "rb"))
    bodies[#bodies + 1] = file:read("*a")
    file:close()
end
local start = os.clock()
for _ = 1, rounds do
    for i = 1, #bodies do cjson.decode(bodies[i]) end
end
print(string.format("%.1f", (os.clock() - start) / rounds * 1e6))
