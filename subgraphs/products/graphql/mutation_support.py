"""Helpers every mutation resolver uses: id parsing and turning expected errors into userErrors."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry

from subgraphs.platform.errors import AppError, BadUserInput, Conflict, NotFound
from subgraphs.platform.graphql_types import UserError, user_errors_from
from subgraphs.platform.ids import parse_id
from subgraphs.platform.results import InputErrors

T = TypeVar("T")
_EXPECTED = (NotFound, Conflict, BadUserInput)


def uuid_arg(raw: strawberry.ID | None, field: str) -> uuid.UUID:
    """A required id argument; a malformed one is reported like a missing object."""
    value = parse_id(raw) if raw is not None else None
    if value is None:
        raise InputErrors([NotFound("Not found.", field=field)])
    return value


def optional_uuid_arg(raw: strawberry.ID | None, field: str) -> uuid.UUID | None:
    return None if raw is None else uuid_arg(raw, field)


async def guarded(make: Callable[[], Awaitable[T]]) -> tuple[T | None, list[UserError]]:
    """Build the use-case call and await it; expected failures become userErrors.

    Authentication and role failures are not expected input problems: they propagate and
    become GraphQL errors with UNAUTHENTICATED / FORBIDDEN.
    """
    try:
        return await make(), []
    except InputErrors as exc:
        return None, user_errors_from(exc.errors)
    except AppError as exc:
        if isinstance(exc, _EXPECTED):
            return None, user_errors_from([exc])
        raise
