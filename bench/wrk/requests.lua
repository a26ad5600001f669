-- wrk script of bench/wrk_compare.py (issue 17): one script for every target.
--   wrk ... -s bench/wrk/requests.lua URL -- MODE PATH [VOTERS FIRST COUNT THREADS]
-- MODE get: GET PATH. MODE ballot: POST PATH (the public ballot API) with the X-Voter-Token
-- of a voter from VOTERS (bench/seed.py's voters.tsv), each request a voter of its own:
-- thread t of THREADS takes lines FIRST+t, FIRST+t+THREADS, ... below FIRST+COUNT; past the
-- last one it starts again (those ballots are refused with 409 and counted as errors).
-- MODE naive: POST PATH ({"voter": id, "candidate": its first choice}), same voters.
-- Every request carries what nginx adds (X-Forwarded-For: the voter's own address in
-- 100.64.0.0/10, X-Forwarded-Proto: https) and its own X-Device-Id, as in bench/locustfile.py.
-- done() prints one line "JXWRK {json}" with counts, errors and latency percentiles (µs).

local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

local function address(n)
  return string.format("100.%d.%d.%d", 64 + math.floor(n / 65536) % 64,
    math.floor(n / 256) % 256, n % 256)
end

local prepared = {}
local pos = 0

function init(args)
  local mode, path = args[1], args[2]
  if mode == "get" then
    for n = 1, 256 do
      prepared[n] = wrk.format("GET", path, {
        ["X-Forwarded-For"] = address(tid * 256 + n),
        ["X-Forwarded-Proto"] = "https",
      })
    end
    return
  end
  local file, first, count, threads = args[3], tonumber(args[4]), tonumber(args[5]), tonumber(args[6])
  local i = 0
  for line in io.lines(file) do
    if i >= first + count then break end
    if i >= first and (i - first) % threads == tid then
      local id, token, ballot = line:match("^(%d+)\t([^\t]+)\t(.+)$")
      local headers = {
        ["Content-Type"] = "application/json",
        ["X-Forwarded-For"] = address(tonumber(id)),
        ["X-Forwarded-Proto"] = "https",
        ["X-Device-Id"] = "wrk-" .. id,
      }
      local body
      if mode == "ballot" then
        headers["X-Voter-Token"] = token
        body = '{"candidates":' .. ballot .. '}'
      else
        body = '{"voter":' .. id .. ',"candidate":' .. ballot:match('^%[("[^"]*")') .. '}'
      end
      prepared[#prepared + 1] = wrk.format("POST", path, headers, body)
    end
    i = i + 1
  end
end

function request()
  pos = pos + 1
  return prepared[(pos - 1) % #prepared + 1]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'JXWRK {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean))
end
