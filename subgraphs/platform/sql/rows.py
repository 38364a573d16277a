"""Rows to domain objects: a dataclass filled from the columns that name its fields.

    line = row_to(CartLine, row)
    cart = row_to(Cart, row, owner_kind=OwnerKind(row.owner_kind), status=CartStatus(row.status), lines=lines)

Columns the dataclass does not have are ignored; `values` supply (or convert) the rest.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")

_FIELDS: dict[type, tuple[str, ...]] = {}


def _names(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.init)
    return names


def row_to(cls: type[T], row: Any, **values: Any) -> T:
    mapping = row._mapping
    columns = {name: mapping[name] for name in _names(cls) if name not in values and name in mapping}
    return cls(**columns, **values)
