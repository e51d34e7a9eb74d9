-- wrk script for publish-ceiling.sh: one small event per request, round-robin over 16 topics.
-- PUBLISH_FORM=nchan posts the raw data to an nchan_publisher location instead of Herald's JSON.
local nchan = os.getenv("PUBLISH_FORM") == "nchan"
local n = 0
request = function()
  n = n + 1
  if nchan then
    return wrk.format("POST", "/pub?id=t" .. (n % 16), {["Content-Type"] = "text/plain"}, "hello world 0123456789")
  end
  return wrk.format("POST", "/v1/topics/t" .. (n % 16) .. "/events", {["Content-Type"] = "application/json"},
    '{"data":"hello world 0123456789"}')
end
