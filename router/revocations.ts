// The access-token revocation list in Redis, as the subgraphs read it
// (subgraphs/platform/auth/revocations.py: keep the two in step). The router only needs it where it
// answers a signed-in request without asking a subgraph (the public-result cache).
import type Redis from 'ioredis';
import type { JwtClaims } from './auth.ts';

// How long a "not revoked" answer is reused; revocations must be seen within a second.
const CLEAN_ANSWER_MS = 500;
const EPOCH_KEY = 'revoked:epoch';
const MAX_CLEAN_ANSWERS = 50_000;

export class RevocationList {
  private readonly cleanUntil = new Map<string, number>();

  constructor(private readonly redis: Redis) {}

  /** True when revoked, or when Redis cannot say (the caller then asks a subgraph instead). */
  async isRevoked(claims: JwtClaims): Promise<boolean> {
    const key = `${claims.jti ?? ''}|${claims.did ?? ''}|${claims.sub}`;
    const now = Date.now();
    if ((this.cleanUntil.get(key) ?? 0) > now) return false;
    let markers: (string | null)[];
    try {
      markers = await this.redis.mget(
        `revoked:jti:${claims.jti}`,
        `revoked:device:${claims.did}`,
        `revoked:user:${claims.sub}`,
        EPOCH_KEY,
      );
    } catch {
      return true;
    }
    const [token, device, user, epoch] = markers;
    // No epoch: Valkey lost the markers and accounts has not rebuilt them yet; "no marker"
    // proves nothing, so a subgraph answers (SERVICE_UNAVAILABLE until they are back).
    if (epoch === null) return true;
    const killedBy = (marker: string | null) => marker !== null && claims.iat <= Number(marker);
    const revoked = (token !== null && Boolean(claims.jti)) || (Boolean(claims.did) && killedBy(device)) || killedBy(user);
    if (!revoked) {
      if (this.cleanUntil.size >= MAX_CLEAN_ANSWERS) this.cleanUntil.clear();
      this.cleanUntil.set(key, now + CLEAN_ANSWER_MS);
    }
    return revoked;
  }
}
