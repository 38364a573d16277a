"""The address book: your saved addresses (`addresses`, `address`) and their mutations.

Always your own: someone else's address id is "not found", for admins too.
"""

from __future__ import annotations

from datetime import datetime

import strawberry

from subgraphs.accounts.domain.address_book import SavedAddress
from subgraphs.accounts.graphql.context import Info
from subgraphs.platform.graphql.arguments import page_args, uuid_arg
from subgraphs.platform.graphql.cost import PAGINATED
from subgraphs.platform.graphql.mutations import user_errors
from subgraphs.platform.graphql.types import Connection, UserError
from subgraphs.platform.kernel.ids import parse_id


@strawberry.type(description="A saved postal address.")
class Address:
    id: strawberry.ID
    label: str | None
    name: str
    line1: str
    line2: str | None
    city: str
    region: str | None
    postal_code: str
    country: str = strawberry.field(description="ISO 3166-1 alpha-2.")
    phone: str | None
    is_default: bool = strawberry.field(description="Your default shipping address.")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, s: SavedAddress) -> Address:
        a = s.address
        return cls(
            id=strawberry.ID(str(s.id)),
            label=s.label,
            name=a.name,
            line1=a.line1,
            line2=a.line2,
            city=a.city,
            region=a.region,
            postal_code=a.postal_code,
            country=a.country,
            phone=a.phone,
            is_default=s.is_default,
            created_at=s.created_at,
            updated_at=s.updated_at,
        )


@strawberry.input
class AddressBookInput:
    label: str | None = strawberry.field(
        default=None, description="e.g. Home, Office (at most 40 characters)."
    )
    name: str
    line1: str
    line2: str | None = None
    city: str
    region: str | None = None
    postal_code: str
    country: str = strawberry.field(description="ISO 3166-1 alpha-2, e.g. DE.")
    phone: str | None = None
    is_default: bool = strawberry.field(default=False, description="Make it your default shipping address.")

    def fields(self) -> dict[str, str | None]:
        return {
            "name": self.name,
            "line1": self.line1,
            "line2": self.line2,
            "city": self.city,
            "region": self.region,
            "postal_code": self.postal_code,
            "country": self.country,
            "phone": self.phone,
        }


@strawberry.type
class AddressPayload:
    address: Address | None
    user_errors: list[UserError]


@strawberry.type
class AddressDeletePayload:
    deleted_id: strawberry.ID | None
    user_errors: list[UserError]


@strawberry.type
class AddressQuery:
    @strawberry.federation.field(
        authenticated=True, description="Your address book, newest first.", directives=[PAGINATED]
    )
    async def addresses(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Address]:
        owner = info.context.require_principal()
        page = await info.context.services.address_reads.addresses(
            owner.user_id, page_args(info.context, first, after, last, before)
        )
        return Connection.from_page(page, Address.of)

    @strawberry.federation.field(authenticated=True, description="One of your saved addresses.")
    async def address(self, info: Info, id: strawberry.ID) -> Address | None:
        owner = info.context.require_principal()
        key = parse_id(id)
        found = await info.context.services.address_reads.address(owner.user_id, key) if key else None
        return Address.of(found) if found else None


@strawberry.type
class AddressMutation:
    @strawberry.federation.mutation(authenticated=True, description="Saves an address (at most 20).")
    async def address_add(self, info: Info, input: AddressBookInput) -> AddressPayload:
        owner = info.context.require_principal()
        book = info.context.services.address_book
        saved, errors = await user_errors(book.add(owner, input.fields(), input.label, input.is_default))
        return AddressPayload(address=Address.of(saved) if saved else None, user_errors=errors)

    @strawberry.federation.mutation(authenticated=True, description="Replaces a saved address.")
    async def address_update(self, info: Info, id: strawberry.ID, input: AddressBookInput) -> AddressPayload:
        owner = info.context.require_principal()
        book = info.context.services.address_book
        saved, errors = await user_errors(
            lambda: book.update(owner, uuid_arg(id, "id"), input.fields(), input.label, input.is_default)
        )
        return AddressPayload(address=Address.of(saved) if saved else None, user_errors=errors)

    @strawberry.federation.mutation(authenticated=True, description="Makes a saved address your default.")
    async def address_set_default(self, info: Info, id: strawberry.ID) -> AddressPayload:
        owner = info.context.require_principal()
        book = info.context.services.address_book
        saved, errors = await user_errors(lambda: book.make_default(owner, uuid_arg(id, "id")))
        return AddressPayload(address=Address.of(saved) if saved else None, user_errors=errors)

    @strawberry.federation.mutation(
        authenticated=True, description="Deletes a saved address (the newest other one becomes the default)."
    )
    async def address_delete(self, info: Info, id: strawberry.ID) -> AddressDeletePayload:
        owner = info.context.require_principal()
        book = info.context.services.address_book
        deleted, errors = await user_errors(lambda: book.delete(owner, uuid_arg(id, "id")))
        return AddressDeletePayload(
            deleted_id=strawberry.ID(str(deleted)) if deleted else None, user_errors=errors
        )
