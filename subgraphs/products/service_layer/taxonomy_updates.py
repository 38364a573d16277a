"""Admin changes to the catalogue structure: rename, re-slug, re-order and move categories;
rename brands and attributes; delete an attribute with its values. All-or-nothing per request.

Moving a category rewrites the materialised path of its whole subtree in one statement, and
a category can never move under itself or its own descendants.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from subgraphs.contracts.access import Principal
from subgraphs.platform.kernel.errors import AppError, BadUserInput, Conflict, NotFound
from subgraphs.platform.kernel.results import InputErrors
from subgraphs.products.domain.model import slugify
from subgraphs.products.service_layer.commands import CategoryPatch, NamedPatch
from subgraphs.products.service_layer.ports import CatalogUnitOfWork, OpenCatalogUnitOfWork
from subgraphs.products.service_layer.taxonomy import (
    MAX_BULK,
    MAX_DEPTH,
    catalog_event,
    clean_name,
    require_admin,
)


async def _renames(
    uow: CatalogUnitOfWork,
    table: str,
    patches: Sequence[CategoryPatch | NamedPatch],
    rows: dict[uuid.UUID, dict[str, Any]],
) -> tuple[dict[uuid.UUID, dict[str, object]], list[AppError]]:
    """Validated name/slug changes per row id, and the problems found."""
    errors: list[AppError] = []
    values: dict[uuid.UUID, dict[str, object]] = {}
    wanted: dict[str, int] = {}
    for i, patch in enumerate(patches):
        if patch.id not in rows:
            errors.append(NotFound("Not found.", field=f"{table}.{i}.id"))
            continue
        change: dict[str, object] = {}
        try:
            if patch.name is not None:
                change["name"] = clean_name(patch.name, f"{table}.{i}.name")
            if patch.slug is not None:
                slug = slugify(patch.slug, 200)
                if slug != rows[patch.id]["slug"]:
                    if slug in wanted:
                        raise Conflict(
                            f"Slug {slug!r} appears twice in this request.", field=f"{table}.{i}.slug"
                        )
                    wanted[slug] = i
                    change["slug"] = slug
        except AppError as exc:
            errors.append(exc)
        values[patch.id] = change
    taken = await uow.repo.taken_slugs(table, list(wanted))
    errors.extend(
        Conflict(f"Slug {s!r} is already used.", field=f"{table}.{i}.slug")
        for s, i in wanted.items()
        if s in taken
    )
    return values, errors


def _check_bulk(patches: Sequence[object], field: str) -> None:
    if not patches or len(patches) > MAX_BULK:
        raise InputErrors([BadUserInput(f"Give 1 to {MAX_BULK} rows.", field=field)])


@dataclass(frozen=True)
class TaxonomyUpdates:
    """Admins rename, move and delete catalogue structure."""

    uow: OpenCatalogUnitOfWork

    async def update_categories(self, actor: Principal, patches: Sequence[CategoryPatch]) -> list[uuid.UUID]:
        require_admin(actor)
        _check_bulk(patches, "categories")
        async with self.uow() as uow:
            ids = [p.id for p in patches]
            parents = [p.parent_id for p in patches if p.parent_id is not None]
            rows = await uow.repo.taxonomy_rows("categories", [*ids, *parents])
            values, errors = await _renames(
                uow, "categories", patches, {i: r for i, r in rows.items() if i in set(ids)}
            )
            moves: list[tuple[str, str, int]] = []
            for i, patch in enumerate(patches):
                if patch.id not in rows:
                    continue
                if patch.position is not None:
                    values[patch.id]["position"] = patch.position
                if patch.parent_id is None and not patch.make_root:
                    continue
                row = rows[patch.id]
                if patch.make_root:
                    new_path, new_depth, parent = f"/{patch.id}/", 0, None
                else:
                    target = rows.get(patch.parent_id) if patch.parent_id else None
                    if target is None:
                        errors.append(
                            NotFound("Parent category not found.", field=f"categories.{i}.parentId")
                        )
                        continue
                    if str(target["path"]).startswith(str(row["path"])):
                        errors.append(
                            BadUserInput(
                                "A category cannot move under itself.", field=f"categories.{i}.parentId"
                            )
                        )
                        continue
                    new_path, new_depth, parent = (
                        f"{target['path']}{patch.id}/",
                        int(target["depth"]) + 1,
                        patch.parent_id,
                    )
                if new_depth + int(row["subtree_height"]) >= MAX_DEPTH:
                    errors.append(
                        BadUserInput(
                            f"Categories nest at most {MAX_DEPTH} levels.", field=f"categories.{i}.parentId"
                        )
                    )
                    continue
                values[patch.id]["parent_id"] = parent
                moves.append((str(row["path"]), new_path, new_depth - int(row["depth"])))
            if errors:
                raise InputErrors(errors)
            for category_id, change in values.items():
                if change:
                    await uow.repo.update_taxonomy_row("categories", category_id, change)
            for old_path, new_path, delta in moves:
                await uow.repo.move_category(old_path, new_path, delta)
            uow.events.append(catalog_event("category", ids))
            await uow.commit()
        return ids

    async def _update_named(
        self, actor: Principal, patches: Sequence[NamedPatch], table: str
    ) -> list[uuid.UUID]:
        require_admin(actor)
        _check_bulk(patches, table)
        async with self.uow() as uow:
            ids = [p.id for p in patches]
            rows = await uow.repo.taxonomy_rows(table, ids)
            values, errors = await _renames(uow, table, patches, rows)
            if errors:
                raise InputErrors(errors)
            for row_id, change in values.items():
                if change:
                    await uow.repo.update_taxonomy_row(table, row_id, change)
            uow.events.append(catalog_event(table.rstrip("s"), ids))
            await uow.commit()
        return ids

    async def delete_attribute(self, actor: Principal, attribute_id: uuid.UUID) -> uuid.UUID:
        """Removes the definition and every product's values for it."""
        require_admin(actor)
        async with self.uow() as uow:
            if attribute_id not in await uow.repo.taxonomy_rows("attributes", [attribute_id]):
                raise InputErrors([NotFound("Attribute not found.", field="id")])
            await uow.repo.delete_attribute(attribute_id)
            uow.events.append(catalog_event("attribute", [attribute_id]))
            await uow.commit()
        return attribute_id

    async def update_brands(self, actor: Principal, patches: Sequence[NamedPatch]) -> list[uuid.UUID]:
        return await self._update_named(actor, patches, "brands")

    async def update_attributes(self, actor: Principal, patches: Sequence[NamedPatch]) -> list[uuid.UUID]:
        return await self._update_named(actor, patches, "attributes")
