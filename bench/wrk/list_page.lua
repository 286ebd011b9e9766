-- GET a page of 20 items at a random offset in 0..BENCH_MAX_OFFSET.
local bench = require("bench")

setup = bench.setup
init = bench.init
done = bench.done

request = function()
  return wrk.format("GET", "/items?limit=20&offset=" .. bench.random_offset())
end
