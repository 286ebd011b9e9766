-- POST a valid new item (expect 201).
local bench = require("bench")

setup = bench.setup
init = bench.init
done = bench.done

request = function()
  return wrk.format("POST", "/items", bench.json_headers, bench.new_body())
end
