"""Everything the products subgraph offers its resolvers and consumers, built by `entrypoints/bootstrap.py`.

a new use case    a method on one of these classes (or a new one, added here and in bootstrap)
a new read        a method on `CatalogReads` (port) and `SqlCatalogReads` (adapter)
"""

from __future__ import annotations

from dataclasses import dataclass

from subgraphs.products.service_layer.catalog import Catalog
from subgraphs.products.service_layer.catalogue_events import CatalogueFollowers
from subgraphs.products.service_layer.images import Images
from subgraphs.products.service_layer.inventory import Inventory
from subgraphs.products.service_layer.live_stock import LiveStock
from subgraphs.products.service_layer.media import MediaLinks
from subgraphs.products.service_layer.read_models import CatalogReads
from subgraphs.products.service_layer.reservations import Reservations
from subgraphs.products.service_layer.taxonomy import Taxonomy
from subgraphs.products.service_layer.taxonomy_updates import TaxonomyUpdates


@dataclass(frozen=True)
class ProductsServices:
    catalog: Catalog
    images: Images
    inventory: Inventory
    taxonomy: Taxonomy
    taxonomy_updates: TaxonomyUpdates
    followers: CatalogueFollowers
    reads: CatalogReads
    media: MediaLinks
    reservations: Reservations
    live: LiveStock
