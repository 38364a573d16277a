"""The accounts subgraph as the platform builds it: schema, storage, services, consumers, the JWKS.

Besides GraphQL it serves the JWKS at `/.well-known/jwks.json`: the router and every subgraph
verify access tokens with these public keys.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from subgraphs.accounts.adapters import tables
from subgraphs.accounts.entrypoints.bootstrap import bootstrap
from subgraphs.accounts.entrypoints.config import AccountsConfig
from subgraphs.accounts.entrypoints.consumers import CONSUMERS
from subgraphs.accounts.graphql.schema import build_schema
from subgraphs.accounts.service_layer.services import AccountsServices
from subgraphs.platform.subgraph import Subgraph


async def jwks(request: Request) -> Response:
    services: AccountsServices = request.state.services
    return JSONResponse(services.keys.jwks(), headers={"cache-control": "public, max-age=300"})


ACCOUNTS: Subgraph[AccountsServices, AccountsConfig] = Subgraph(
    name="accounts",
    port=4002,
    schema=build_schema,
    storage=tables.STORAGE,
    config=AccountsConfig.from_env,
    bootstrap=bootstrap,
    consumers=CONSUMERS,
    routes=(Route("/.well-known/jwks.json", jwks),),
    uploads=True,
)
