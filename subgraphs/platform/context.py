"""The typed per-request context every resolver receives (`strawberry.Info[Context, None]`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import strawberry
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from subgraphs.platform.errors import AppError, Forbidden, Unauthenticated
from subgraphs.platform.identity import Principal
from subgraphs.platform.settings import Settings


@dataclass
class Context:
    request: Request | WebSocket
    response: Response | None
    settings: Settings
    engine: AsyncEngine
    redis: Redis
    request_id: str
    principal: Principal | None = None
    # Set when the request carried a token that failed verification: the operation is refused.
    auth_error: AppError | None = None
    loaders: dict[type, Any] = field(default_factory=dict)
    services: dict[str, Any] = field(default_factory=dict)

    def require_principal(self) -> Principal:
        if self.principal is None:
            raise Unauthenticated("Sign in to do this.")
        return self.principal

    def require_role(self, *roles: str) -> Principal:
        principal = self.require_principal()
        if principal.is_admin or principal.roles.intersection(roles):
            return principal
        raise Forbidden("You are not allowed to do this.")


# Resolvers annotate `info: Info` to get a typed context.
Info = strawberry.Info[Context, None]
