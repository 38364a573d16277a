from __future__ import annotations

import pytest

from subgraphs.accounts.domain.access import scopes_for
from subgraphs.accounts.domain.errors import InvalidRefreshToken
from subgraphs.accounts.domain.model import RefreshToken, check_password_policy, normalize_email
from subgraphs.accounts.service_layer.identity import format_refresh_token, parse_refresh_token
from subgraphs.platform.kernel.clock import utcnow
from subgraphs.platform.kernel.errors import BadUserInput
from subgraphs.platform.kernel.ids import new_id


def test_emails_are_trimmed_and_lowercased() -> None:
    assert normalize_email("  Ada.Lovelace@Example.COM ") == "ada.lovelace@example.com"


@pytest.mark.parametrize("email", ["", "ada", "ada@", "@example.com", "ada@example", "a b@example.com"])
def test_malformed_emails_are_refused(email: str) -> None:
    with pytest.raises(BadUserInput):
        normalize_email(email)


@pytest.mark.parametrize("password", ["short", "aaaaaaaaaaaa", "password1234", "ada-loves-cats-ada"])
def test_guessable_passwords_are_refused(password: str) -> None:
    with pytest.raises(BadUserInput):
        check_password_policy(password, "ada@example.com")


def test_a_long_passphrase_is_fine() -> None:
    check_password_policy("correct horse battery staple", "ada@example.com")


def test_a_refresh_token_names_its_user_and_row_and_carries_a_secret() -> None:
    token = RefreshToken(new_id(), new_id(), new_id(), new_id(), "hash", utcnow())
    raw = format_refresh_token(token, "s3cret")
    assert parse_refresh_token(raw) == (token.user_id, token.id, "s3cret")


@pytest.mark.parametrize(
    "raw", ["", "rt1", "rt2.a.b.c", "rt1.nothex.nothex.x", f"rt1.{new_id().hex}.{new_id().hex}."]
)
def test_malformed_refresh_tokens_are_invalid(raw: str) -> None:
    with pytest.raises(InvalidRefreshToken):
        parse_refresh_token(raw)


def test_scopes_follow_roles() -> None:
    assert "catalog:write" not in scopes_for(frozenset({"buyer"}))
    assert "catalog:write" in scopes_for(frozenset({"buyer", "seller"}))
    assert "admin" in scopes_for(frozenset({"admin"}))
