"""Signs access tokens (ES256, `kid` in the header) and publishes the public keys (JWKS)."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import jwt
import orjson
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from subgraphs.accounts.domain.access import scopes_for
from subgraphs.accounts.domain.model import ACCESS_TOKEN_TTL, User
from subgraphs.platform.kernel.ids import created_at


class EcSigner:
    def __init__(self, key: ec.EllipticCurvePrivateKey, kid: str, issuer: str, audience: str) -> None:
        self._key = key
        self.kid = kid
        self._issuer = issuer
        self._audience = audience

    @classmethod
    def from_pem_file(cls, path: Path, kid: str, issuer: str, audience: str) -> EcSigner:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError(f"{path} is not an EC private key")
        return cls(key, kid, issuer, audience)

    def jwks(self) -> dict[str, Any]:
        public: dict[str, Any] = orjson.loads(ECAlgorithm.to_jwk(self._key.public_key()))
        return {"keys": [{**public, "kid": self.kid, "alg": "ES256", "use": "sig"}]}

    def access_token(
        self, user: User, device_id: uuid.UUID, session_id: uuid.UUID, now: datetime
    ) -> tuple[str, str]:
        jti = uuid.uuid4().hex
        iat = int(now.timestamp())
        claims = {
            "sub": str(user.id),
            "iss": self._issuer,
            "aud": self._audience,
            "iat": iat,
            "exp": iat + int(ACCESS_TOKEN_TTL.total_seconds()),
            "jti": jti,
            "roles": sorted(user.roles),
            "scope": scopes_for(user.roles),
            "did": str(device_id),
            "sid": str(session_id),
            # The session started at the password sign-in; refreshes keep that time.
            "auth_time": int(created_at(session_id).timestamp()),
        }
        return jwt.encode(claims, self._key, algorithm="ES256", headers={"kid": self.kid}), jti
