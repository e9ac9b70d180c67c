-- wrk script for the benchmark: counts 2xx and other answers across all threads, prints
-- exact latency percentiles and every kind of socket error (wrk leaves timed-out requests
-- out of its latency, so bench/run.py fails a run that had any), and counts the answers
-- rendered cold: those whose X-Bench-Queries header (bench/benchsite.py) says they ran
-- more SQL than BENCH_COLD_ABOVE queries. With BENCH_PATHS=file it spreads requests over
-- the paths listed in that file instead of hitting one URL, in order, starting at
-- BENCH_PATHS_START.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok = 0
  bad = 0
  last_bad = 0
  cold = 0
end

local cold_above = tonumber(os.getenv("BENCH_COLD_ABOVE") or "")

local paths_file = os.getenv("BENCH_PATHS")
if paths_file then
  local paths = {}
  for line in io.lines(paths_file) do
    if #line > 0 then table.insert(paths, line) end
  end
  -- BENCH_PATHS_START: where a run that continues an earlier one picks up the list.
  local index = tonumber(os.getenv("BENCH_PATHS_START") or "0")
  function request()
    index = index + 1
    return wrk.format(nil, paths[(index % #paths) + 1])
  end
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  else
    bad = bad + 1
    last_bad = status
  end
  if cold_above then
    local queries = tonumber(headers["X-Bench-Queries"] or "")
    if queries and queries > cold_above then cold = cold + 1 end
  end
end

function done(summary, latency, requests)
  local total_ok, total_bad, last, total_cold = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_bad = total_bad + thread:get("bad")
    total_cold = total_cold + thread:get("cold")
    if thread:get("last_bad") ~= 0 then last = thread:get("last_bad") end
  end
  local errors = summary.errors
  io.write(string.format(
    "BENCH {\"ok\": %d, \"bad\": %d, \"last_bad\": %d, \"requests\": %d, \"bytes\": %d, " ..
    "\"duration_us\": %d, \"p50_us\": %d, \"p99_us\": %d, \"max_us\": %d, \"cold\": %d, " ..
    "\"socket_errors\": %d, \"connect_errors\": %d, \"read_errors\": %d, " ..
    "\"write_errors\": %d, \"timeouts\": %d, \"status_errors\": %d}\n",
    total_ok, total_bad, last, summary.requests, summary.bytes, summary.duration,
    latency:percentile(50), latency:percentile(99), latency.max, total_cold,
    errors.connect + errors.read + errors.write + errors.timeout,
    errors.connect, errors.read, errors.write, errors.timeout, errors.status))
end
