"""The catalogue's aggregates and their rules: plain dataclasses, no I/O, no framework."""

from __future__ import annotations

import enum
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from subgraphs.platform.kernel.errors import BadUserInput
from subgraphs.products.domain.errors import InsufficientStock

MAX_TITLE = 300
MAX_SKU = 100
SKU_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-/]{0,99}$")
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


class ProductStatus(enum.Enum):
    DRAFT = "DRAFT"
    ACTIVE = "ACTIVE"
    ARCHIVED = "ARCHIVED"


class AdjustmentReason(enum.Enum):
    RESTOCK = "RESTOCK"
    SALE = "SALE"
    RETURN = "RETURN"
    DAMAGE = "DAMAGE"
    CORRECTION = "CORRECTION"


def slugify(text: str, max_length: int = 80) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "item"


def base36(value: uuid.UUID) -> str:
    n, out = value.int, []
    while n:
        n, r = divmod(n, 36)
        out.append(_ALPHABET[r])
    return "".join(reversed(out)) or "0"


def product_slug(title: str, product_id: uuid.UUID) -> str:
    """`<title-words>-<id in base 36>`: unique without a global index, and a slug lookup
    goes straight to the product's shard because the id is inside it."""
    return f"{slugify(title)}-{base36(product_id)}"


def id_from_product_slug(slug: str) -> uuid.UUID | None:
    _, _, tail = slug.rpartition("-")
    if not tail or len(tail) > 25 or any(c not in _ALPHABET for c in tail):
        return None
    n = 0
    for c in tail:
        n = n * 36 + _ALPHABET.index(c)
    return uuid.UUID(int=n) if n < 2**128 else None


def validate_title(title: str, field: str = "title") -> str:
    cleaned = " ".join(title.split())
    if not cleaned:
        raise BadUserInput("Title must not be empty.", field=field)
    if len(cleaned) > MAX_TITLE:
        raise BadUserInput(f"Title must be at most {MAX_TITLE} characters.", field=field)
    return cleaned


def validate_sku(sku: str, field: str = "sku") -> str:
    if not SKU_PATTERN.match(sku):
        raise BadUserInput(
            "SKU must be 1 to 100 letters, digits or . _ - / and start with a letter or digit.",
            field=field,
        )
    return sku


@dataclass
class Product:
    id: uuid.UUID
    seller_id: uuid.UUID
    title: str
    slug: str
    description: str
    status: ProductStatus
    category_id: uuid.UUID
    brand_id: uuid.UUID | None
    currency: str
    min_price: int = 0
    max_price: int = 0
    popularity: int = 0
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def owned_by(self, seller_id: uuid.UUID) -> bool:
        return self.seller_id == seller_id

    @property
    def listed_in(self) -> uuid.UUID | None:
        """The category whose storefront count includes this product (ACTIVE ones only)."""
        return self.category_id if self.status is ProductStatus.ACTIVE else None

    def reprice(self, prices: list[int]) -> None:
        """Keep the denormalised price range in step with the variants' prices."""
        self.min_price = min(prices) if prices else 0
        self.max_price = max(prices) if prices else 0


@dataclass
class Variant:
    id: uuid.UUID
    product_id: uuid.UUID
    sku: str
    title: str
    price: int
    currency: str
    compare_at_price: int | None = None
    options: dict[str, str] = field(default_factory=dict)
    position: int = 0


@dataclass
class InventoryItem:
    id: uuid.UUID
    product_id: uuid.UUID
    variant_id: uuid.UUID
    warehouse: str
    on_hand: int
    reserved: int = 0
    low_stock_threshold: int = 5

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    def adjust(self, delta: int) -> None:
        """Change stock on hand; stock never goes below zero nor below what is reserved."""
        if delta == 0:
            raise BadUserInput("Delta must not be zero.", field="delta")
        after = self.on_hand + delta
        if after < 0:
            raise InsufficientStock(
                f"Stock cannot go negative: {self.on_hand} on hand, delta {delta}.", field="delta"
            )
        if after < self.reserved:
            raise InsufficientStock(
                f"Stock cannot drop below the {self.reserved} units reserved.", field="delta"
            )
        self.on_hand = after


def listing_deltas(before: uuid.UUID | None, after: uuid.UUID | None) -> list[tuple[uuid.UUID, int]]:
    """How per-category ACTIVE counts move when a product's listing goes from `before` to `after`."""
    if before == after:
        return []
    return [(c, d) for c, d in ((before, -1), (after, +1)) if c is not None]
