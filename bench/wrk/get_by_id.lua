-- GET one item by a random id in 1..BENCH_MAX_ID (all exist: expect 200).
local bench = require("bench")

setup = bench.setup
init = bench.init
done = bench.done

request = function()
  return wrk.format("GET", "/items/" .. bench.random_id())
end
