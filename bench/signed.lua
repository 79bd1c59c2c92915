-- wrk script: POST /sms with pre-signed Twilio requests, one per line of
-- $BENCH_REQUESTS ("<signature>\t<form body>"), each wrk thread cycling
-- through its own share (pass the thread count after --) so that no two
-- requests in flight carry the same MessageSid.
local requests = {}
for line in io.lines(os.getenv("BENCH_REQUESTS")) do
  local tab = line:find("\t", 1, true)
  requests[#requests + 1] = { line:sub(1, tab - 1), line:sub(tab + 1) }
end

local threads = 0
function setup(thread)
  thread:set("offset", threads)
  threads = threads + 1
end

local i, step
function init(args)
  i = tonumber(offset) or 0
  step = tonumber(args[1]) or 1
end

function request()
  i = i + step
  local r = requests[i % #requests + 1]
  return wrk.format("POST", "/sms", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Twilio-Signature"] = r[1],
  }, r[2])
end
