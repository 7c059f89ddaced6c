-- wrk script: POSTs one GraphQL request over and over.
--   BODY_FILE  file holding the JSON request body ({"query": …})
--   TOKEN      bearer token (optional)
-- Counts responses that are not HTTP 200 or carry "errors" (plus socket
-- errors), and prints
-- p50/p95/p99 latency in ms, requests/s and a machine-readable line:
--   RESULT rps=… p50=… p95=… p99=… errors=…

local body_file = os.getenv("BODY_FILE")
local f = assert(io.open(body_file, "rb"), "cannot read BODY_FILE " .. tostring(body_file))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
local token = os.getenv("TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
  first_bad = nil
end

function response(status, headers, body)
  if status ~= 200 or (body and string.find(body, '"errors"', 1, true)) then
    bad = bad + 1
    if not first_bad then
      first_bad = status .. " " .. string.sub(body or "", 1, 400)
    end
  end
end

function done(summary, latency, requests)
  local errors, sample = 0, nil
  for _, t in ipairs(threads) do
    errors = errors + (t:get("bad") or 0)
    sample = sample or t:get("first_bad")
  end
  local secs = summary.duration / 1e6
  local rps = summary.requests / secs
  local ms = function(p) return latency:percentile(p) / 1000 end
  io.write(string.format("requests %d in %.1f s, %.1f req/s\n", summary.requests, secs, rps))
  io.write(string.format("latency ms: p50 %.2f  p95 %.2f  p99 %.2f  max %.2f\n",
    ms(50), ms(95), ms(99), latency.max / 1000))
  io.write(string.format("bad responses (non-200 or errors): %d, socket errors: connect %d read %d write %d timeout %d\n",
    errors, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
  if sample then
    io.write("first bad response: " .. sample .. "\n")
  end
  io.write(string.format("RESULT rps=%.1f p50=%.2f p95=%.2f p99=%.2f errors=%d\n",
    rps, ms(50), ms(95), ms(99), errors + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout))
end
