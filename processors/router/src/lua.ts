/**
 * The router's Redis scripts. Each runs atomically, which is what makes a decision's commit
 * all-or-nothing (the matter, the units it claims or frees, its deadlines and its outbox) and a
 * deadline's claim exclusive across instances. Keys are built inside the scripts from the prefix in
 * ARGV[1] (the client's key prefix plus `{rt}:`), so this targets one Redis or, on Redis Cluster,
 * one hash slot (the `{rt}` tag); KEYS[1] (`{rt}:jobs`) is declared only so that a cluster client
 * sends each script to that slot's master.
 *
 * Keys under the prefix:
 *   m:<matter>   hash {v, j}: the matter's version and JSON        ob:<matter>  hash decision → outbox
 *   oi:<order>   string: the matter an order belongs to            jobs         zset: `d|<order>`, `q|<matter>` by due ms
 *   us:<unit>    hash {kind, st, s, o, at}: state                  up:<unit>    hash {lon, lat, t}: last position
 *   geo          geo set of the available patrol units             seen         zset: unit → last report ms (0: never)
 *   stats:<metric>:<priority>  zset of response-time samples
 *
 * A unit is in `geo` exactly when its state is `available` and it is a patrol unit, and every
 * script that changes a unit's state keeps it so: a unit found in `geo` is available with no order.
 */

/**
 * Commits one decision. ARGV[2]: JSON {id, m, mv, ttl, now, iso, ops: [[op, unit, order, status?]],
 * oi: [[order, matter]], ds: [[order, ms]], dc: [order], q?: ms|'clear'}; ARGV[3]: the matter's
 * JSON; ARGV[4]: the outbox entry's JSON ('' for none). All numbers are strings.
 *
 * The matter must still be at version `mv`; each claim must find its unit able to take an order
 * (a patrol unit available with none, an officer or desk not off duty or busy). Otherwise nothing is
 * written and {0, what} is returned. On success: {1, the units.status records of the units whose
 * status changed (JSON)…}; they are also kept in the outbox (`<id>#st`) until published.
 */
export const COMMIT = `
local P = ARGV[1]
local d = cjson.decode(ARGV[2])
local mk = P .. 'm:' .. d.m
if (redis.call('HGET', mk, 'v') or '0') ~= d.mv then return {0, 'matter ' .. d.m} end
local patrol = {patrol_car = true, motorcycle = true, foot = true}
local working = {dispatched = true, en_route = true, on_scene = true}
local units = {}
local function unit(id)
  local u = units[id]
  if u then return u end
  local h = redis.call('HMGET', P .. 'us:' .. id, 's', 'o', 'kind')
  if not h[3] then return nil end
  u = {id = id, s = h[1], s0 = h[1], o = cjson.decode(h[2] or '[]'), kind = h[3], touched = false}
  units[id] = u
  return u
end
local function find(list, x)
  for i, v in ipairs(list) do if v == x then return i end end
  return nil
end
-- Check and apply every operation in memory first: nothing is written unless all hold.
local changes = {}
for _, op in ipairs(d.ops) do
  local kind, id, order = op[1], op[2], op[3]
  local u = unit(id)
  if kind == 'claim' then
    if not u then return {0, 'unit ' .. id .. ' unknown'} end
    if patrol[u.kind] then
      if u.s ~= 'available' or #u.o > 0 then return {0, 'unit ' .. id .. ' taken'} end
    elseif u.s == 'off_duty' or u.s == 'busy' then
      return {0, 'unit ' .. id .. ' ' .. u.s}
    end
    u.o[#u.o + 1] = order
    if u.s == 'available' then u.s = 'dispatched' end
  elseif u and kind == 'release' then
    local i = find(u.o, order)
    if i then
      table.remove(u.o, i)
      if #u.o == 0 and working[u.s] then u.s = 'available' end
    end
  elseif u and kind == 'progress' then
    if find(u.o, order) and u.s ~= 'off_duty' and u.s ~= 'busy' then u.s = op[4] end
  end
  if u then
    u.touched = true
    if u.s ~= (u.last or u.s0) then
      changes[#changes + 1] = {u, order, u.s}
      u.last = u.s
    end
  end
end
redis.call('HSET', mk, 'v', tostring(tonumber(d.mv) + 1), 'j', ARGV[3])
redis.call('PEXPIRE', mk, d.ttl)
for id, u in pairs(units) do
  if u.touched then
    local k = P .. 'us:' .. id
    redis.call('HSET', k, 's', u.s, 'o', #u.o == 0 and '[]' or cjson.encode(u.o), 'at', d.now)
    if u.s == 'available' and patrol[u.kind] then
      local pos = redis.call('HMGET', P .. 'up:' .. id, 'lon', 'lat')
      if pos[1] and pos[2] then redis.call('GEOADD', P .. 'geo', pos[1], pos[2], id) end
    else
      redis.call('ZREM', P .. 'geo', id)
    end
  end
end
local out = {1}
for _, c in ipairs(changes) do
  local u, order, status = c[1], c[2], c[3]
  local eid = 'st-' .. u.id .. '-' .. order .. '-' .. status
  if #eid > 128 then eid = string.sub(eid, 1, 107) .. '~' .. string.sub(redis.sha1hex(eid), 1, 20) end
  local r = {version = 1, eventId = eid, occurredAt = d.iso, source = 'router', unitId = u.id, status = status, unitKind = u.kind}
  if status ~= 'available' then r.orderId = order end
  out[#out + 1] = cjson.encode(r)
end
for _, x in ipairs(d.oi) do redis.call('SET', P .. 'oi:' .. x[1], x[2], 'PX', d.ttl) end
for _, x in ipairs(d.ds) do redis.call('ZADD', P .. 'jobs', x[2], 'd|' .. x[1]) end
for _, x in ipairs(d.dc) do redis.call('ZREM', P .. 'jobs', 'd|' .. x) end
if d.q == 'clear' then
  redis.call('ZREM', P .. 'jobs', 'q|' .. d.m)
elseif d.q then
  redis.call('ZADD', P .. 'jobs', d.q, 'q|' .. d.m)
end
if ARGV[4] ~= '' then
  local ob = P .. 'ob:' .. d.m
  redis.call('HSET', ob, d.id, ARGV[4])
  if #out > 1 then redis.call('HSET', ob, d.id .. '#st', '[' .. table.concat(out, ',', 2) .. ']') end
  redis.call('PEXPIRE', ob, d.ttl)
end
return out
`;

/**
 * {@link COMMIT} for several decisions in one call (one command for the client to make and read
 * instead of one per decision): ARGV[2…] are (header, matter, outbox) triples, each committed, in
 * order, exactly as COMMIT commits one; returns COMMIT's reply for each.
 */
export const COMMIT_MANY = `
local function commit(P, arg2, arg3, arg4)
${COMMIT.replace('\nlocal P = ARGV[1]\n', '\n')
  .replaceAll('ARGV[2]', 'arg2')
  .replaceAll('ARGV[3]', 'arg3')
  .replaceAll('ARGV[4]', 'arg4')}
end
local out = {}
for i = 2, #ARGV, 3 do out[#out + 1] = commit(ARGV[1], ARGV[i], ARGV[i + 1], ARGV[i + 2]) end
return out
`;

/**
 * Reads matters with their outboxes, in one call for a batch (read-only). ARGV[2…]: matter keys.
 * Returns, per key, {version or nil, JSON or nil, {decision, entry, …} of its outbox}.
 */
export const LOAD_MATTERS = `
local P = ARGV[1]
local out = {}
for i = 2, #ARGV do
  local h = redis.call('HMGET', P .. 'm:' .. ARGV[i], 'v', 'j')
  out[#out + 1] = h[1]
  out[#out + 1] = h[2]
  out[#out + 1] = redis.call('HGETALL', P .. 'ob:' .. ARGV[i])
end
return out
`;

/**
 * Reads units' states and last positions, in one call for a batch (read-only). ARGV[2…]: unit ids.
 * Returns, per unit, {s, o, kind, st, lon, lat, t}, each nil when not set.
 */
export const LOAD_UNITS = `
local P = ARGV[1]
local out = {}
for i = 2, #ARGV do
  local s = redis.call('HMGET', P .. 'us:' .. ARGV[i], 's', 'o', 'kind', 'st')
  local p = redis.call('HMGET', P .. 'up:' .. ARGV[i], 'lon', 'lat', 't')
  for j = 1, 4 do out[#out + 1] = s[j] end
  for j = 1, 3 do out[#out + 1] = p[j] end
end
return out
`;

/**
 * After a publish, in one call: drops the published outbox entries and keeps the response-time
 * samples of the summary window. ARGV[2]: n; then n pairs (matter key, decision id); then the
 * window's start (ms, older samples are dropped) and the samples keys' expiry (ms); then triples
 * (`<metric>:<priority>`, score ms, member).
 */
export const AFTER_PUBLISH = `
local P = ARGV[1]
local i = 3
for _ = 1, tonumber(ARGV[2]) do
  redis.call('HDEL', P .. 'ob:' .. ARGV[i], ARGV[i + 1], ARGV[i + 1] .. '#st')
  i = i + 2
end
local since, ttl = ARGV[i], ARGV[i + 1]
i = i + 2
local keys = {}
while i + 2 <= #ARGV do
  local k = P .. 'stats:' .. ARGV[i]
  redis.call('ZADD', k, ARGV[i + 1], ARGV[i + 2])
  keys[k] = true
  i = i + 3
end
for k in pairs(keys) do
  redis.call('ZREMRANGEBYSCORE', k, '-inf', since)
  redis.call('PEXPIRE', k, ttl)
end
return 1
`;

/**
 * Available patrol units around a place, nearest by air first (the pool that is then ranked by
 * drive time), leaving out those whose last report is older than `fresh since` (and, unless
 * `unseen` is 1, those that never reported). The search looks within `near` metres first and
 * within `radius` only when that finds fewer than `enough` units, so a city's far side is not
 * sorted for every incident. ARGV: prefix, lon, lat, near m, radius m, count, enough, fresh since
 * ms, unseen. Returns {id, lon, lat, last report ms, …}.
 */
export const POOL = `
local P = ARGV[1]
local function search(radius)
  return redis.call('GEOSEARCH', P .. 'geo', 'FROMLONLAT', ARGV[2], ARGV[3], 'BYRADIUS', radius, 'm', 'ASC', 'COUNT', ARGV[6], 'WITHCOORD')
end
local found = search(ARGV[4])
if #found < tonumber(ARGV[7]) and tonumber(ARGV[5]) > tonumber(ARGV[4]) then found = search(ARGV[5]) end
if #found == 0 then return {} end
local ids = {}
for i, e in ipairs(found) do ids[i] = e[1] end
local seen = redis.call('ZMSCORE', P .. 'seen', unpack(ids))
local since, unseen = tonumber(ARGV[8]), ARGV[9] == '1'
local out = {}
for i, e in ipairs(found) do
  local t = tonumber(seen[i] or '0')
  if (t == 0 and unseen) or (t > 0 and t >= since) then
    out[#out + 1] = e[1]
    out[#out + 1] = e[2][1]
    out[#out + 1] = e[2][2]
    out[#out + 1] = tostring(t)
  end
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
      redis.call('ZADD', P .. 'seen', t, id)
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
local cur = redis.call('HMGET', k, 's', 'o', 'kind')
if not cur[3] then return {} end
local orders = cjson.decode(cur[2] or '[]')
local new = ARGV[3]
if new == 'available' and #orders > 0 then new = 'dispatched' end
if new ~= cur[1] then
  redis.call('HSET', k, 's', new, 'at', ARGV[4])
  local kind = cur[3]
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
    redis.call('HSET', sk, 'kind', ARGV[i + 1], 'st', ARGV[i + 2], 's', 'available', 'o', '[]', 'at', '0')
    local pk = P .. 'up:' .. id
    if redis.call('EXISTS', pk) == 0 then
      redis.call('HSET', pk, 'lon', ARGV[i + 3], 'lat', ARGV[i + 4], 't', '0')
      redis.call('ZADD', P .. 'seen', 0, id)
    end
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
