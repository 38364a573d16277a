"""Which scopes each role carries in the access token (accounts mints tokens; nobody else does).

The names are the access-token contract's (`subgraphs.contracts.access`); unknown roles add
nothing, and everyone signed in may read and write their own profile.
"""

from __future__ import annotations

from subgraphs.contracts.access import (
    ADMIN,
    ADMIN_SCOPE,
    BUYER,
    CATALOG_WRITE,
    PROFILE_READ,
    PROFILE_WRITE,
    SELLER,
    SUPERADMIN,
)

ROLE_SCOPES: dict[str, frozenset[str]] = {
    BUYER: frozenset({PROFILE_READ, PROFILE_WRITE}),
    SELLER: frozenset({PROFILE_READ, PROFILE_WRITE, CATALOG_WRITE}),
    ADMIN: frozenset({PROFILE_READ, PROFILE_WRITE, CATALOG_WRITE, ADMIN_SCOPE}),
    SUPERADMIN: frozenset({PROFILE_READ, PROFILE_WRITE, ADMIN_SCOPE}),
}

# Roles only a super-admin hands out.
PRIVILEGED = frozenset({ADMIN, SUPERADMIN})


def scopes_for(roles: frozenset[str]) -> str:
    """The space-separated `scope` claim for a set of roles."""
    scopes: set[str] = {PROFILE_READ, PROFILE_WRITE}
    for role in roles:
        scopes |= ROLE_SCOPES.get(role, frozenset())
    return " ".join(sorted(scopes))
