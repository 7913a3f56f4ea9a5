/**
 * The router's Redis scripts. Each runs atomically, which is what makes a decision's commit
 * all-or-nothing (the matter, the units it claims or frees, its deadlines and its outbox) and a
 * deadline's claim exclusive across instances. Keys are built inside the scripts from the prefix in
 * ARGV[1] (the client's key prefix plus `rt:`), so this targets one Redis (or one hash slot).
 *
 * Keys under the prefix:
 *   m:<matter>   hash {v, j}: the matter's version and JSON        ob:<matter>  hash decision → outbox
 *   oi:<order>   string: the matter an order belongs to            jobs         zset: `d|<order>`, `q|<matter>` by due ms
 *   us:<unit>    hash {v, kind, st, s, o, at}: state (versioned)   up:<unit>    hash {lon, lat, t}: last position
 *   geo          geo set of available patrol units                 stats:<metric>:<priority>  zset of samples
 */

/**
 * ARGV[2]: JSON {id, m, mv, mj, ttl, now, u: [{id, v, s, o}], oi: [[order, matter]], ds: [[order, ms]],
 * dc: [order], q?: ms|'clear', ob?}. All numbers are strings. Returns {1} or {0, what conflicted}.
 */
export const COMMIT = `
local P = ARGV[1]
local d = cjson.decode(ARGV[2])
local mk = P .. 'm:' .. d.m
if (redis.call('HGET', mk, 'v') or '0') ~= d.mv then return {0, 'matter ' .. d.m} end
for _, u in ipairs(d.u) do
  if (redis.call('HGET', P .. 'us:' .. u.id, 'v') or '0') ~= u.v then return {0, 'unit ' .. u.id} end
end
redis.call('HSET', mk, 'v', tostring(tonumber(d.mv) + 1), 'j', d.mj)
redis.call('PEXPIRE', mk, d.ttl)
for _, u in ipairs(d.u) do
  local k = P .. 'us:' .. u.id
  redis.call('HSET', k, 'v', tostring(tonumber(u.v) + 1), 's', u.s, 'o', u.o, 'at', d.now)
  local kind = redis.call('HGET', k, 'kind')
  if u.s == 'available' and (kind == 'patrol_car' or kind == 'motorcycle' or kind == 'foot') then
    local pos = redis.call('HMGET', P .. 'up:' .. u.id, 'lon', 'lat')
    if pos[1] and pos[2] then redis.call('GEOADD', P .. 'geo', pos[1], pos[2], u.id) end
  else
    redis.call('ZREM', P .. 'geo', u.id)
  end
end
for _, x in ipairs(d.oi) do redis.call('SET', P .. 'oi:' .. x[1], x[2], 'PX', d.ttl) end
for _, x in ipairs(d.ds) do redis.call('ZADD', P .. 'jobs', x[2], 'd|' .. x[1]) end
for _, x in ipairs(d.dc) do redis.call('ZREM', P .. 'jobs', 'd|' .. x) end
if d.q == 'clear' then
  redis.call('ZREM', P .. 'jobs', 'q|' .. d.m)
elseif d.q then
  redis.call('ZADD', P .. 'jobs', d.q, 'q|' .. d.m)
end
if d.ob then
  redis.call('HSET', P .. 'ob:' .. d.m, d.id, d.ob)
  redis.call('PEXPIRE', P .. 'ob:' .. d.m, d.ttl)
end
return {1, ''}
`;

/**
 * Available patrol units around a place, nearest by air first (the pool that is then ranked by
 * drive time). ARGV: prefix, lon, lat, radius m, count. Returns per unit
 * {id, lon, lat, seenAt, v, status, orders, kind, station}.
 */
export const POOL = `
local P = ARGV[1]
local found = redis.call('GEOSEARCH', P .. 'geo', 'FROMLONLAT', ARGV[2], ARGV[3], 'BYRADIUS', ARGV[4], 'm', 'ASC', 'COUNT', ARGV[5], 'WITHCOORD')
local out = {}
for _, e in ipairs(found) do
  local id = e[1]
  local s = redis.call('HMGET', P .. 'us:' .. id, 'v', 's', 'o', 'kind', 'st')
  local t = redis.call('HGET', P .. 'up:' .. id, 't') or '0'
  out[#out + 1] = {id, e[2][1], e[2][2], t, s[1] or '0', s[2] or '', s[3] or '[]', s[4] or '', s[5] or ''}
end
return out
`;

/**
 * Last positions of units. ARGV: prefix, then (id, lon, lat, ms) per unit. A position older than
 * the one kept is ignored; units not on the roster are skipped. Returns how many were unknown.
 */
export const POSITIONS = `
local P = ARGV[1]
local unknown = 0
for i = 2, #ARGV, 4 do
  local id, lon, lat, t = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local sk = P .. 'us:' .. id
  local s = redis.call('HMGET', sk, 's', 'kind')
  if not s[2] then
    unknown = unknown + 1
  else
    local pk = P .. 'up:' .. id
    if tonumber(t) >= tonumber(redis.call('HGET', pk, 't') or '0') then
      redis.call('HSET', pk, 'lon', lon, 'lat', lat, 't', t)
      if s[1] == 'available' and (s[2] == 'patrol_car' or s[2] == 'motorcycle' or s[2] == 'foot') then
        redis.call('GEOADD', P .. 'geo', lon, lat, id)
      end
    end
  end
end
return unknown
`;

/**
 * A person sets a unit's status (available, busy, off duty). ARGV: prefix, unit, status, now ms.
 * A unit that still holds orders stays dispatched when it says available; when it goes off duty
 * or busy, the deadlines of its unaccepted orders come due now, so they escalate at once.
 * Returns {status now, orders JSON}, or {} for a unit not on the roster.
 */
export const PERSON_STATUS = `
local P = ARGV[1]
local k = P .. 'us:' .. ARGV[2]
local cur = redis.call('HMGET', k, 's', 'o', 'v', 'kind')
if not cur[4] then return {} end
local orders = cjson.decode(cur[2] or '[]')
local new = ARGV[3]
if new == 'available' and #orders > 0 then new = 'dispatched' end
if new ~= cur[1] then
  redis.call('HSET', k, 's', new, 'v', tostring(tonumber(cur[3] or '0') + 1), 'at', ARGV[4])
  local kind = cur[4]
  if new == 'available' and (kind == 'patrol_car' or kind == 'motorcycle' or kind == 'foot') then
    local pos = redis.call('HMGET', P .. 'up:' .. ARGV[2], 'lon', 'lat')
    if pos[1] and pos[2] then redis.call('GEOADD', P .. 'geo', pos[1], pos[2], ARGV[2]) end
  else
    redis.call('ZREM', P .. 'geo', ARGV[2])
  end
end
if new == 'off_duty' or new == 'busy' then
  for _, o in ipairs(orders) do redis.call('ZADD', P .. 'jobs', 'XX', ARGV[4], 'd|' .. o) end
end
return {new, cur[2] or '[]'}
`;

/**
 * Puts the roster's units in Redis when they are not there yet (available, at their home position
 * as never seen). ARGV: prefix, then (id, kind, station, lon, lat) per unit. Returns how many were added.
 */
export const SEED_UNITS = `
local P = ARGV[1]
local added = 0
for i = 2, #ARGV, 5 do
  local id = ARGV[i]
  local sk = P .. 'us:' .. id
  if redis.call('EXISTS', sk) == 0 then
    redis.call('HSET', sk, 'v', '1', 'kind', ARGV[i + 1], 'st', ARGV[i + 2], 's', 'available', 'o', '[]', 'at', '0')
    local pk = P .. 'up:' .. id
    if redis.call('EXISTS', pk) == 0 then redis.call('HSET', pk, 'lon', ARGV[i + 3], 'lat', ARGV[i + 4], 't', '0') end
    local kind = ARGV[i + 1]
    if kind == 'patrol_car' or kind == 'motorcycle' or kind == 'foot' then
      local pos = redis.call('HMGET', pk, 'lon', 'lat')
      redis.call('GEOADD', P .. 'geo', pos[1], pos[2], id)
    end
    added = added + 1
  end
end
return added
`;

/**
 * Claims due jobs: each is moved `lease` ms into the future, so no other instance takes it while
 * this one works on it, and it comes back if this one dies. ARGV: prefix, now ms, lease ms, limit.
 * Returns {member, due ms, …}.
 */
export const CLAIM_JOBS = `
local P = ARGV[1]
local now = tonumber(ARGV[2])
local due = redis.call('ZRANGEBYSCORE', P .. 'jobs', '-inf', ARGV[2], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[4]))
local out = {}
for i = 1, #due, 2 do
  redis.call('ZADD', P .. 'jobs', now + tonumber(ARGV[3]), due[i])
  out[#out + 1] = due[i]
  out[#out + 1] = due[i + 1]
end
return out
`;

/**
 * Finishes a claimed job that changed nothing: back to `at` (or removed when `at` is empty),
 * unless something else rescheduled it meanwhile. ARGV: prefix, member, claimed score, at.
 */
export const FINISH_JOB = `
local P = ARGV[1]
local score = redis.call('ZSCORE', P .. 'jobs', ARGV[2])
if not score or tonumber(score) ~= tonumber(ARGV[3]) then return 0 end
if ARGV[4] == '' then redis.call('ZREM', P .. 'jobs', ARGV[2]) else redis.call('ZADD', P .. 'jobs', ARGV[4], ARGV[2]) end
return 1
`;
