-- wrk: POST a typical 123hub error body to /api/v1/diagnose.
-- Each call carries its own request_id and processing_time, as real bodies do, so no
-- answer can come from a cache of whole pastes. wrk.body is the body as typical_body()
-- (bench/inprocess.py) reads it; request() writes each call's values into it.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"body": "{\\"success\\": false, \\"error\\": {\\"code\\": 6010, \\"message\\": \\"Payment does not exist\\", \\"details\\": null, \\"context\\": null}, \\"request_id\\": \\"a1b2c3d4-e5f6-7890-abcd-ef1234567890\\", \\"processing_time\\": 5}"}'

local thread_number = 0
function setup(thread)
  thread_number = thread_number + 1
  thread:set("id", thread_number)
end

local calls = 0
function request()
  calls = calls + 1
  local request_id = string.format("%08x-%04x-4000-8000-%012x", calls, id or 0, calls * 7919)
  local body = wrk.body:gsub("a1b2c3d4%-e5f6%-7890%-abcd%-ef1234567890", request_id, 1)
  body = body:gsub('processing_time\\": 5}', 'processing_time\\": ' .. (calls % 400 + 1) .. '}', 1)
  return wrk.format(nil, nil, nil, body)
end
