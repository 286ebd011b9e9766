-- Mixed 80/20 read/write: 80% GET by random id, 10% POST a valid new item,
-- 10% PUT a random seeded item back to its seeded content (a real write that
-- leaves the data set unchanged).
local bench = require("bench")

setup = bench.setup
init = bench.init
done = bench.done

request = function()
  local r = math.random()
  if r < 0.8 then
    return wrk.format("GET", "/items/" .. bench.random_id())
  elseif r < 0.9 then
    return wrk.format("POST", "/items", bench.json_headers, bench.new_body())
  else
    local id = bench.random_id()
    return wrk.format("PUT", "/items/" .. id, bench.json_headers, bench.row_body(id))
  end
end
