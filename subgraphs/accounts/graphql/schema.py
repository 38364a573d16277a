"""The accounts subgraph schema (Federation 2)."""

from __future__ import annotations

import strawberry

from subgraphs.accounts.graphql.access import AccessMutation, AccessQuery
from subgraphs.accounts.graphql.addresses import AddressMutation, AddressQuery
from subgraphs.accounts.graphql.devices import DeviceMutation, DeviceQuery
from subgraphs.accounts.graphql.kyc import KycMutation, KycQuery
from subgraphs.accounts.graphql.mutations import IdentityMutation
from subgraphs.accounts.graphql.password_reset import PasswordResetMutation, PasswordResetQuery
from subgraphs.accounts.graphql.queries import IdentityQuery
from subgraphs.accounts.graphql.types import User
from subgraphs.accounts.graphql.users import ProfileMutation, UserQuery
from subgraphs.platform.graphql.auth_extension import reject_invalid_tokens
from subgraphs.platform.graphql.limits import limit_extensions
from subgraphs.platform.graphql.schema import SubgraphSchema
from subgraphs.platform.settings import Settings

# Operations that get a token may carry a stale one (an expired access token).
TOKEN_FREE = frozenset(
    {
        "login",
        "register",
        "refreshToken",
        "requestPasswordReset",
        "passwordResetTokenStatus",
        "resetPassword",
        "__typename",
    }
)


@strawberry.type
class Query(IdentityQuery, DeviceQuery, UserQuery, PasswordResetQuery, KycQuery, AccessQuery, AddressQuery):
    pass


@strawberry.type
class Mutation(
    IdentityMutation,
    DeviceMutation,
    ProfileMutation,
    PasswordResetMutation,
    KycMutation,
    AccessMutation,
    AddressMutation,
):
    pass


def build_schema(settings: Settings) -> SubgraphSchema:
    return SubgraphSchema(
        query=Query,
        mutation=Mutation,
        types=[User],
        federation_version="2.9",
        extensions=[reject_invalid_tokens(TOKEN_FREE), *limit_extensions(settings)],
    )
