"""Stock adjustments: idempotent by key, never negative, safe under concurrent calls.

The inventory row is locked (`FOR UPDATE`) for the whole transaction, so two adjustments of
the same stock run one after the other; the second sees the first's result. A retried call
with the same idempotency key returns the recorded outcome instead of adjusting again; the
same key with a different body is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from subgraphs.contracts.access import Principal
from subgraphs.contracts.products import InventoryChanged
from subgraphs.platform.kernel.errors import BadUserInput, NotFound
from subgraphs.platform.kernel.results import InputErrors
from subgraphs.products.domain.errors import IdempotencyKeyReused
from subgraphs.products.domain.model import AdjustmentReason, InventoryItem
from subgraphs.products.service_layer.catalog import owned_product, require_seller
from subgraphs.products.service_layer.commands import AdjustInventory
from subgraphs.products.service_layer.ports import OpenCatalogUnitOfWork

MAX_DELTA = 1_000_000
WAREHOUSE_MAX = 64


@dataclass(frozen=True, slots=True)
class AdjustOutcome:
    item: InventoryItem
    replayed: bool


def _validate(cmd: AdjustInventory) -> None:
    errors = []
    if cmd.delta == 0 or abs(cmd.delta) > MAX_DELTA:
        errors.append(BadUserInput(f"Delta must be non-zero and at most {MAX_DELTA} in size.", field="delta"))
    if not cmd.warehouse or len(cmd.warehouse) > WAREHOUSE_MAX:
        errors.append(BadUserInput("Warehouse code must be 1 to 64 characters.", field="warehouse"))
    if not (1 <= len(cmd.idempotency_key) <= 200):
        errors.append(BadUserInput("Idempotency key must be 1 to 200 characters.", field="idempotencyKey"))
    if cmd.reason not in AdjustmentReason.__members__:
        errors.append(BadUserInput("Unknown adjustment reason.", field="reason"))
    if errors:
        raise InputErrors(errors)


@dataclass(frozen=True)
class Inventory:
    """Stock adjustments by sellers and admins."""

    uow: OpenCatalogUnitOfWork

    async def adjust_inventory(self, actor: Principal, cmd: AdjustInventory) -> AdjustOutcome:
        require_seller(actor)
        _validate(cmd)
        async with self.uow() as uow:
            repo = uow.repo
            variant = await repo.get_variant(cmd.variant_id)
            if variant is None:
                raise InputErrors([NotFound("Variant not found.", field="variantId")])
            product = await owned_product(repo, actor, variant.product_id)
            item = await repo.lock_inventory(product.id, variant.id, cmd.warehouse)
            previous = await repo.find_adjustment(product.id, actor.user_id, cmd.idempotency_key)
            if previous is not None:
                same = (previous.inventory_id, previous.delta, previous.reason) == (
                    item.id,
                    cmd.delta,
                    cmd.reason,
                )
                if not same:
                    raise InputErrors(
                        [
                            IdempotencyKeyReused(
                                "This idempotency key was used with a different request.",
                                field="idempotencyKey",
                            )
                        ]
                    )
                return AdjustOutcome(item=item, replayed=True)
            before = item.available
            try:
                item.adjust(cmd.delta)
            except BadUserInput as exc:
                raise InputErrors([exc]) from exc
            await repo.save_inventory(item)
            await repo.add_adjustment(item, actor.user_id, cmd.idempotency_key, cmd.delta, cmd.reason)
            uow.events.append(
                InventoryChanged(
                    inventory_id=item.id,
                    product_id=product.id,
                    variant_id=variant.id,
                    warehouse=item.warehouse,
                    delta=cmd.delta,
                    reason=cmd.reason,
                    on_hand=item.on_hand,
                    reserved=item.reserved,
                    available=item.available,
                    seller_id=product.seller_id,
                    low_stock_threshold=item.low_stock_threshold,
                    available_before=before,
                )
            )
            await uow.commit()
        return AdjustOutcome(item=item, replayed=False)
