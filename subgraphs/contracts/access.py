"""The access token's claims as every subgraph sees them: who calls, with which roles and scopes.

Accounts mints the token (roles from its role tables, scopes from `accounts.domain.access`);
the router and every subgraph verify it and read it as a `Principal`. The role and scope names
here are the ones the schema's `@requiresScopes` directives and the router (router/auth.ts)
use: change them together.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

BUYER = "buyer"
SELLER = "seller"
ADMIN = "admin"
SUPERADMIN = "superadmin"

# Scopes the schema asks for with `@requiresScopes`.
PROFILE_READ = "profile:read"
PROFILE_WRITE = "profile:write"
CATALOG_WRITE = "catalog:write"
ADMIN_SCOPE = "admin"


@dataclass(frozen=True, slots=True)
class Principal:
    """The verified caller: a user id, roles and scopes, and the device/session the token is bound to."""

    user_id: uuid.UUID
    roles: frozenset[str] = field(default_factory=frozenset)
    scopes: frozenset[str] = field(default_factory=frozenset)
    device_id: str | None = None
    token_id: str | None = None
    session_id: str | None = None
    issued_at: int = 0
    # When the user typed their password (`auth_time`); refreshes keep it.
    authenticated_at: int = 0

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.roles

    @property
    def is_seller(self) -> bool:
        return SELLER in self.roles

    @property
    def is_superadmin(self) -> bool:
        return SUPERADMIN in self.roles

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes or self.is_admin


# Longer than any access token lives (5 minutes) plus clock leeway: a revocation's useful life.
REVOCATION_LIFETIME_SECONDS = 600


@dataclass(frozen=True, slots=True)
class Revocation:
    """Access tokens refused from now on: one token (`token`), or every token of a device
    (`device`) or user (`user`) issued at or before `cutoff` (epoch seconds).

    Accounts records each one in PostgreSQL (the truth) and as a marker in Valkey (what every
    verifier reads); the markers are rebuilt from the records when Valkey loses them.
    """

    kind: str  # "token" | "device" | "user"
    subject: str  # the jti, device id or user id
    cutoff: int
    expires_at: int  # epoch seconds; after it no token the revocation kills is still valid

    @classmethod
    def of_device(cls, device_id: uuid.UUID, at: datetime) -> Revocation:
        """Every token of the device issued up to `at`."""
        cutoff = int(at.timestamp())
        return cls("device", str(device_id), cutoff, cutoff + REVOCATION_LIFETIME_SECONDS)

    @classmethod
    def of_user(cls, user_id: uuid.UUID, at: datetime) -> Revocation:
        """Every token of the user issued up to `at`."""
        cutoff = int(at.timestamp())
        return cls("user", str(user_id), cutoff, cutoff + REVOCATION_LIFETIME_SECONDS)

    @classmethod
    def of_token(cls, jti: str, expires_at: datetime) -> Revocation:
        return cls("token", jti, int(expires_at.timestamp()), int(expires_at.timestamp()))

    @property
    def marker_key(self) -> str:
        return f"revoked:{'jti' if self.kind == 'token' else self.kind}:{self.subject}"
