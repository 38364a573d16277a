"""JWT verification without services: key rotation by `kid`, and what is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from subgraphs.accounts.entrypoints.dev_signer import TestSigner
from subgraphs.platform.auth.jwt import JwtVerifier, bearer_token
from subgraphs.platform.kernel.errors import Unauthenticated
from subgraphs.platform.settings import Settings


def verifier_for(jwks: Path) -> JwtVerifier:
    return JwtVerifier(Settings.from_env("test", env={"JWT_JWKS_FILE": str(jwks)}))


async def test_a_valid_token_gives_the_callers_identity(tmp_path: Path) -> None:
    signer = TestSigner()
    verifier = verifier_for(signer.write_jwks(tmp_path / "jwks.json"))
    await verifier.load()
    principal = await verifier.verify(signer.token(roles=["seller"], scope="catalog:write", did="device-1"))
    assert principal.is_seller
    assert principal.has_scope("catalog:write")
    assert principal.device_id == "device-1"


async def test_a_new_kid_is_picked_up_by_reloading_the_key_set(tmp_path: Path) -> None:
    old, new = TestSigner(), TestSigner()
    jwks = old.write_jwks(tmp_path / "jwks.json")
    verifier = verifier_for(jwks)
    await verifier.load()
    new.write_jwks(jwks, old)  # the issuer rotates: both keys published
    with pytest.raises(Unauthenticated):
        await verifier.verify(new.token())  # refreshed at most every 30 s
    verifier._loaded_at -= 60
    assert (await verifier.verify(new.token())).user_id
    assert (await verifier.verify(old.token())).user_id


async def test_a_retired_key_stops_working_after_reload(tmp_path: Path) -> None:
    old, new = TestSigner(), TestSigner()
    jwks = old.write_jwks(tmp_path / "jwks.json")
    verifier = verifier_for(jwks)
    await verifier.load()
    new.write_jwks(jwks)
    await verifier.load()
    with pytest.raises(Unauthenticated):
        await verifier.verify(old.token())


@pytest.mark.parametrize("header", ["Basic x", "Bearer ", "token"])
def test_only_bearer_authorization_is_accepted(header: str) -> None:
    with pytest.raises(Unauthenticated):
        bearer_token(header)


def test_no_header_means_anonymous() -> None:
    assert bearer_token(None) is None
