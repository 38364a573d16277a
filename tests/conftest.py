"""Shared fixtures: settings for the running test stack, a signing key, an in-process app."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from subgraphs.accounts.entrypoints.dev_signer import TestSigner
from subgraphs.accounts.service_layer.services import AccountsServices
from subgraphs.cart.service_layer.services import CartServices
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.settings import Settings


def stack_env_present() -> bool:
    return all(
        k in os.environ for k in ("DATABASE_URL", "REDIS_URL", "KAFKA_BOOTSTRAP_SERVERS", "OPENSEARCH_URL")
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Service-backed tests need the stack `make test` starts; running them without it is an
    # error, never a silent skip.
    if not stack_env_present() and any("unit" not in str(i.fspath) for i in items):
        raise pytest.UsageError(
            "DATABASE_URL/REDIS_URL/KAFKA_BOOTSTRAP_SERVERS/OPENSEARCH_URL are not set: run `make test` "
            "(or `uv run pytest tests/unit` for the service-free tests)."
        )


@pytest.fixture(scope="session")
def signer() -> TestSigner:
    return TestSigner()


@pytest.fixture(scope="session")
def jwks_file(signer: TestSigner, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return signer.write_jwks(tmp_path_factory.mktemp("jwks") / "jwks.json")


@pytest.fixture(scope="session")
async def revocation_list_whole(jwks_file: Path) -> None:
    """Verifiers refuse signed-in requests until accounts has rebuilt the revocation markers
    (`revoked:epoch`); in-process subgraphs run without the accounts keeper, so the session
    starts with the rebuild accounts does when it starts."""
    from subgraphs.accounts.entrypoints.revocation_keeper import restore_once

    await restore_once(Settings.from_env("accounts", env={**os.environ, "JWT_JWKS_FILE": str(jwks_file)}))


@pytest.fixture(scope="session")
def settings(jwks_file: Path, revocation_list_whole: None) -> Settings:
    # Background workers and the anonymous response cache have their own tests; here every
    # request executes, so tests see their own writes at once.
    env = {
        **os.environ,
        "JWT_JWKS_FILE": str(jwks_file),
        "RUN_OUTBOX_RELAY": "0",
        "RUN_CONSUMERS": "0",
        "RESPONSE_CACHE": "0",
    }
    return Settings.from_env("products", env=env)


@dataclass
class Caller:
    """A user of the API in a test: an id, roles, and the bearer token that says so."""

    user_id: uuid.UUID
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"}


@pytest.fixture
def make_caller(signer: TestSigner) -> Any:
    def make(*roles: str) -> Caller:
        user_id = new_id()
        return Caller(user_id, signer.token(user_id, roles=list(roles) or ["buyer"]))

    return make


class GraphQLClient:
    def __init__(self, http: httpx.AsyncClient, path: str = "/graphql") -> None:
        self.http = http
        self.path = path

    async def __call__(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        caller: Caller | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        all_headers = {**(caller.headers if caller else {}), **(headers or {})}
        response = await self.http.post(
            self.path, json={"query": query, "variables": variables or {}}, headers=all_headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture(scope="session")
async def products_app(settings: Settings) -> AsyncIterator[Any]:
    from subgraphs.products.entrypoints.asgi import create

    app = create(settings)
    async with LifespanManager(app) as manager:
        yield manager.app


@pytest.fixture(scope="session")
async def products_http(products_app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=products_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://products.test") as client:
        yield client


@pytest.fixture(scope="session")
def gql(products_http: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(products_http)


@pytest.fixture(scope="session")
def accounts_env(
    signer: TestSigner, jwks_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """Accounts signs with the test signer's key, so its tokens verify in every subgraph."""
    key = signer.write_private_pem(tmp_path_factory.mktemp("keys") / "signing-key.pem")
    return {
        "ACCOUNTS_SIGNING_KEY_FILE": str(key),
        "ACCOUNTS_SIGNING_KID": signer.kid,
        # Cheap hashing keeps the suite fast; production uses the OWASP parameters.
        "ACCOUNTS_ARGON2_MEMORY_KIB": "1024",
        "ACCOUNTS_ARGON2_TIME_COST": "1",
        "ACCOUNTS_KYC_STORAGE_DIR": str(tmp_path_factory.mktemp("kyc")),
        "JWT_JWKS_FILE": str(jwks_file),
    }


@pytest.fixture(scope="session")
async def accounts_runtime(accounts_env: dict[str, str]) -> AsyncIterator[tuple[Any, AccountsServices]]:
    from subgraphs.accounts.entrypoints.asgi import create

    env = {**os.environ, **accounts_env, "RUN_OUTBOX_RELAY": "0", "RUN_CONSUMERS": "0"}
    app = create(Settings.from_env("accounts", env=env))
    async with LifespanManager(app) as manager:
        yield manager.app, manager._state["services"]


@pytest.fixture(scope="session")
def accounts_services(accounts_runtime: tuple[Any, AccountsServices]) -> AccountsServices:
    """What the accounts consumers call, for tests that drive a consumer's use case without Kafka."""
    return accounts_runtime[1]


@pytest.fixture(scope="session")
async def accounts_http(accounts_runtime: tuple[Any, AccountsServices]) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=accounts_runtime[0], client=("203.0.113.7", 5555))
    async with httpx.AsyncClient(transport=transport, base_url="http://accounts.test") as client:
        yield client


@pytest.fixture(scope="session")
def accounts_gql(accounts_http: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(accounts_http)


@pytest.fixture(scope="session")
async def cart_runtime(
    settings: Settings, products_app: Any, jwks_file: Path
) -> AsyncIterator[tuple[Any, CartServices]]:
    """The cart subgraph in-process; it asks the in-process products subgraph about variants."""
    from subgraphs.cart.entrypoints.bootstrap import bootstrap
    from subgraphs.cart.entrypoints.subgraph import CART
    from subgraphs.platform.app import build_app

    env = {**os.environ, "JWT_JWKS_FILE": str(jwks_file), "RUN_OUTBOX_RELAY": "0", "RUN_CONSUMERS": "0"}
    transport = httpx.ASGITransport(app=products_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://products.test") as products:
        config_env = {**env, "CART_PRODUCTS_URL": "http://products.test/graphql"}
        cart = replace(CART, bootstrap=partial(bootstrap, products_http=products))
        app = build_app(cart, Settings.from_env("cart", env=config_env))
        async with LifespanManager(app) as manager:
            yield manager.app, manager._state["services"]


@pytest.fixture(scope="session")
def cart_app(cart_runtime: tuple[Any, CartServices]) -> Any:
    return cart_runtime[0]


@pytest.fixture(scope="session")
def cart_services(cart_runtime: tuple[Any, CartServices]) -> CartServices:
    return cart_runtime[1]


@pytest.fixture(scope="session")
async def cart_http(cart_app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=cart_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://cart.test") as client:
        yield client


@pytest.fixture(scope="session")
def cart_gql(cart_http: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(cart_http)


@pytest.fixture(scope="session")
async def cart_engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    created = create_async_engine(settings.database_url)
    yield created
    await created.dispose()
