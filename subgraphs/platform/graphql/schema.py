"""The federation schema class every subgraph builds on."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError


class SubgraphSchema(strawberry.federation.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:  # noqa: ARG002
        # Strawberry logs every error by default, user mistakes included; `CodedErrors`
        # already logs the unexpected ones with the request id.
        return None
