-- Shared helpers for the wrk scripts of bench/run (loaded with require;
-- bench/run puts this folder on LUA_PATH).
--
-- Environment (read once per wrk thread):
--   BENCH_MAX_ID      ids of the seeded rows are 1..BENCH_MAX_ID (default 1000)
--   BENCH_MAX_OFFSET  list offsets are drawn from 0..BENCH_MAX_OFFSET
--                     (default BENCH_MAX_ID - 20, so every page is full)
--   BENCH_SEED        random seed (default 42; each wrk thread adds its id)

local M = {}

M.max_id = tonumber(os.getenv("BENCH_MAX_ID") or "1000")
M.max_offset = tonumber(os.getenv("BENCH_MAX_OFFSET") or tostring(math.max(0, M.max_id - 20)))

local json_headers = { ["Content-Type"] = "application/json" }
M.json_headers = json_headers

local thread_counter = 0

-- Call from setup(thread): gives each wrk thread its own random stream.
function M.setup(thread)
  thread_counter = thread_counter + 1
  thread:set("bench_thread_id", thread_counter)
end

-- Call from init(args) in each thread.
function M.init()
  local seed = tonumber(os.getenv("BENCH_SEED") or "42")
  math.randomseed(seed + (bench_thread_id or 0))
end

function M.random_id()
  return math.random(1, M.max_id)
end

function M.random_offset()
  return math.random(0, M.max_offset)
end

-- Row i of the seeded data set; must match bench/lib/data.py:row().
function M.row_body(i)
  local in_stock = (i % 3 ~= 0) and "true" or "false"
  return string.format(
    '{"name":"item-%07d","price":%.2f,"tags":["t%d","t%d"],"in_stock":%s}',
    i, (i * 37 % 10000) / 100, i % 7, i % 11, in_stock)
end

local created = 0

-- A valid new item (distinct name per request).
function M.new_body()
  created = created + 1
  return string.format(
    '{"name":"new-%d-%d","price":12.5,"tags":["bench","new"],"in_stock":true}',
    bench_thread_id or 0, created)
end

-- Invalid for the spec twice over: empty name (minLength 1), price -1 (minimum 0).
M.invalid_body = '{"name":"","price":-1,"tags":["bench"],"in_stock":true}'

-- done(): one machine-readable line that bench/run parses. non2xx is wrk's
-- own count of responses with status >= 400 (the same number as its
-- "Non-2xx or 3xx responses" line); latencies are in microseconds.
function M.done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"non2xx":%d,' ..
    '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.status,
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end

return M
