// ES256 keys, a JWKS file and signed tokens for the router's JWT tests (node:crypto only).
import { createHmac, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';

const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A P-256 key pair with its kid; `jwk` is the public key as a JWKS entry. */
export function makeSigningKey(kid) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { kid, privateKey, publicKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' } };
}

/** Write `{ keys: [...] }` in place (the router re-reads the same path). */
export function writeJwks(path, keys) {
  writeFileSync(path, JSON.stringify({ keys: keys.map((k) => k.jwk) }, null, 2));
}

/** Claims as the accounts subgraph issues them; `overrides` replace or (undefined) remove. */
export function claims(overrides = {}) {
  const now = Math.floor(Date.now() / 1000);
  const base = {
    sub: randomUUID(),
    iss: 'marketplace-accounts',
    aud: 'marketplace',
    iat: now,
    auth_time: now,
    exp: now + 900,
    jti: randomUUID(),
    roles: ['buyer'],
    scope: '',
    did: randomUUID(),
    sid: randomUUID(),
  };
  const out = { ...base, ...overrides };
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return out;
}

/** ES256 JWS (raw r||s signature, as JOSE wants). */
export function signES256(key, payload, header = {}) {
  const input = `${b64url({ alg: 'ES256', typ: 'JWT', kid: key.kid, ...header })}.${b64url(payload)}`;
  const signature = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

/** `alg: none`: no signature at all. */
export function unsignedToken(kid, payload) {
  return `${b64url({ alg: 'none', typ: 'JWT', kid })}.${b64url(payload)}.`;
}

/** HS256 keyed with the public key's PEM (the classic algorithm-confusion attack). */
export function hs256WithPublicKey(key, payload) {
  const input = `${b64url({ alg: 'HS256', typ: 'JWT', kid: key.kid })}.${b64url(payload)}`;
  const secret = key.publicKey.export({ format: 'pem', type: 'spki' });
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

export const bearer = (token) => ({ authorization: `Bearer ${token}` });
