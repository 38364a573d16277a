"""The cart's view of the catalogue (`Catalog`): the fake, and the products subgraph asked over GraphQL."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from subgraphs.cart.adapters.products_catalog import ProductsCatalog
from subgraphs.cart.service_layer.ports import Catalog
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.web.peer_client import HttpxPeerClient
from tests.conftest import GraphQLClient
from tests.fakes.cart import FakeCatalog
from tests.graphql.catalog import CatalogBuilder


class CatalogContract:
    """Subclasses offer a listed variant and a draft product's variant in their own way."""

    async def listed(self, price: int) -> tuple[uuid.UUID, uuid.UUID]:
        raise NotImplementedError

    async def unlisted(self) -> uuid.UUID:
        raise NotImplementedError

    async def test_a_listed_variant_comes_with_its_price_seller_and_stock(self, catalog: Catalog) -> None:
        variant_id, product_id = await self.listed(price=2599)
        facts = (await catalog.variants([variant_id]))[variant_id]
        assert (facts.product_id, facts.unit_price, facts.currency) == (product_id, 2599, "USD")
        assert facts.available > 0
        assert product_id in await catalog.products([product_id])

    async def test_unknown_and_unlisted_ones_are_absent(self, catalog: Catalog) -> None:
        hidden = await self.unlisted()
        assert await catalog.variants([new_id(), hidden]) == {}
        assert await catalog.products([new_id()]) == {}


class TestFakeCatalog(CatalogContract):
    @pytest.fixture
    def catalog(self) -> Catalog:
        self.fake = FakeCatalog()
        return self.fake

    async def listed(self, price: int) -> tuple[uuid.UUID, uuid.UUID]:
        offer = self.fake.offer(price=price)
        return offer.variant_id, offer.product_id

    async def unlisted(self) -> uuid.UUID:
        return new_id()  # the fake knows only what it offers


class TestProductsCatalog(CatalogContract):
    @pytest.fixture
    async def catalog(
        self, products_http: httpx.AsyncClient, gql: GraphQLClient, make_caller: Any
    ) -> Catalog:
        self.builder = CatalogBuilder(gql, make_caller("admin"))
        self.seller = make_caller("seller")
        self.taxonomy = await self.builder.taxonomy()
        return ProductsCatalog(HttpxPeerClient(products_http), "http://products.test/graphql")

    async def listed(self, price: int) -> tuple[uuid.UUID, uuid.UUID]:
        sku = f"CAT-{new_id().hex[:10]}"
        product = await self.builder.product(
            self.seller,
            self.taxonomy,
            variants=[{"sku": sku, "price": price, "stock": [{"warehouse": "EU-1", "quantity": 3}]}],
        )
        return uuid.UUID(product["variants"][0]["id"]), uuid.UUID(product["id"])

    async def unlisted(self) -> uuid.UUID:
        product = await self.builder.product(self.seller, self.taxonomy, status="DRAFT")
        return uuid.UUID(product["variants"][0]["id"])
