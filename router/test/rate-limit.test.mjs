// The leaky bucket on the real Redis of the test stack (router/rate-limit.ts).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { parsePolicy, RateLimiter } from '../rate-limit.ts';

const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL) throw new Error('REDIS_URL is not set: run the router tests through `make test`');
// Nothing listens here: every command fails at once.
const DEAD_REDIS = 'redis://127.0.0.1:9/0';

const limiters = [];
const PREFIX = `test-ratelimit:${randomUUID()}:`;
async function limiter(url = REDIS_URL, mode = 'local') {
  const made = new RateLimiter(url, mode, PREFIX);
  limiters.push(made);
  if (url === REDIS_URL) assert.equal(await made.ready(), true);
  return made;
}
after(() => limiters.forEach((l) => l.close()));

const caller = () => `user:${randomUUID()}`;

describe('leaky bucket in Redis', () => {
  test('admits until the bucket is full, then says how long to wait; drains at the restore rate', async () => {
    const rl = await limiter();
    const who = caller();
    const policy = { capacity: 100, restoreRate: 50 };
    assert.equal((await rl.spend(who, 60, policy)).allowed, true);
    const second = await rl.spend(who, 30, policy);
    assert.deepEqual([second.allowed, Math.floor(second.available)], [true, 10]);
    const refused = await rl.spend(who, 40, policy);
    assert.equal(refused.allowed, false);
    // 30 points over: 600 ms at 50 points/s (a little less once time has passed).
    assert.ok(refused.retryAfterMs > 400 && refused.retryAfterMs <= 600, `${refused.retryAfterMs}`);
    assert.equal(refused.degraded, undefined);
    await new Promise((r) => setTimeout(r, 650));
    assert.equal((await rl.spend(who, 40, policy)).allowed, true);
  });

  test('refunds give points back; a forced charge may overdraw', async () => {
    const rl = await limiter();
    const who = caller();
    const policy = { capacity: 100, restoreRate: 1 };
    await rl.spend(who, 90, policy);
    await rl.spend(who, -50, policy);
    assert.equal((await rl.spend(who, 55, policy)).allowed, true);
    const overdrawn = await rl.spend(who, 500, policy, true);
    assert.equal(overdrawn.allowed, true);
    assert.equal(overdrawn.available, 0);
    assert.equal((await rl.spend(who, 1, policy)).allowed, false);
  });

  test('atomic under concurrency and shared by every router process', async () => {
    const [one, two] = [await limiter(), await limiter()];
    const who = caller();
    const policy = { capacity: 500, restoreRate: 0.001 };
    const decisions = await Promise.all(Array.from({ length: 120 }, (_, i) => (i % 2 ? one : two).spend(who, 10, policy)));
    assert.equal(decisions.filter((d) => d.allowed).length, 50);
  });

  test('callers have separate buckets', async () => {
    const rl = await limiter();
    const policy = { capacity: 10, restoreRate: 1 };
    const [a, b] = [caller(), caller()];
    assert.equal((await rl.spend(a, 10, policy)).allowed, true);
    assert.equal((await rl.spend(a, 1, policy)).allowed, false);
    assert.equal((await rl.spend(b, 10, policy)).allowed, true);
  });
});

describe('when Redis cannot answer', () => {
  const policy = { capacity: 20, restoreRate: 1 };

  test('local (default): this process keeps limiting on its own, and says so', async () => {
    const rl = await limiter(DEAD_REDIS, 'local');
    const who = caller();
    const first = await rl.spend(who, 15, policy);
    assert.deepEqual([first.allowed, first.degraded], [true, 'local']);
    const refused = await rl.spend(who, 15, policy);
    assert.deepEqual([refused.allowed, refused.degraded], [false, 'local']);
  });

  test('open admits everything; closed refuses everything', async () => {
    const open = await (await limiter(DEAD_REDIS, 'open')).spend(caller(), 1_000, policy);
    assert.deepEqual([open.allowed, open.degraded], [true, 'open']);
    const closed = await (await limiter(DEAD_REDIS, 'closed')).spend(caller(), 1, policy);
    assert.deepEqual([closed.allowed, closed.degraded], [false, 'closed']);
  });
});

test('bucket policies are "<capacity>/<restored per second>" and fail loudly otherwise', () => {
  assert.deepEqual(parsePolicy('X', '1000/50', { capacity: 1, restoreRate: 1 }), { capacity: 1000, restoreRate: 50 });
  assert.deepEqual(parsePolicy('X', '', { capacity: 1, restoreRate: 1 }), { capacity: 1, restoreRate: 1 });
  assert.throws(() => parsePolicy('X', '1000', { capacity: 1, restoreRate: 1 }), /capacity/);
  assert.throws(() => parsePolicy('X', '0/5', { capacity: 1, restoreRate: 1 }), /capacity/);
});
