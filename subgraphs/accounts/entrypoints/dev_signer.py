"""Tokens minted outside accounts, the way accounts mints them (tests, bench, dev): a throw-away key.

Accounts mints real tokens; until a test needs that, it signs its own with a throw-away
ES256 key whose JWKS is written to a file the subgraph is pointed at.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import jwt
import orjson
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from subgraphs.accounts.domain.access import scopes_for
from subgraphs.platform.kernel.ids import new_id


class TestSigner:
    __test__ = False  # not a pytest test class

    def __init__(
        self, issuer: str = "marketplace-accounts", audience: str = "marketplace", kid: str | None = None
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self.kid = kid or f"test-{uuid.uuid4().hex[:8]}"
        self.key = ec.generate_private_key(ec.SECP256R1())

    def jwk(self) -> dict[str, object]:
        public: dict[str, object] = orjson.loads(ECAlgorithm.to_jwk(self.key.public_key()))
        return {**public, "kid": self.kid, "alg": "ES256", "use": "sig"}

    def write_private_pem(self, path: Path) -> Path:
        """The signing key as accounts loads it (so accounts-issued tokens verify everywhere)."""
        path.write_bytes(
            self.key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        return path

    def write_jwks(self, path: Path, *extra: TestSigner) -> Path:
        path.write_bytes(orjson.dumps({"keys": [self.jwk(), *(s.jwk() for s in extra)]}))
        return path

    def token(
        self,
        user_id: uuid.UUID | None = None,
        roles: list[str] | None = None,
        scope: str | None = None,
        ttl: int = 300,
        **overrides: Any,
    ) -> str:
        now = int(time.time())
        claims: dict[str, object] = {
            "sub": str(user_id or new_id()),
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now,
            "auth_time": now,
            "exp": now + ttl,
            "jti": uuid.uuid4().hex,
            "roles": roles or ["buyer"],
            # As accounts mints them: scopes follow roles unless a test says otherwise.
            "scope": scopes_for(frozenset(roles or ["buyer"])) if scope is None else scope,
            **overrides,
        }
        return jwt.encode(claims, self.key, algorithm="ES256", headers={"kid": self.kid})
