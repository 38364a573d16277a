"""The accounts subgraph as the platform builds it: schema, storage, services, consumers, the JWKS.

Besides GraphQL it serves the JWKS at `/.well-known/jwks.json`: the router and every subgraph
verify access tokens with these public keys.
"""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from subgraphs.accounts.adapters import tables
from subgraphs.accounts.entrypoints.bootstrap import bootstrap
from subgraphs.accounts.entrypoints.config import AccountsConfig
from subgraphs.accounts.entrypoints.consumers import CONSUMERS
from subgraphs.accounts.entrypoints.revocation_keeper import keep_revocation_markers
from subgraphs.accounts.graphql.schema import build_schema
from subgraphs.accounts.service_layer.services import AccountsServices
from subgraphs.platform.sql.retention import older_than
from subgraphs.platform.subgraph import RetentionJob, Subgraph


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
    workers=(keep_revocation_markers,),
    # A revocation outlives its tokens by an hour, then only the device/session rows remember it.
    retention=(
        RetentionJob(tables.revocations, older_than(tables.revocations.c.expires_at, timedelta(hours=1))),
    ),
    routes=(Route("/.well-known/jwks.json", jwks),),
    uploads=True,
)
