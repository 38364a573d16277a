"""Which sub-fields a query selected, so work nobody asked for (facet counts) is never done."""

from __future__ import annotations

from collections.abc import Iterable

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
