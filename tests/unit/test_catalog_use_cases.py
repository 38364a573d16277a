from __future__ import annotations

import uuid

import pytest

from subgraphs.contracts.access import Principal
from subgraphs.platform.kernel.errors import Forbidden, NotFound
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.results import InputErrors
from subgraphs.products.service_layer.catalog import Catalog
from subgraphs.products.service_layer.commands import (
    AdjustInventory,
    CategorySpec,
    CreateProduct,
    UpdateProduct,
    VariantSpec,
)
from subgraphs.products.service_layer.inventory import AdjustOutcome, Inventory
from subgraphs.products.service_layer.taxonomy import Taxonomy
from tests.fakes.products import FakeCatalogRepository, catalog_unit_of_work
from tests.fakes.unit_of_work import FakeUnitOfWork


def seller() -> Principal:
    return Principal(new_id(), roles=frozenset({"seller"}))


def admin() -> Principal:
    return Principal(new_id(), roles=frozenset({"admin"}))


@pytest.fixture
def uow() -> FakeUnitOfWork[FakeCatalogRepository]:
    return catalog_unit_of_work()


async def a_category(uow: FakeUnitOfWork[FakeCatalogRepository]) -> uuid.UUID:
    [category_id] = await Taxonomy(uow).create_categories(admin(), [CategorySpec(name=f"Shoes {new_id()}")])
    return category_id


async def a_product(
    uow: FakeUnitOfWork[FakeCatalogRepository], owner: Principal, *variants: VariantSpec
) -> uuid.UUID:
    cmd = CreateProduct(
        title="Red shoes", category_id=await a_category(uow), currency="USD", variants=list(variants)
    )
    return (await Catalog(uow).create_product(owner, cmd)).id


async def test_creating_a_product_records_a_created_event_and_its_price_range(
    uow: FakeUnitOfWork[FakeCatalogRepository],
) -> None:
    owner = seller()
    product_id = await a_product(uow, owner, VariantSpec("A-1", 500), VariantSpec("A-2", 900))
    stored = uow.store.products[product_id]
    assert (stored.min_price, stored.max_price) == (500, 900)
    assert stored.seller_id == owner.user_id
    assert uow.published_types()[-1] == "product.created"


async def test_a_bad_row_writes_nothing_and_reports_every_problem(
    uow: FakeUnitOfWork[FakeCatalogRepository],
) -> None:
    category_id = await a_category(uow)
    cmd = CreateProduct(
        title="",
        category_id=category_id,
        currency="usd",
        variants=[VariantSpec("OK-1", 100), VariantSpec("OK-1", -5)],
    )
    with pytest.raises(InputErrors) as err:
        await Catalog(uow).create_product(seller(), cmd)
    fields = {e.field for e in err.value.errors}
    assert {"title", "currency", "variants.1.sku"} <= fields
    assert uow.store.products == {}


async def test_a_buyer_cannot_create_products(uow: FakeUnitOfWork[FakeCatalogRepository]) -> None:
    buyer = Principal(new_id(), roles=frozenset({"buyer"}))
    with pytest.raises(Forbidden):
        await Catalog(uow).create_product(
            buyer, CreateProduct(title="x", category_id=new_id(), currency="USD")
        )


async def test_another_sellers_product_looks_missing(uow: FakeUnitOfWork[FakeCatalogRepository]) -> None:
    product_id = await a_product(uow, seller(), VariantSpec("B-1", 100))
    with pytest.raises(NotFound):
        await Catalog(uow).update_product(seller(), UpdateProduct(id=product_id, title="mine now"))
    assert uow.store.products[product_id].title == "Red shoes"


async def test_a_stale_version_is_a_conflict(uow: FakeUnitOfWork[FakeCatalogRepository]) -> None:
    owner = seller()
    product_id = await a_product(uow, owner, VariantSpec("C-1", 100))
    await Catalog(uow).update_product(owner, UpdateProduct(id=product_id, title="v2", expected_version=1))
    with pytest.raises(InputErrors) as err:
        await Catalog(uow).update_product(owner, UpdateProduct(id=product_id, title="v3", expected_version=1))
    assert err.value.errors[0].code == "CONFLICT"
    assert uow.store.products[product_id].title == "v2"


async def test_duplicate_skus_across_products_are_refused(uow: FakeUnitOfWork[FakeCatalogRepository]) -> None:
    await a_product(uow, seller(), VariantSpec("DUP-1", 100))
    with pytest.raises(InputErrors) as err:
        await a_product(uow, seller(), VariantSpec("DUP-1", 100))
    assert err.value.errors[0].code == "DUPLICATE_SKU"


async def adjust(
    uow: FakeUnitOfWork[FakeCatalogRepository], actor: Principal, variant_id: uuid.UUID, delta: int, key: str
) -> AdjustOutcome:
    return await Inventory(uow).adjust_inventory(
        actor, AdjustInventory(variant_id, "EU-1", delta, "RESTOCK", key)
    )


async def test_an_adjustment_retried_with_its_key_applies_once(
    uow: FakeUnitOfWork[FakeCatalogRepository],
) -> None:
    owner = seller()
    product_id = await a_product(uow, owner, VariantSpec("D-1", 100))
    [variant] = [v for v in uow.store.variants.values() if v.product_id == product_id]
    first = await adjust(uow, owner, variant.id, 5, "k1")
    again = await adjust(uow, owner, variant.id, 5, "k1")
    assert (first.replayed, again.replayed) == (False, True)
    assert again.item.on_hand == 5
    assert uow.published_types().count("inventory.changed") == 1


async def test_a_reused_key_with_another_body_is_refused(uow: FakeUnitOfWork[FakeCatalogRepository]) -> None:
    owner = seller()
    product_id = await a_product(uow, owner, VariantSpec("E-1", 100))
    [variant] = [v for v in uow.store.variants.values() if v.product_id == product_id]
    await adjust(uow, owner, variant.id, 5, "k1")
    with pytest.raises(InputErrors) as err:
        await adjust(uow, owner, variant.id, 7, "k1")
    assert err.value.errors[0].code == "IDEMPOTENCY_KEY_REUSED"


async def test_an_adjustment_below_zero_changes_nothing(uow: FakeUnitOfWork[FakeCatalogRepository]) -> None:
    owner = seller()
    product_id = await a_product(uow, owner, VariantSpec("F-1", 100))
    [variant] = [v for v in uow.store.variants.values() if v.product_id == product_id]
    await adjust(uow, owner, variant.id, 2, "k1")
    with pytest.raises(InputErrors) as err:
        await adjust(uow, owner, variant.id, -3, "k2")
    assert err.value.errors[0].code == "INSUFFICIENT_STOCK"
    assert uow.store.inventory[(variant.id, "EU-1")].on_hand == 2


async def test_categories_nest_under_parents_created_in_the_same_request(
    uow: FakeUnitOfWork[FakeCatalogRepository],
) -> None:
    [root] = await Taxonomy(uow).create_categories(admin(), [CategorySpec(name="Root")])
    [child] = await Taxonomy(uow).create_categories(admin(), [CategorySpec(name="Child", parent_id=root)])
    path, depth = uow.store.categories[child]
    assert path == f"/{root}/{child}/"
    assert depth == 1


async def test_only_admins_manage_categories(uow: FakeUnitOfWork[FakeCatalogRepository]) -> None:
    with pytest.raises(Forbidden):
        await Taxonomy(uow).create_categories(seller(), [CategorySpec(name="Nope")])
