"""JWT verification against a JWKS (URL or file) with `kid` rotation.

Only asymmetric algorithms are accepted, so `alg: none` and HMAC-with-public-key confusion
are rejected before the signature is even looked at. An unknown `kid` triggers one JWKS
refresh (rate-limited), which is how key rotation reaches running subgraphs.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path
from typing import Any, Protocol

import httpx
import jwt
import orjson
from jwt import PyJWKSet

from subgraphs.contracts.access import Principal
from subgraphs.platform.kernel.errors import Unauthenticated
from subgraphs.platform.settings import Settings

ALLOWED_ALGORITHMS = ("ES256", "RS256", "EdDSA")
_REFRESH_MIN_INTERVAL_S = 30.0
VERIFIED_CACHE_SIZE = 10_000


class RevocationCheck(Protocol):
    async def is_revoked(self, principal: Principal) -> bool: ...


class JwtVerifier:
    def __init__(self, settings: Settings, revocations: RevocationCheck | None = None) -> None:
        self._settings = settings
        self._revocations = revocations
        self._verified: dict[str, tuple[Principal, float]] = {}
        self._keys: dict[str, Any] = {}
        self._loaded_at = 0.0

    @property
    def configured(self) -> bool:
        return bool(self._settings.jwt_jwks_url or self._settings.jwt_jwks_file)

    async def load(self) -> None:
        raw = await self._fetch_jwks()
        keyset = PyJWKSet.from_dict(raw)
        self._keys = {k.key_id: k for k in keyset.keys if k.key_id}
        self._loaded_at = time.monotonic()

    async def _fetch_jwks(self) -> dict[str, Any]:
        if self._settings.jwt_jwks_file:
            raw = await asyncio.to_thread(Path(self._settings.jwt_jwks_file).read_bytes)
            data: dict[str, Any] = orjson.loads(raw)
            return data
        async with httpx.AsyncClient(timeout=5.0) as client:
            response = await client.get(self._settings.jwt_jwks_url)
            response.raise_for_status()
            fetched: dict[str, Any] = response.json()
            return fetched

    async def _key_for(self, kid: str) -> Any:
        key = self._keys.get(kid)
        if key is None and time.monotonic() - self._loaded_at > _REFRESH_MIN_INTERVAL_S:
            await self.load()
            key = self._keys.get(kid)
        if key is None:
            raise Unauthenticated("Token signed with an unknown key.", reason="UNKNOWN_KID")
        return key

    async def verify(self, token: str) -> Principal:
        if not self.configured:
            raise Unauthenticated("Token verification is not configured.")
        cached = self._verified.get(token)
        if cached is not None and cached[1] > time.time():
            principal = cached[0]
        else:
            principal, expires = await self._verify_signature(token)
            self._remember(token, principal, expires)
        # Revocation is checked on every request, cached or not.
        if self._revocations is not None and await self._revocations.is_revoked(principal):
            raise Unauthenticated("Token has been revoked.", reason="REVOKED")
        return principal

    def _remember(self, token: str, principal: Principal, expires: float) -> None:
        # A client reuses its access token for minutes: verify the ES256 signature once.
        if len(self._verified) >= VERIFIED_CACHE_SIZE:
            self._verified.pop(next(iter(self._verified)))
        self._verified[token] = (principal, expires)

    async def _verify_signature(self, token: str) -> tuple[Principal, float]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Unauthenticated("Malformed token.", reason="MALFORMED") from exc
        alg = header.get("alg")
        kid = header.get("kid")
        if alg not in ALLOWED_ALGORITHMS or not isinstance(kid, str):
            raise Unauthenticated("Token algorithm or key id not accepted.", reason="BAD_HEADER")
        key = await self._key_for(kid)
        if key.algorithm_name != alg:
            raise Unauthenticated("Token algorithm does not match its key.", reason="BAD_HEADER")
        try:
            claims = jwt.decode(
                token,
                key=key,
                algorithms=[alg],
                audience=self._settings.jwt_audience,
                issuer=self._settings.jwt_issuer,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
                leeway=5,
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthenticated("Token has expired.", reason="EXPIRED") from exc
        except jwt.PyJWTError as exc:
            raise Unauthenticated("Invalid token.", reason="INVALID") from exc
        return principal_from_claims(claims), float(claims["exp"])


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    try:
        user_id = uuid.UUID(str(claims["sub"]))
    except ValueError as exc:
        raise Unauthenticated("Invalid token subject.", reason="INVALID") from exc
    roles = claims.get("roles") or []
    scope = claims.get("scope") or ""
    if not isinstance(roles, list) or not isinstance(scope, str):
        raise Unauthenticated("Invalid token claims.", reason="INVALID")
    return Principal(
        user_id=user_id,
        roles=frozenset(str(r) for r in roles),
        scopes=frozenset(scope.split()),
        device_id=claims.get("did"),
        token_id=claims.get("jti"),
        session_id=claims.get("sid"),
        issued_at=int(claims.get("iat", 0)),
        authenticated_at=auth_time if isinstance(auth_time := claims.get("auth_time"), int) else 0,
    )


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Unauthenticated("Authorization header must be 'Bearer <token>'.", reason="MALFORMED")
    return value.strip()
