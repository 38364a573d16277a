"""The unit of work: all or nothing, and a consumer's claim honoured exactly once."""

from __future__ import annotations

import uuid
from typing import cast

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.unit_of_work import AlreadyProcessed, Claim
from subgraphs.products.adapters.repository import SqlCatalogRepository
from subgraphs.products.adapters.unit_of_work import catalog_unit_of_work
from subgraphs.products.service_layer.ports import OpenCatalogUnitOfWork
from tests.fakes.products import catalog_unit_of_work as fake_catalog_unit_of_work


def category_row() -> tuple[uuid.UUID, dict[str, object]]:
    category_id = new_id()
    row = {"id": category_id, "parent_id": None, "name": "Uow", "slug": f"uow-{category_id}"}
    return category_id, {**row, "path": f"/{category_id}/", "depth": 0, "position": 0}


async def fail_inside(open_uow: OpenCatalogUnitOfWork, error: Exception, claim: Claim | None = None) -> None:
    async with open_uow(claim) as uow:
        await uow.repo.add_categories([category_row()[1]])
        raise error


class UnitOfWorkContract:
    async def test_work_not_committed_is_not_kept(self, open_uow: OpenCatalogUnitOfWork) -> None:
        category_id, row = category_row()
        async with open_uow() as uow:
            await uow.repo.add_categories([row])
        async with open_uow() as uow:
            assert await uow.repo.get_category_path(category_id) is None

    async def test_committed_work_is_kept(self, open_uow: OpenCatalogUnitOfWork) -> None:
        category_id, row = category_row()
        async with open_uow() as uow:
            await uow.repo.add_categories([row])
            await uow.commit()
        async with open_uow() as uow:
            assert await uow.repo.get_category_path(category_id) == (f"/{category_id}/", 0)

    async def test_a_claim_is_honoured_once(self, open_uow: OpenCatalogUnitOfWork) -> None:
        claim = Claim("contract-test", new_id())
        async with open_uow(claim) as uow:
            await uow.commit()
        with pytest.raises(AlreadyProcessed):
            await fail_inside(open_uow, RuntimeError("never reached"), claim)

    async def test_a_claim_whose_work_failed_can_be_taken_again(
        self, open_uow: OpenCatalogUnitOfWork
    ) -> None:
        claim = Claim("contract-test", new_id())
        with pytest.raises(ConnectionError):
            await fail_inside(open_uow, ConnectionError("a cache was down"), claim)
        async with open_uow(claim) as uow:
            await uow.commit()

    async def test_a_read_only_unit_of_work_reads_committed_work_and_cannot_commit(
        self, open_uow: OpenCatalogUnitOfWork
    ) -> None:
        category_id, row = category_row()
        async with open_uow() as uow:
            await uow.repo.add_categories([row])
            await uow.commit()
        async with open_uow(read_only=True) as uow:
            assert await uow.repo.get_category_path(category_id) == (f"/{category_id}/", 0)
            with pytest.raises(RuntimeError):
                await uow.commit()


class TestFakeUnitOfWork(UnitOfWorkContract):
    @pytest.fixture
    def open_uow(self) -> OpenCatalogUnitOfWork:
        return fake_catalog_unit_of_work()


class TestSqlUnitOfWork(UnitOfWorkContract):
    @pytest.fixture
    def open_uow(self, engine: AsyncEngine) -> OpenCatalogUnitOfWork:
        return catalog_unit_of_work(engine)

    async def test_read_only_work_opens_no_transaction(self, open_uow: OpenCatalogUnitOfWork) -> None:
        async def two_ids(read_only: bool) -> tuple[object, object]:
            async with open_uow(read_only=read_only) as uow:
                conn = cast(SqlCatalogRepository, uow.repo).conn
                first = (await conn.execute(text("SELECT txid_current()"))).scalar_one()
                return first, (await conn.execute(text("SELECT txid_current()"))).scalar_one()

        first, second = await two_ids(read_only=True)
        assert first != second  # no BEGIN (and no ROLLBACK): each statement on its own
        first, second = await two_ids(read_only=False)
        assert first == second  # the ordinary unit of work: one transaction
