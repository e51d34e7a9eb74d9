-- Appends events of one partition atomically: each to the partition feed and to its topic's history,
-- both under the entry ID that the feed assigns, so a gateway can resume a topic from any feed ID.
-- KEYS[1]   the partition feed
-- KEYS[1+i] the history stream of event i (same hash tag as the feed)
-- ARGV[1]   feed MAXLEN (approximate)
-- ARGV[2..] per event, six values: topic, event name, data, retry ("" for none),
--           history MAXLEN (approximate), history max age in ms (0 for none)
-- Returns the entry IDs, in order.
local feedMaxLen = ARGV[1]
-- Check every argument before the first write, so a bad call appends nothing.
for i = 1, #KEYS - 1 do
  local b = 1 + (i - 1) * 6
  if not tonumber(ARGV[b + 5]) or not tonumber(ARGV[b + 6]) then
    return redis.error_reply('ERR herald: history MAXLEN and max age must be numbers')
  end
end
local now = redis.call('TIME')
local ts = now[1] .. string.format('%06d', tonumber(now[2]))
local ids = {}
for i = 1, #KEYS - 1 do
  local b = 1 + (i - 1) * 6
  local topic, name, data, retry = ARGV[b + 1], ARGV[b + 2], ARGV[b + 3], ARGV[b + 4]
  local historyMaxLen, historyMaxAgeMs = ARGV[b + 5], tonumber(ARGV[b + 6])
  local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', feedMaxLen, '*',
      't', topic, 'e', name, 'd', data, 'r', retry, 'ts', ts)
  redis.call('XADD', KEYS[1 + i], 'MAXLEN', '~', historyMaxLen, id,
      'e', name, 'd', data, 'r', retry, 'ts', ts)
  local cutoff = tonumber(string.match(id, '^(%d+)')) - historyMaxAgeMs
  if historyMaxAgeMs > 0 and cutoff > 0 then
    redis.call('XTRIM', KEYS[1 + i], 'MINID', '~', string.format('%.0f', cutoff))
  end
  ids[i] = id
end
return ids
