"""The authorization framework every subgraph uses.

Two layers, deny by default:

* **Who may ask** is stated in the schema with the federation directives `@authenticated` and
  `@requiresScopes` (the router enforces them from the verified JWT) and enforced again here
  by permission classes — the subgraph never trusts the network.
* **Which object** is decided by each subgraph's domain rules (the owner, the seller, admins).
  A caller who fails one gets "not found", never "forbidden": someone else's object is
  indistinguishable from a missing one.

Scopes come from roles when accounts mints a token (`accounts.domain.access`); the names are
the access-token contract's (`subgraphs.contracts.access`). Admins pass every scope check.

Caller policies (`@policy`) decide from the token alone, for everyone including admins; the
router registers the same names (`POLICIES` in router/auth.ts). `recent_login`
("sudo mode") wants a password sign-in from the last 15 minutes: refreshing keeps the
original sign-in time, so a stolen refresh token cannot reach the most dangerous operations.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from strawberry.permission import BasePermission, PermissionExtension

from subgraphs.contracts.access import Principal
from subgraphs.platform.kernel.errors import Forbidden, Unauthenticated


class _RequiresScopes(BasePermission):
    """Every one of `scopes` (one alternative of `@requiresScopes`) on a verified token."""

    scopes: frozenset[str] = frozenset()

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:  # noqa: ARG002 — Strawberry's signature
        principal: Principal | None = info.context.principal
        if principal is None:
            raise Unauthenticated("Sign in to do this.")
        if principal.is_admin or self.scopes <= principal.scopes:
            return True
        raise Forbidden(
            f"This needs the {', '.join(sorted(self.scopes))} scope.", requiredScopes=sorted(self.scopes)
        )


def requires_scopes(*scopes: str) -> dict[str, Any]:
    """Field arguments: the directive for the router plus the same check in this subgraph.

    @strawberry.federation.mutation(**requires_scopes(CATALOG_WRITE))
    """
    check = type("RequiresScopes", (_RequiresScopes,), {"scopes": frozenset(scopes)})
    return {
        "authenticated": True,
        "requires_scopes": [sorted(scopes)],
        "extensions": [PermissionExtension(permissions=[check()], use_directives=False)],
    }


RECENT_LOGIN = "recent_login"
RECENT_LOGIN_SECONDS = 15 * 60


def _signed_in_recently(principal: Principal) -> bool:
    return time.time() - principal.authenticated_at <= RECENT_LOGIN_SECONDS


CALLER_POLICIES: dict[str, Callable[[Principal], bool]] = {RECENT_LOGIN: _signed_in_recently}
_POLICY_MESSAGES = {RECENT_LOGIN: "This needs a sign-in from the last 15 minutes: sign in again."}


class _RequiresPolicy(BasePermission):
    """`@policy(policies: [[name]])`: the caller policy grants the verified caller."""

    policy: str = ""

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:  # noqa: ARG002 — Strawberry's signature
        principal: Principal | None = info.context.principal
        if principal is None:
            raise Unauthenticated("Sign in to do this.")
        if CALLER_POLICIES[self.policy](principal):
            return True
        raise Forbidden(_POLICY_MESSAGES[self.policy], policy=self.policy)


def requires_policy(name: str, *scopes: str) -> dict[str, Any]:
    """Field arguments for a caller policy (and optionally scopes), stated for the router and checked here.

    @strawberry.federation.mutation(**requires_policy(RECENT_LOGIN))
    """
    if name not in CALLER_POLICIES:
        raise ValueError(f"unknown policy {name!r}")  # deny by default: no silent typo
    checks: list[BasePermission] = [type("RequiresPolicy", (_RequiresPolicy,), {"policy": name})()]
    arguments: dict[str, Any] = {"authenticated": True, "policy": [[name]]}
    if scopes:
        checks.insert(0, type("RequiresScopes", (_RequiresScopes,), {"scopes": frozenset(scopes)})())
        arguments["requires_scopes"] = [sorted(scopes)]
    arguments["extensions"] = [PermissionExtension(permissions=checks, use_directives=False)]
    return arguments
