"""A local signing key for `make dev`, kept under .data/dev so tokens survive restarts.

The accounts subgraph signs access tokens with it and every subgraph verifies them with the
JWKS written beside it; `make dev` also prints ready-made demo tokens. Never used outside dev.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import jwt
import orjson
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from subgraphs.accounts.domain.access import scopes_for

KID = "dev-1"


def _load_or_create(key_path: Path) -> ec.EllipticCurvePrivateKey:
    if key_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return key
    key = ec.generate_private_key(ec.SECP256R1())
    key_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_path.chmod(0o600)
    return key


def signing_key_path(directory: Path) -> Path:
    return directory / "signing-key.pem"


def ensure_jwks(directory: Path) -> tuple[Path, ec.EllipticCurvePrivateKey]:
    key = _load_or_create(signing_key_path(directory))
    public = orjson.loads(ECAlgorithm.to_jwk(key.public_key()))
    jwks_path = directory / "jwks.json"
    jwks_path.write_bytes(orjson.dumps({"keys": [{**public, "kid": KID, "alg": "ES256", "use": "sig"}]}))
    return jwks_path, key


def demo_token(
    key: ec.EllipticCurvePrivateKey, user_id: uuid.UUID, roles: list[str], ttl_hours: int = 24
) -> str:
    now = int(time.time())
    claims = {
        "sub": str(user_id),
        "iss": "marketplace-accounts",
        "aud": "marketplace",
        "iat": now,
        "auth_time": now,  # as after a password sign-in: "sudo" operations work for 15 minutes
        "exp": now + ttl_hours * 3600,
        "roles": roles,
        "scope": scopes_for(frozenset(roles)),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, key, algorithm="ES256", headers={"kid": KID})
