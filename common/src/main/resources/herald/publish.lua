-- Appends events of one partition atomically: each to the partition feed and to its topic's history,
-- both under the entry ID that the feed assigns, so a gateway can resume a topic from any feed ID.
-- An event sent with an idempotency key is appended only if that key was not used within the window:
-- otherwise the ID it was appended under is returned and nothing is written, on any publisher instance.
-- The key remembers the event's fingerprint too: a reuse with another fingerprint (another body) is
-- refused, the whole call with it ('ERR herald: idempotency key reused'), before anything is written.
-- KEYS[1]      the partition feed
-- KEYS[2i]     the history stream of event i (same hash tag as the feed)
-- KEYS[2i+1]   the idempotency key or the ID-index key of event i (same hash tag); for an event with
--              neither, any key of the partition (it is not touched)
-- ARGV[1]      feed MAXLEN (approximate)
-- ARGV[2]      idempotency window in ms
-- ARGV[3..]    per event, eight values: topic, event name, data, retry ("" for none),
--              history MAXLEN (approximate, 0 for none), history max age in ms (0 for none),
--              the event's fingerprint if KEYS[2i+1] is its idempotency key, "#" if it is its ID-index key
--              (set to the entry ID after every append, so a repeated ID names its latest event; kept as
--              long as the history, or the window without a history TTL), else "",
--              history TTL in ms (0 for none): the history expires that long after its last append, so
--              idle topics leave Redis
-- Returns two values per event, in order: its entry ID, and 1 if it had been appended before under its
-- idempotency key (nothing was written for it now), else 0.
local feedMaxLen, window = ARGV[1], ARGV[2]
-- The events of a call mostly repeat the same few retention values: each distinct string is converted once
-- (tonumber is a strtod per call, and there are six per event).
local numbers = {}
local function number(s)
  local n = numbers[s]
  if n == nil then
    n = tonumber(s) or false
    numbers[s] = n
  end
  return n
end
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
-- Per idempotency key of the call: what it held before the call (false if nothing), and the fingerprint
-- it stands for (stored, or of the call's first event with it).
local stored, fingerprints = {}, {}
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
  if not number(ARGV[b + 4]) or not number(ARGV[b + 5]) or not number(ARGV[b + 7]) then
    return redis.error_reply('ERR herald: history MAXLEN, max age and TTL must be numbers')
  end
  local idempotency, fingerprint = KEYS[2 * i + 1], ARGV[b + 6]
  wrong = refuseWrongType(KEYS[2 * i], 'stream') or (fingerprint ~= '' and refuseWrongType(idempotency, 'string'))
  if wrong then
    return wrong
  end
  if fingerprint ~= '' and fingerprint ~= '#' then
    if stored[idempotency] == nil then
      stored[idempotency] = redis.call('GET', idempotency)
      -- '<entry id> <fingerprint>'; a value without one (written before fingerprints) matches any body
      fingerprints[idempotency] = stored[idempotency] and string.match(stored[idempotency], ' (%S+)$') or fingerprint
    end
    if fingerprints[idempotency] ~= fingerprint then
      return redis.error_reply('ERR herald: idempotency key reused with another body: ' .. idempotency)
    end
  end
end
local now = redis.call('TIME')
local ts = now[1] .. string.format('%06d', tonumber(now[2]))
local result = {}
-- Per history appended to: its last entry's ID, max age and TTL; trimmed by age and given its TTL once per
-- call, after its last append (the latest cutoff covers every earlier one), not once per event. Kept in flat
-- tables and parsed once per history: a table and a pattern match per event were a tenth of the script's time.
local lastIds, maxAges, ttls, order = {}, {}, {}, {}
for i = 1, events do
  local history, idempotency = KEYS[2 * i], KEYS[2 * i + 1]
  local b = 3 + (i - 1) * 8
  local topic, name, data, retry = ARGV[b], ARGV[b + 1], ARGV[b + 2], ARGV[b + 3]
  local historyMaxLen, historyMaxAgeMs, fingerprint = ARGV[b + 4], number(ARGV[b + 5]), ARGV[b + 6]
  local historyTtlMs = number(ARGV[b + 7])
  local indexed = fingerprint == '#'
  local keyed = fingerprint ~= '' and not indexed
  local earlier = keyed and stored[idempotency]
  if earlier then
    result[2 * i - 1], result[2 * i] = string.match(earlier, '^(%S+)'), 1
  else
    local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', feedMaxLen, '*',
        't', topic, 'e', name, 'd', data, 'r', retry, 'ts', ts)
    if number(historyMaxLen) > 0 then
      redis.call('XADD', history, 'MAXLEN', '~', historyMaxLen, id, 'e', name, 'd', data, 'r', retry, 'ts', ts)
    else
      redis.call('XADD', history, id, 'e', name, 'd', data, 'r', retry, 'ts', ts)
    end
    if not lastIds[history] then
      order[#order + 1] = history
    end
    lastIds[history], maxAges[history], ttls[history] = id, historyMaxAgeMs, historyTtlMs
    if keyed then
      redis.call('SET', idempotency, id .. ' ' .. fingerprint, 'PX', window)
      stored[idempotency] = id
    elseif indexed then
      redis.call('SET', idempotency, id, 'PX', historyTtlMs > 0 and string.format('%.0f', historyTtlMs) or window)
    end
    result[2 * i - 1], result[2 * i] = id, 0
  end
end
for _, history in ipairs(order) do
  local last, maxAgeMs, ttlMs = tonumber(string.match(lastIds[history], '^(%d+)')), maxAges[history], ttls[history]
  if maxAgeMs > 0 and last - maxAgeMs > 0 then
    redis.call('XTRIM', history, 'MINID', '~', string.format('%.0f', last - maxAgeMs))
  end
  if ttlMs > 0 then
    redis.call('PEXPIRE', history, string.format('%.0f', ttlMs))
  end
end
return result
