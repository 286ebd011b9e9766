-- POST an item that violates the spec (empty name, negative price). A server
-- that validates refuses every one with 4xx, so non-2xx should equal the
-- request count; json-server stores them all (201).
local bench = require("bench")

setup = bench.setup
init = bench.init
done = bench.done

request = function()
  return wrk.format("POST", "/items", bench.json_headers, bench.invalid_body)
end
