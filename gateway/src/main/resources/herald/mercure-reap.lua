-- Claims a dead gateway's Mercure subscriptions, once: if the gateway is still in the registry and its last
-- renewal is not after the cutoff, removes it and its hash and returns the hash's values (the subscriptions'
-- JSON-LD), for the caller to publish their "gone" events. Atomic, so of several gateways reaping at once
-- exactly one gets them; a gateway that renewed since the caller listed it is left alone.
-- KEYS[1]  the registry of gateways (sorted set, scored by last renewal in ms)
-- KEYS[2]  the dead gateway's hash (same hash tag)
-- ARGV[1]  the dead gateway's name in KEYS[1]
-- ARGV[2]  the cutoff: renewed at or before it (ms) means dead
local renewed = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not renewed or tonumber(renewed) > tonumber(ARGV[2]) then
  return {}
end
redis.call('ZREM', KEYS[1], ARGV[1])
local subscriptions = redis.call('HVALS', KEYS[2])
redis.call('DEL', KEYS[2])
return subscriptions
