"""Who may see which products: the one home of the rule every read applies.

ACTIVE products are public. A seller also sees their own products in any status (drafts,
archived); admins see everything. Anyone else asking for a hidden product finds nothing, as
if it did not exist. Seeing one's own unlisted products needs the seller role, so a signed-in
caller without it sees exactly the public catalogue (which lets caches serve them).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from subgraphs.contracts.access import Principal
from subgraphs.products.domain.model import ProductStatus


@dataclass(frozen=True, slots=True)
class CatalogueView:
    everything: bool = False
    own_seller_id: uuid.UUID | None = None

    @classmethod
    def of(cls, principal: Principal | None) -> CatalogueView:
        if principal is None:
            return PUBLIC
        if principal.is_admin:
            return cls(everything=True)
        if principal.is_seller:
            return cls(own_seller_id=principal.user_id)
        return PUBLIC

    @property
    def is_public(self) -> bool:
        """Sees exactly what anonymous visitors see."""
        return not self.everything and self.own_seller_id is None

    def sees(self, status: str, seller_id: uuid.UUID) -> bool:
        return (
            status == ProductStatus.ACTIVE.value
            or self.everything
            or (self.own_seller_id is not None and seller_id == self.own_seller_id)
        )

    def listing_status(
        self, seller_filter: uuid.UUID | None, wanted: ProductStatus | None
    ) -> ProductStatus | None:
        """The status a listing is restricted to (None: any the caller asked for).

        Storefront listings show ACTIVE products only, so each sort is one partial-index scan;
        a seller listing their own products (`sellerId` = themselves) and admins see every status.
        """
        if self.everything or (self.own_seller_id is not None and seller_filter == self.own_seller_id):
            return wanted
        return ProductStatus.ACTIVE


PUBLIC = CatalogueView()
