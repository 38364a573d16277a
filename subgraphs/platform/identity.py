"""Who is calling: the verified identity a request carries through every layer."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

ADMIN_ROLE = "admin"
SELLER_ROLE = "seller"


@dataclass(frozen=True, slots=True)
class Principal:
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
        return ADMIN_ROLE in self.roles

    @property
    def is_seller(self) -> bool:
        return SELLER_ROLE in self.roles

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes or self.is_admin
