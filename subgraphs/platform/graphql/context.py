"""The typed per-request context every resolver receives.

Each subgraph names its own: `Info = strawberry.Info[Context[ProductsServices], None]`, so a
resolver reaches `info.context.services.reads` with types, never a string key.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from subgraphs.contracts.access import Principal
from subgraphs.platform.kernel.errors import AppError, Forbidden, Unauthenticated
from subgraphs.platform.settings import Settings
from subgraphs.platform.web.client_ip import client_ip

ServicesT = TypeVar("ServicesT")


@dataclass
class Context(Generic[ServicesT]):
    request: Request | WebSocket
    response: Response | None
    settings: Settings
    services: ServicesT
    request_id: str
    principal: Principal | None = None
    # Set when the request carried a token that failed verification: the operation is refused.
    auth_error: AppError | None = None
    # Checks the caller's token again (expiry, revocation); set when a token verified.
    reverify: Callable[[], Awaitable[Principal]] | None = None
    # Per-request DataLoaders, one per class (`ContextLoader.of`).
    loaders: dict[type, Any] = field(default_factory=dict)

    @property
    def client_ip(self) -> str:
        """The caller's address, believing x-forwarded-for only from a trusted proxy."""
        return client_ip(self.request, self.settings.trusted_proxies)

    def require_principal(self) -> Principal:
        if self.principal is None:
            raise Unauthenticated("Sign in to do this.")
        return self.principal

    def require_role(self, *roles: str) -> Principal:
        principal = self.require_principal()
        if principal.is_admin or principal.roles.intersection(roles):
            return principal
        raise Forbidden("You are not allowed to do this.")
