"""Turning client arguments into values the use cases and read models take.

Ids in filters must be well formed (a malformed one is BAD_USER_INPUT); ids that name an
object to act on are "not found" when malformed, exactly like someone else's object.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import strawberry

from subgraphs.platform.graphql.context import Context
from subgraphs.platform.kernel.errors import AppError, BadUserInput, NotFound
from subgraphs.platform.kernel.ids import parse_id
from subgraphs.platform.kernel.paging import PageArgs
from subgraphs.platform.kernel.results import InputErrors


def id_filter(raw: strawberry.ID | None, field: str) -> uuid.UUID | None:
    """A filter argument that must be an id when given (a malformed one is a client error)."""
    if raw is None:
        return None
    value = parse_id(raw)
    if value is None:
        raise BadUserInput(f"`{field}` is not a valid id.", field=field)
    return value


def uuid_arg(raw: strawberry.ID | None, field: str) -> uuid.UUID:
    """A required id of an object to act on; a malformed one is reported like a missing object."""
    value = parse_id(raw) if raw is not None else None
    if value is None:
        raise InputErrors([NotFound("Not found.", field=field)])
    return value


def optional_uuid_arg(raw: strawberry.ID | None, field: str) -> uuid.UUID | None:
    return None if raw is None else uuid_arg(raw, field)


def parse_ids(raw: list[strawberry.ID], field: str, error: Callable[[str], AppError]) -> list[uuid.UUID]:
    """The ids; malformed ones fail together, each as `error(path)` at `field` ("items.{i}.id")."""
    parsed = [parse_id(r) for r in raw]
    bad = [i for i, p in enumerate(parsed) if p is None]
    if bad:
        raise InputErrors([error(field.format(i=i)) for i in bad])
    return [p for p in parsed if p is not None]


def page_args(
    ctx: Context[Any], first: int | None, after: str | None, last: int | None, before: str | None
) -> PageArgs:
    """Connection arguments, checked against the page cap (PAGE_SIZE_EXCEEDED above it)."""
    return PageArgs(first, after, last, before).validated(ctx.settings.max_page_size)


T = TypeVar("T")


def present(row: T | None, what: str) -> T:
    """A related row a non-null field needs; gone mid-request (deleted meanwhile) is NOT_FOUND."""
    if row is None:
        raise NotFound(f"The {what} no longer exists.")
    return row
