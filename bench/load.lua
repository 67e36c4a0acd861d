-- wrk script for bench/loadgen.py. Usage: wrk ... -s load.lua URL -- SPECFILE
-- SPECFILE lines: method, path, expected status, then one JSON body per line (none for GET).
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  local f = assert(io.open(args[1], "r"))
  local method = f:read("*l")
  local path = f:read("*l")
  expect = tonumber(f:read("*l"))
  reqs = {}
  for line in f:lines() do
    if #line > 0 then
      table.insert(reqs, wrk.format(method, path, {["Content-Type"] = "application/json"}, line))
    end
  end
  f:close()
  if #reqs == 0 then reqs[1] = wrk.format(method, path) end
  index = (id * 97) % #reqs
  unexpected = 0
end

function request()
  index = index % #reqs + 1
  return reqs[index]
end

function response(status, headers, body)
  if status ~= expect then unexpected = unexpected + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("unexpected") end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "errors": %d, "unexpected": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, bad))
end
