"""The products subgraph's composition root: its use cases and read models, wired once per process.

resolvers and consumers    receive the `ProductsServices` built here
a new use case             its class in service_layer/, a field in ProductsServices, a line here
a new read                 a method on CatalogReads (service_layer/read_models.py) and SqlCatalogReads
"""

from __future__ import annotations

from subgraphs.contracts.products import INVENTORY_TOPIC
from subgraphs.platform.kernel.clock import utcnow
from subgraphs.platform.messaging.live_feed import LiveFeed
from subgraphs.platform.subgraph import Infrastructure
from subgraphs.products.adapters.catalog_cache import catalog_cache
from subgraphs.products.adapters.catalog_reads import SqlCatalogReads
from subgraphs.products.adapters.unit_of_work import catalog_unit_of_work, reservation_unit_of_work
from subgraphs.products.entrypoints.config import ProductsConfig
from subgraphs.products.service_layer.catalog import Catalog
from subgraphs.products.service_layer.catalogue_events import CatalogueFollowers
from subgraphs.products.service_layer.images import Images
from subgraphs.products.service_layer.inventory import Inventory
from subgraphs.products.service_layer.live_stock import LiveStock, keys_of
from subgraphs.products.service_layer.media import MediaLinks
from subgraphs.products.service_layer.reservations import Reservations
from subgraphs.products.service_layer.services import ProductsServices
from subgraphs.products.service_layer.taxonomy import Taxonomy
from subgraphs.products.service_layer.taxonomy_updates import TaxonomyUpdates


def bootstrap(infra: Infrastructure, config: ProductsConfig) -> ProductsServices:
    uow = catalog_unit_of_work(infra.engine)
    cache = catalog_cache(infra.redis, infra.settings.response_cache_ttl_seconds)
    return ProductsServices(
        catalog=Catalog(uow),
        images=Images(uow),
        inventory=Inventory(uow),
        taxonomy=Taxonomy(uow),
        taxonomy_updates=TaxonomyUpdates(uow),
        followers=CatalogueFollowers(uow, cache),
        reads=SqlCatalogReads(infra.engine),
        media=MediaLinks(config.cdn_base_url),
        reservations=Reservations(reservation_unit_of_work(infra.engine), utcnow),
        live=LiveStock(LiveFeed(infra.settings.kafka_bootstrap_servers, (INVENTORY_TOPIC,), keys_of)),
    )
