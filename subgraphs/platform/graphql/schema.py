"""The federation schema class every subgraph builds on."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.types.graphql import OperationType

from subgraphs.platform.graphql.errors import code_errors
from subgraphs.platform.graphql.fast_execution import FastExecutionContext


class SubgraphSchema(strawberry.federation.Schema):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("execution_context_class", FastExecutionContext)
        super().__init__(*args, **kwargs)

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        # Strawberry logs every error by default, user mistakes included; `code_errors` logs the
        # unexpected ones with the request id. HTTP answers are coded by the view; subscription
        # results leave over the WebSocket from here, so they are coded here, in place.
        try:
            operation = execution_context.operation_type if execution_context is not None else None
        except RuntimeError:  # no document (it did not parse): not a subscription's result
            return
        if operation is OperationType.SUBSCRIPTION:
            for error, coded in zip(errors, code_errors(list(errors)), strict=True):
                error.message, error.extensions = coded.message, coded.extensions
