from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import GraphQLClient
from tests.graphql.catalog import CatalogBuilder, Taxonomy


@pytest.fixture
def admin(make_caller: Any) -> Any:
    return make_caller("admin")


@pytest.fixture
def seller(make_caller: Any) -> Any:
    return make_caller("seller")


@pytest.fixture
def builder(gql: GraphQLClient, admin: Any) -> CatalogBuilder:
    return CatalogBuilder(gql, admin)


@pytest.fixture
async def taxonomy(builder: CatalogBuilder) -> Taxonomy:
    return await builder.taxonomy()
