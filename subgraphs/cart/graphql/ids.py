"""Client-supplied ids of a cart or wishlist call, all parsed before anything runs."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import strawberry

from subgraphs.platform.errors import AppError
from subgraphs.platform.ids import parse_id
from subgraphs.platform.results import InputErrors


def parse_ids(raw: list[strawberry.ID], field: str, error: Callable[[str], AppError]) -> list[uuid.UUID]:
    """The ids; malformed ones fail together, each as `error(path)` at `field` ("items.{i}.id")."""
    parsed = [parse_id(r) for r in raw]
    bad = [i for i, p in enumerate(parsed) if p is None]
    if bad:
        raise InputErrors([error(field.format(i=i)) for i in bad])
    return [p for p in parsed if p is not None]
