"""A peer subgraph that fails in any way is SERVICE_UNAVAILABLE for the checkout, never a 500."""

from __future__ import annotations

import httpx
import pytest

from subgraphs.orders.adapters.peers import CataloguePeer, Peer
from subgraphs.platform.kernel.errors import ServiceUnavailable
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.web.peer_client import HttpxPeerClient


def _failing(exc: Exception) -> httpx.AsyncClient:
    def handler(_: httpx.Request) -> httpx.Response:
        raise exc

    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        # anyio's socket stream on a connection reset mid-connect (seen killing products).
        AttributeError("'NoneType' object has no attribute 'getpeername'"),
    ],
)
async def test_a_failing_catalogue_call_is_a_coded_outage(failure: Exception) -> None:
    async with _failing(failure) as client:
        catalogue = CataloguePeer(Peer(HttpxPeerClient(client), "http://products.test/graphql", "products"))
        with pytest.raises(ServiceUnavailable) as refused:
            await catalogue.offers([new_id()])
    assert refused.value.extensions["dependency"] == "products"


async def test_an_error_answer_is_a_coded_outage_too() -> None:
    async def handler(_: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"errors": [{"message": "boom"}], "data": None})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(ServiceUnavailable):
            await CataloguePeer(
                Peer(HttpxPeerClient(client), "http://products.test/graphql", "products")
            ).offers([new_id()])
