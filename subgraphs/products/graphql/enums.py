"""The domain's enums, exposed in the schema as they are (no mirror copies to keep in step)."""

from __future__ import annotations

import strawberry

from subgraphs.products.domain.model import AdjustmentReason, ProductStatus
from subgraphs.products.service_layer.read_models import ProductSortField

strawberry.enum(ProductStatus, description="Lifecycle of a product; storefronts list ACTIVE ones.")
strawberry.enum(ProductSortField, description="Storefront sort orders; each is served by its own index.")
strawberry.enum(AdjustmentReason, name="InventoryAdjustmentReason")

__all__ = ["AdjustmentReason", "ProductSortField", "ProductStatus"]
