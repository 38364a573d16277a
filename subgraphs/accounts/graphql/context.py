"""The accounts subgraph's typed request context: `info.context.services` is `AccountsServices`."""

from __future__ import annotations

import strawberry

from subgraphs.accounts.service_layer.services import AccountsServices
from subgraphs.platform.graphql.context import Context

AccountsContext = Context[AccountsServices]
Info = strawberry.Info[AccountsContext, None]
