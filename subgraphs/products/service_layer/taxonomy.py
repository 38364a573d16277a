"""Admin-only catalogue structure: categories (a tree), brands and attribute definitions.

Bulk creates are all-or-nothing: every row is validated, slugs must be unique within the
request and against existing rows, and a category's parent may be created in the same
request (rows are processed in order).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from subgraphs.contracts.access import Principal
from subgraphs.contracts.products import CatalogChanged
from subgraphs.platform.kernel.errors import AppError, BadUserInput, Conflict, Forbidden, NotFound
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.results import InputErrors
from subgraphs.products.domain.model import slugify
from subgraphs.products.service_layer.commands import CategorySpec, NamedSpec
from subgraphs.products.service_layer.ports import CatalogUnitOfWork, OpenCatalogUnitOfWork

MAX_BULK = 100
MAX_DEPTH = 5


def require_admin(actor: Principal) -> None:
    if not actor.is_admin:
        raise Forbidden("Only admins can change categories, brands and attributes.")


def clean_name(name: str, field: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > 200:
        raise BadUserInput("Name must be 1 to 200 characters.", field=field)
    return cleaned


def catalog_event(kind: str, ids: Sequence[uuid.UUID]) -> CatalogChanged:
    return CatalogChanged(kind=kind, ids=list(ids))


async def _slugs(
    uow: CatalogUnitOfWork, table: str, specs: Sequence[NamedSpec | CategorySpec], prefix: str
) -> tuple[list[str], list[AppError]]:
    errors: list[AppError] = []
    slugs: list[str] = []
    for i, spec in enumerate(specs):
        try:
            clean_name(spec.name, f"{prefix}.{i}.name")
        except AppError as exc:
            errors.append(exc)
        slugs.append(slugify(spec.slug or spec.name, 200))
    seen: set[str] = set()
    taken = await uow.repo.taken_slugs(table, slugs)
    for i, slug in enumerate(slugs):
        if slug in taken or slug in seen:
            errors.append(Conflict(f"Slug {slug!r} is already used.", field=f"{prefix}.{i}.slug"))
        seen.add(slug)
    return slugs, errors


@dataclass(frozen=True)
class Taxonomy:
    """Admins create categories, brands and attribute definitions."""

    uow: OpenCatalogUnitOfWork

    async def create_categories(self, actor: Principal, specs: Sequence[CategorySpec]) -> list[uuid.UUID]:
        require_admin(actor)
        if not specs or len(specs) > MAX_BULK:
            raise InputErrors([BadUserInput(f"Give 1 to {MAX_BULK} categories.", field="categories")])
        async with self.uow() as uow:
            slugs, errors = await _slugs(uow, "categories", specs, "categories")
            rows: list[dict[str, object]] = []
            created: dict[uuid.UUID, tuple[str, int]] = {}
            for i, (spec, slug) in enumerate(zip(specs, slugs, strict=True)):
                category_id = new_id()
                if spec.parent_id is None:
                    path, depth = f"/{category_id}/", 0
                else:
                    parent = created.get(spec.parent_id) or await uow.repo.get_category_path(spec.parent_id)
                    if parent is None:
                        errors.append(
                            NotFound("Parent category not found.", field=f"categories.{i}.parentId")
                        )
                        continue
                    if parent[1] + 1 >= MAX_DEPTH:
                        errors.append(
                            BadUserInput(
                                f"Categories nest at most {MAX_DEPTH} levels.",
                                field=f"categories.{i}.parentId",
                            )
                        )
                        continue
                    path, depth = f"{parent[0]}{category_id}/", parent[1] + 1
                created[category_id] = (path, depth)
                rows.append(
                    {
                        "id": category_id,
                        "parent_id": spec.parent_id,
                        "name": " ".join(spec.name.split()),
                        "slug": slug,
                        "path": path,
                        "depth": depth,
                        "position": spec.position,
                    }
                )
            if errors:
                raise InputErrors(errors)
            await uow.repo.add_categories(rows)
            ids = [r["id"] for r in rows]
            uow.events.append(catalog_event("category", ids))  # type: ignore[arg-type]
            await uow.commit()
        return ids  # type: ignore[return-value]

    async def _create_named(
        self, actor: Principal, specs: Sequence[NamedSpec], table: str
    ) -> list[uuid.UUID]:
        require_admin(actor)
        if not specs or len(specs) > MAX_BULK:
            raise InputErrors([BadUserInput(f"Give 1 to {MAX_BULK} rows.", field=table)])
        async with self.uow() as uow:
            slugs, errors = await _slugs(uow, table, specs, table)
            if errors:
                raise InputErrors(errors)
            rows: list[dict[str, object]] = [
                {"id": new_id(), "name": " ".join(s.name.split()), "slug": slug}
                for s, slug in zip(specs, slugs, strict=True)
            ]
            if table == "brands":
                await uow.repo.add_brands(rows)
            else:
                await uow.repo.add_attributes(rows)
            ids: list[uuid.UUID] = [r["id"] for r in rows]  # type: ignore[misc]
            uow.events.append(catalog_event(table.rstrip("s"), ids))
            await uow.commit()
        return ids

    async def create_brands(self, actor: Principal, specs: Sequence[NamedSpec]) -> list[uuid.UUID]:
        return await self._create_named(actor, specs, "brands")

    async def create_attributes(self, actor: Principal, specs: Sequence[NamedSpec]) -> list[uuid.UUID]:
        return await self._create_named(actor, specs, "attributes")
