"""Which failures are outages (retry, 503) and which are bugs (masked, dead-lettered)."""

from __future__ import annotations

import asyncpg
import httpx
import pytest
import sqlalchemy.exc
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

from subgraphs.platform.faults import as_unavailable, unavailable_dependency
from subgraphs.platform.kernel.errors import ServiceUnavailable
from subgraphs.platform.web.graphql_view import unavailable_retry_after


def wrapped(inner: BaseException) -> BaseException:
    try:
        try:
            raise inner
        except BaseException as exc:
            raise RuntimeError("the adapter's own error") from exc
    except RuntimeError as outer:
        return outer


@pytest.mark.parametrize(
    ("error", "dependency"),
    [
        (RedisConnectionError("gone"), "redis"),
        (asyncpg.exceptions.ConnectionDoesNotExistError("closed"), "postgres"),
        (asyncpg.exceptions.CannotConnectNowError("starting up"), "postgres"),
        (sqlalchemy.exc.TimeoutError("pool"), "postgres"),
        (ConnectionRefusedError(111, "refused"), "network"),
        (httpx.ConnectError("products is down"), "subgraph"),
        (wrapped(RedisConnectionError("gone")), "redis"),
        (ServiceUnavailable("x", dependency="kafka"), "kafka"),
    ],
)
def test_outages_name_the_service_that_is_away(error: BaseException, dependency: str) -> None:
    assert unavailable_dependency(error) == dependency
    unavailable = as_unavailable(error)
    assert unavailable is not None
    assert unavailable.as_extensions()["dependency"] == dependency


@pytest.mark.parametrize(
    "error",
    [
        ValueError("a bug"),
        KeyError("x"),
        ResponseError("WRONGTYPE"),
        asyncpg.exceptions.UniqueViolationError("dup"),
    ],
)
def test_bugs_and_refusals_are_not_outages(error: BaseException) -> None:
    assert unavailable_dependency(error) is None
    assert as_unavailable(error) is None


def test_a_whole_request_outage_is_a_503_with_the_longest_retry_after() -> None:
    error = {"extensions": {"code": "SERVICE_UNAVAILABLE", "retryAfterSeconds": 2}}
    assert (
        unavailable_retry_after(
            {"data": None, "errors": [error, {"extensions": {"code": "SERVICE_UNAVAILABLE"}}]}
        )
        == 2
    )
    # Some data came back, or another error is in the mix: an ordinary 200.
    assert unavailable_retry_after({"data": {"me": None}, "errors": [error]}) is None
    assert (
        unavailable_retry_after({"data": None, "errors": [error, {"extensions": {"code": "FORBIDDEN"}}]})
        is None
    )
