// The JWKS key store (file or URL, kid rotation, rate-limited re-reads) and the cache of
// verified tokens, for the router's JWT verification (auth.ts).
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { JwtClaims } from './auth.ts';

const env = process.env;
const verbose = ['trace', 'debug', 'info'].includes((env.ROUTER_LOG_LEVEL ?? 'warn').toLowerCase());

// unknown kid: re-read the JWKS at most this often (JWT_JWKS_MIN_REFRESH_S, default 30; tests use 1)
const JWKS_MIN_REFRESH_MS = Number(env.JWT_JWKS_MIN_REFRESH_S || 30) * 1000;
if (!Number.isFinite(JWKS_MIN_REFRESH_MS) || JWKS_MIN_REFRESH_MS < 0) {
  throw new Error(`JWT_JWKS_MIN_REFRESH_S must be a number of seconds; got "${env.JWT_JWKS_MIN_REFRESH_S}"`);
}
const JWKS_MAX_AGE_MS = 10 * 60_000; // known keys: re-read in the background after this (drops removed keys)
const JWKS_RETRY_MS = 1_000; // after a failed load (JWKS not reachable yet at start-up)
const VERIFIED_TOKENS_MAX = 10_000; // verified-token cache entries (oldest dropped first)

export type JwksSource = { kind: 'file' | 'url'; location: string };

/** Public keys by kid, from a JWKS file or URL; re-read on an unknown kid (rate-limited). */
export class JwksKeyStore {
  private keys = new Map<string, KeyObject>();
  private loadedAt = Number.NEGATIVE_INFINITY;
  private nextLoadAllowed = 0;
  private loading: Promise<void> | undefined;

  constructor(readonly source: JwksSource) {}

  /** The key for `kid`, re-reading the JWKS first if it is unknown and the last read is 30 s old. */
  async get(kid: string): Promise<KeyObject | undefined> {
    const key = this.keys.get(kid);
    const now = Date.now();
    if (key) {
      if (now - this.loadedAt > JWKS_MAX_AGE_MS && now >= this.nextLoadAllowed) void this.refresh();
      return key;
    }
    if (now < this.nextLoadAllowed) return undefined;
    await this.refresh();
    return this.keys.get(kid);
  }

  has(kid: string): boolean {
    return this.keys.has(kid);
  }

  /** One load at a time; a failed load keeps the previous keys. */
  refresh(): Promise<void> {
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<void> {
    try {
      const keys = parseJwks(await this.read());
      this.keys = keys;
      this.loadedAt = Date.now();
      this.nextLoadAllowed = this.loadedAt + JWKS_MIN_REFRESH_MS;
      if (verbose) console.info(`[router] JWKS loaded from ${this.source.location}: kids ${[...keys.keys()].join(', ') || '(none)'}`);
    } catch (err) {
      this.nextLoadAllowed = Date.now() + JWKS_RETRY_MS;
      console.error(`[router] could not load the JWKS from ${this.source.location}: ${(err as Error).message}`);
    }
  }

  private async read(): Promise<unknown> {
    if (this.source.kind === 'file') return JSON.parse(await readFile(this.source.location, 'utf8'));
    const res = await fetch(this.source.location, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return res.json();
  }
}

/**
 * Tokens that passed verification, with their claims, until their own `exp` (no clock
 * tolerance here: past `exp` a token goes through the full check again). A key removed from
 * the JWKS keeps its cached tokens valid until they expire, as in the subgraphs; revocation is
 * the subgraphs' job (they still get every token).
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, JwtClaims>();

  get(token: string): JwtClaims | undefined {
    const claims = this.entries.get(token);
    if (claims && claims.exp * 1000 <= Date.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return claims;
  }

  add(token: string, claims: JwtClaims): void {
    if (this.entries.has(token) || claims.exp * 1000 <= Date.now()) return;
    if (this.entries.size >= VERIFIED_TOKENS_MAX) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, claims);
  }
}

/** Signature keys of a JWKS as public KeyObjects (private and symmetric material is dropped). */
function parseJwks(jwks: any): Map<string, KeyObject> {
  if (!jwks || !Array.isArray(jwks.keys)) throw new Error('not a JWKS (no "keys" array)');
  const keys = new Map<string, KeyObject>();
  for (const jwk of jwks.keys) {
    if (typeof jwk?.kid !== 'string' || (jwk.use != null && jwk.use !== 'sig')) continue;
    if (jwk.kty !== 'EC' && jwk.kty !== 'RSA') continue;
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
    try {
      keys.set(jwk.kid, createPublicKey({ key: publicJwk, format: 'jwk' }));
    } catch (err) {
      console.warn(`[router] JWKS key "${jwk.kid}" skipped: ${(err as Error).message}`);
    }
  }
  return keys;
}
