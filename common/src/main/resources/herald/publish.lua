-- Appends events of one partition atomically: each to the partition feed and to its topic's history,
-- both under the entry ID that the feed assigns, so a gateway can resume a topic from any feed ID.
-- An event sent with an idempotency key is appended only if that key was not used within the window:
-- otherwise the ID it was appended under is returned and nothing is written, on any publisher instance.
-- KEYS[1]      the partition feed
-- KEYS[2i]     the history stream of event i (same hash tag as the feed)
-- KEYS[2i+1]   the idempotency key or the ID-index key of event i (same hash tag); for an event with
--              neither, any key of the partition (it is not touched)
-- ARGV[1]      feed MAXLEN (approximate)
-- ARGV[2]      idempotency window in ms
-- ARGV[3..]    per event, eight values: topic, event name, data, retry ("" for none),
--              history MAXLEN (approximate, 0 for none), history max age in ms (0 for none),
--              "1" if KEYS[2i+1] is the event's idempotency key, "x" if it is its ID-index key (set to the
--              entry ID after every append, so a repeated ID names its latest event; kept as long as the
--              history, or the window without a history TTL), else "",
--              history TTL in ms (0 for none): the history expires that long after its last append, so
--              idle topics leave Redis
-- Returns two values per event, in order: its entry ID, and 1 if it had been appended before under its
-- idempotency key (nothing was written for it now), else 0.
local feedMaxLen, window = ARGV[1], ARGV[2]
local events = (#KEYS - 1) / 2
-- Check every argument before the first write, so a bad call appends nothing.
if events ~= math.floor(events) or #ARGV ~= 2 + events * 8 then
  return redis.error_reply('ERR herald: expected 1 + 2n keys and 2 + 8n arguments')
end
if not tonumber(window) or tonumber(window) < 1 then
  return redis.error_reply('ERR herald: idempotency window must be a positive number of ms')
end
-- A key of the wrong type (written by something else) would fail its command after earlier events were
-- written; checked here, so every refusal ('ERR herald:') leaves Redis as it was and a caller may retry the
-- other events of the call without them.
-- Each distinct key is looked at once, however many events of the call share it.
local typed = {}
local function refuseWrongType(key, allowed)
  if typed[key] then
    return nil
  end
  typed[key] = true
  local actual = redis.call('TYPE', key).ok
  if actual ~= 'none' and actual ~= allowed then
    return redis.error_reply('ERR herald: ' .. key .. ' holds a ' .. actual .. ', not a ' .. allowed)
  end
end
local wrong = refuseWrongType(KEYS[1], 'stream')
if wrong then
  return wrong
end
for i = 1, events do
  local b = 3 + (i - 1) * 8
  if not tonumber(ARGV[b + 4]) or not tonumber(ARGV[b + 5]) or not tonumber(ARGV[b + 7]) then
    return redis.error_reply('ERR herald: history MAXLEN, max age and TTL must be numbers')
  end
  wrong = refuseWrongType(KEYS[2 * i], 'stream') or (ARGV[b + 6] ~= '' and refuseWrongType(KEYS[2 * i + 1], 'string'))
  if wrong then
    return wrong
  end
end
local now = redis.call('TIME')
local ts = now[1] .. string.format('%06d', tonumber(now[2]))
local result = {}
-- Per history appended to: its last entry's ms, max age and TTL; trimmed by age and given its TTL once per
-- call, after its last append (the latest cutoff covers every earlier one), not once per event.
local appended, order = {}, {}
for i = 1, events do
  local history, idempotency = KEYS[2 * i], KEYS[2 * i + 1]
  local b = 3 + (i - 1) * 8
  local topic, name, data, retry = ARGV[b], ARGV[b + 1], ARGV[b + 2], ARGV[b + 3]
  local historyMaxLen, historyMaxAgeMs, keyed, indexed = ARGV[b + 4], tonumber(ARGV[b + 5]), ARGV[b + 6] == '1', ARGV[b + 6] == 'x'
  local historyTtlMs = tonumber(ARGV[b + 7])
  local earlier = keyed and redis.call('GET', idempotency)
  if earlier then
    result[2 * i - 1], result[2 * i] = earlier, 1
  else
    local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', feedMaxLen, '*',
        't', topic, 'e', name, 'd', data, 'r', retry, 'ts', ts)
    if tonumber(historyMaxLen) > 0 then
      redis.call('XADD', history, 'MAXLEN', '~', historyMaxLen, id, 'e', name, 'd', data, 'r', retry, 'ts', ts)
    else
      redis.call('XADD', history, id, 'e', name, 'd', data, 'r', retry, 'ts', ts)
    end
    if not appended[history] then
      order[#order + 1] = history
    end
    appended[history] = {tonumber(string.match(id, '^(%d+)')), historyMaxAgeMs, historyTtlMs}
    if keyed then
      redis.call('SET', idempotency, id, 'PX', window)
    elseif indexed then
      redis.call('SET', idempotency, id, 'PX', historyTtlMs > 0 and string.format('%.0f', historyTtlMs) or window)
    end
    result[2 * i - 1], result[2 * i] = id, 0
  end
end
for _, history in ipairs(order) do
  local last, maxAgeMs, ttlMs = appended[history][1], appended[history][2], appended[history][3]
  if maxAgeMs > 0 and last - maxAgeMs > 0 then
    redis.call('XTRIM', history, 'MINID', '~', string.format('%.0f', last - maxAgeMs))
  end
  if ttlMs > 0 then
    redis.call('PEXPIRE', history, string.format('%.0f', ttlMs))
  end
end
return result
