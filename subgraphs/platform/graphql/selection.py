"""Which sub-fields a query selected, so work nobody asked for (facet counts, prefetches) is never done."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from strawberry.types import Info
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection


def selected_paths(selections: Iterable[Selection], prefix: str = "") -> set[str]:
    """Dotted paths of every field under `selections` (fragments flattened)."""
    paths: set[str] = set()
    for selection in selections:
        if isinstance(selection, SelectedField):
            path = f"{prefix}{selection.name}"
            paths.add(path)
            paths |= selected_paths(selection.selections, f"{path}.")
        elif isinstance(selection, InlineFragment | FragmentSpread):
            paths |= selected_paths(selection.selections, prefix)
    return paths


def connection_node_fields(info: Info[Any, Any]) -> set[str]:
    """The fields a connection's nodes were asked for (under `edges.node` or `nodes`)."""
    fields: set[str] = set()
    for path in selected_paths(info.selected_fields[0].selections):
        parts = path.split(".")
        if parts[:2] == ["edges", "node"] and len(parts) > 2:
            fields.add(parts[2])
        elif parts[0] == "nodes" and len(parts) > 1:
            fields.add(parts[1])
    return fields
