// Per-client rate limits: a leaky bucket per caller that operations fill with their cost.
//
// A bucket holds up to `capacity` points and drains at `restoreRate` points per second (the
// Shopify model: `maximumAvailable`, `currentlyAvailable`, `restoreRate`). An operation is
// admitted when its estimated cost still fits; it is charged that estimate, and the difference
// to its actual cost is refunded when the response is known. Signed-in callers get a bucket per
// token subject; everyone else one per client address (an IPv6 /64).
//
// The bucket lives in Redis and one Lua script reads, drains, checks and charges it, so it is
// atomic under any concurrency and shared by every router process; the script takes the time
// from the Redis server, so router clocks do not matter.
//
// When Redis cannot answer (down, slow: commands time out after 50 ms), ROUTER_RATE_LIMIT_ON_REDIS_ERROR
// decides: `local` (default) keeps limiting with an in-process bucket per caller (each router
// process then admits up to the limit on its own: looser, never unlimited); `open` admits every
// operation; `closed` refuses every operation with 503 RATE_LIMITER_UNAVAILABLE. The choice is
// reported in `extensions.cost.throttleStatus.degraded` while it applies.
import Redis from 'ioredis';

export type BucketPolicy = { capacity: number; restoreRate: number };
export type FailMode = 'local' | 'open' | 'closed';

export type Decision = {
  allowed: boolean;
  /** Points left after this operation (after the charge when allowed). */
  available: number;
  /** Milliseconds until the operation would fit (0 when allowed). */
  retryAfterMs: number;
  policy: BucketPolicy;
  /** Set when Redis could not be used: which fallback decided. */
  degraded?: FailMode;
};

// KEYS[1] bucket; ARGV: points (negative: a refund), capacity, restore rate per second, and
// "force" (1: charge even past the capacity, for an operation that cost more than estimated).
// Returns {allowed, available (string: it is fractional), retry after ms}.
const SPEND = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local points = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local rate = tonumber(ARGV[3]) / 1000
local state = redis.call('HMGET', KEYS[1], 'level', 'at')
local level = tonumber(state[1]) or 0
local at = tonumber(state[2]) or now
if now > at then level = math.max(0, level - (now - at) * rate) end
if points > 0 and ARGV[4] ~= '1' and level + points > capacity then
  return {0, tostring(capacity - level), math.ceil((level + points - capacity) / rate)}
end
level = math.max(0, level + points)
redis.call('HSET', KEYS[1], 'level', tostring(level), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(level / rate) + 1000)
return {1, tostring(math.max(0, capacity - level)), 0}
`;

/** The same bucket in this process, for when Redis is unavailable (bounded: oldest evicted). */
class LocalBuckets {
  private readonly buckets = new Map<string, { level: number; at: number }>();
  constructor(private readonly maxKeys = 100_000) {}

  spend(key: string, points: number, policy: BucketPolicy, force: boolean, now = Date.now()): Omit<Decision, 'policy'> {
    const rate = policy.restoreRate / 1000;
    const state = this.buckets.get(key) || { level: 0, at: now };
    let level = Math.max(0, state.level - Math.max(0, now - state.at) * rate);
    if (points > 0 && !force && level + points > policy.capacity) {
      return { allowed: false, available: policy.capacity - level, retryAfterMs: Math.ceil((level + points - policy.capacity) / rate) };
    }
    level = Math.max(0, level + points);
    this.buckets.delete(key);
    this.buckets.set(key, { level, at: now });
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    return { allowed: true, available: Math.max(0, policy.capacity - level), retryAfterMs: 0 };
  }
}

type SpendingRedis = Redis & {
  spend(key: string, points: number, capacity: number, rate: number, force: number): Promise<[number, string, number]>;
};

export class RateLimiter {
  private readonly redis: SpendingRedis;
  private readonly local = new LocalBuckets();

  constructor(
    redisUrl: string,
    private readonly failMode: FailMode,
    private readonly prefix = 'ratelimit:',
  ) {
    const redis = new Redis(redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 50,
      connectTimeout: 1000,
      // Keep trying to reconnect (every ≤ 1 s) while the fallback decides.
      retryStrategy: (attempt) => Math.min(1000, 50 * attempt),
    });
    redis.on('error', () => {}); // reported through the decisions' `degraded`
    redis.defineCommand('spend', { numberOfKeys: 1, lua: SPEND });
    this.redis = redis as SpendingRedis;
  }

  /**
   * Charge `points` to the caller's bucket (negative points refund), or refuse when they do not
   * fit; `force` charges past the capacity (settling an operation that cost more than estimated).
   */
  async spend(caller: string, points: number, policy: BucketPolicy, force = false): Promise<Decision> {
    try {
      const [allowed, available, retryAfterMs] = await this.redis.spend(
        this.prefix + caller,
        points,
        policy.capacity,
        policy.restoreRate,
        force ? 1 : 0,
      );
      return { allowed: allowed === 1, available: Math.max(0, Number(available)), retryAfterMs: Number(retryAfterMs), policy };
    } catch {
      if (this.failMode === 'open') return { allowed: true, available: policy.capacity, retryAfterMs: 0, policy, degraded: 'open' };
      if (this.failMode === 'closed') return { allowed: false, available: 0, retryAfterMs: 1000, policy, degraded: 'closed' };
      return { ...this.local.spend(caller, points, policy, force), policy, degraded: 'local' };
    }
  }

  /** Resolves once connected (commands sent before then take the fallback). */
  ready(timeoutMs = 2000): Promise<boolean> {
    if (this.redis.status === 'ready') return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.redis.once('ready', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  close(): void {
    this.redis.disconnect();
  }
}

/** "1000/50": a bucket of 1000 points restored at 50 points per second. */
export function parsePolicy(name: string, raw: string | undefined, fallback: BucketPolicy): BucketPolicy {
  if (raw == null || raw === '') return fallback;
  const match = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(raw);
  if (!match || Number(match[1]) < 1 || Number(match[2]) <= 0) {
    throw new Error(`${name} must be "<capacity>/<points restored per second>", e.g. "1000/50"; got "${raw}"`);
  }
  return { capacity: Number(match[1]), restoreRate: Number(match[2]) };
}
