"""The products subgraph's repository port, through its unit of work."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.platform.kernel.ids import new_id
from subgraphs.products.adapters.unit_of_work import catalog_unit_of_work
from subgraphs.products.domain.model import Product, ProductStatus, Variant
from subgraphs.products.service_layer.ports import OpenCatalogUnitOfWork
from tests.fakes.products import catalog_unit_of_work as fake_catalog_unit_of_work


async def a_category(open_uow: OpenCatalogUnitOfWork) -> uuid.UUID:
    category_id = new_id()
    row = {"id": category_id, "parent_id": None, "name": "C", "slug": f"c-{category_id}"}
    async with open_uow() as uow:
        await uow.repo.add_categories([{**row, "path": f"/{category_id}/", "depth": 0, "position": 0}])
        await uow.commit()
    return category_id


def a_product(category_id: uuid.UUID) -> Product:
    product_id = new_id()
    return Product(
        id=product_id,
        seller_id=new_id(),
        title="Contract lamp",
        slug=f"contract-lamp-{product_id.hex}",
        description="",
        status=ProductStatus.DRAFT,
        category_id=category_id,
        brand_id=None,
        currency="USD",
    )


class CatalogRepositoryContract:
    async def test_a_product_and_its_variants_round_trip(self, open_uow: OpenCatalogUnitOfWork) -> None:
        product = a_product(await a_category(open_uow))
        sku = f"CT-{product.id.hex[:12]}"
        variant = Variant(new_id(), product.id, sku, "Red", 1299, "USD", options={"Color": "Red"})
        async with open_uow() as uow:
            await uow.repo.add_product(product)
            await uow.repo.add_variants([variant])
            await uow.commit()
        async with open_uow() as uow:
            stored = await uow.repo.get_product(product.id)
            variants = await uow.repo.variants_of(product.id)
            taken = await uow.repo.taken_skus([sku, "NOT-TAKEN-" + sku])
        assert stored is not None
        assert (stored.title, stored.status, stored.category_id) == (
            product.title,
            ProductStatus.DRAFT,
            product.category_id,
        )
        assert [(v.sku, v.price, v.options) for v in variants] == [(sku, 1299, {"Color": "Red"})]
        assert taken == {sku}

    async def test_stock_starts_at_zero_and_adjustments_are_remembered(
        self, open_uow: OpenCatalogUnitOfWork
    ) -> None:
        product = a_product(await a_category(open_uow))
        variant = Variant(new_id(), product.id, f"ST-{product.id.hex[:12]}", "One", 500, "USD")
        actor = new_id()
        async with open_uow() as uow:
            await uow.repo.add_product(product)
            await uow.repo.add_variants([variant])
            item = await uow.repo.lock_inventory(product.id, variant.id, "EU-1")
            assert (item.on_hand, item.reserved) == (0, 0)
            item.adjust(7)
            await uow.repo.save_inventory(item)
            await uow.repo.add_adjustment(item, actor, "key-1", 7, "RESTOCK")
            await uow.commit()
        async with open_uow() as uow:
            again = await uow.repo.lock_inventory(product.id, variant.id, "EU-1")
            found = await uow.repo.find_adjustment(product.id, actor, "key-1")
            assert await uow.repo.find_adjustment(product.id, actor, "key-2") is None
        assert (again.id, again.on_hand) == (item.id, 7)
        assert found is not None
        assert (found.inventory_id, found.delta, found.reason) == (item.id, 7, "RESTOCK")

    async def test_references_that_do_not_exist_are_reported(self, open_uow: OpenCatalogUnitOfWork) -> None:
        category_id = await a_category(open_uow)
        async with open_uow() as uow:
            assert await uow.repo.category_exists(category_id)
            assert not await uow.repo.category_exists(new_id())
            assert not await uow.repo.brand_exists(new_id())
            missing = new_id()
            assert await uow.repo.missing_attributes([missing]) == {missing}


class TestFakeCatalogRepository(CatalogRepositoryContract):
    @pytest.fixture
    def open_uow(self) -> OpenCatalogUnitOfWork:
        return fake_catalog_unit_of_work()


class TestSqlCatalogRepository(CatalogRepositoryContract):
    @pytest.fixture
    def open_uow(self, engine: AsyncEngine) -> OpenCatalogUnitOfWork:
        return catalog_unit_of_work(engine)
