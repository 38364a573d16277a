"""Search queries: `search` (hits, facets, highlights, did-you-mean) and `searchSuggest`."""

from __future__ import annotations

import uuid

import strawberry

from subgraphs.platform.graphql.arguments import id_filter
from subgraphs.platform.graphql.cost import PAGINATED_FORWARD, expected_size
from subgraphs.platform.graphql.selection import selected_paths
from subgraphs.platform.graphql.types import PageInfo
from subgraphs.search.domain import query as q
from subgraphs.search.domain.errors import InvalidFilter
from subgraphs.search.domain.results import SearchPage
from subgraphs.search.graphql.context import Info
from subgraphs.search.graphql.types import (
    Product,
    SearchConnection,
    SearchEdge,
    SearchFacets,
    SearchHighlight,
    SearchSuggestion,
)

SearchSort = strawberry.enum(
    q.SortOrder,
    name="SearchSort",
    description="RELEVANCE (default), lowest price up or down, NEWEST first, most POPULAR first.",
)


@strawberry.input
class SearchAttributeFilter:
    name: str
    values: list[str] = strawberry.field(description="Any of these values (at most 20).")


@strawberry.input(description="Every filter given must hold; within one list, any value may.")
class SearchFilter:
    category_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="In any of these categories or their descendants."
    )
    brand_ids: list[strawberry.ID] | None = None
    seller_ids: list[strawberry.ID] | None = None
    price_min: int | None = strawberry.field(default=None, description="Lowest variant price, minor units.")
    price_max: int | None = None
    attributes: list[SearchAttributeFilter] | None = None
    in_stock: bool | None = None


def _ids(raw: list[strawberry.ID] | None, name: str) -> tuple[uuid.UUID, ...]:
    if not raw:
        return ()
    if len(raw) > q.MAX_IDS_PER_FILTER:
        raise InvalidFilter(f"At most {q.MAX_IDS_PER_FILTER} ids.", field=f"filter.{name}")
    parsed = [id_filter(r, f"filter.{name}.{i}") for i, r in enumerate(raw)]
    return tuple(p for p in parsed if p is not None)


def _filter(raw: SearchFilter | None) -> q.SearchFilter:
    if raw is None:
        return q.SearchFilter()
    attributes = raw.attributes or []
    if len(attributes) > q.MAX_ATTRIBUTE_FILTERS:
        raise InvalidFilter(f"At most {q.MAX_ATTRIBUTE_FILTERS} attributes.", field="filter.attributes")
    return q.SearchFilter(
        category_ids=_ids(raw.category_ids, "categoryIds"),
        brand_ids=_ids(raw.brand_ids, "brandIds"),
        seller_ids=_ids(raw.seller_ids, "sellerIds"),
        price_min=raw.price_min,
        price_max=raw.price_max,
        attributes=tuple(
            q.AttributeFilter(name=a.name.strip(), values=tuple(dict.fromkeys(v.strip() for v in a.values)))
            for a in attributes
        ),
        in_stock=raw.in_stock,
    )


def _result(page: SearchPage, request: q.SearchRequest) -> SearchConnection:
    edges = [
        SearchEdge(
            cursor=page.cursor_of(i, request),
            node=Product(id=strawberry.ID(str(hit.product_id))),
            score=hit.score if request.sort is q.SortOrder.RELEVANCE else None,
            highlights=[SearchHighlight(field=h.field, fragments=list(h.fragments)) for h in hit.highlights],
        )
        for i, hit in enumerate(page.hits)
    ]
    return SearchConnection(
        edges=edges,
        nodes=[e.node for e in edges],
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.position > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=page.total,
        total_count_is_exact=page.total_is_exact,
        facets=SearchFacets.from_domain(page.facets),
        did_you_mean=page.did_you_mean,
    )


@strawberry.type
class SearchQuery:
    @strawberry.field(
        description=(
            "Full-text search over visible products (title, description, brand, category, attribute "
            "values) with typo tolerance, synonyms and English stemming. Leave `query` out to browse "
            "by filters alone. Pages forward by cursor, up to 10,000 hits deep."
        ),
        directives=[PAGINATED_FORWARD],
    )
    async def search(
        self,
        info: Info,
        query: str | None = None,
        filter: SearchFilter | None = None,
        sort: q.SortOrder = q.SortOrder.RELEVANCE,
        first: int = 20,
        after: str | None = None,
        highlight: bool = False,
    ) -> SearchConnection:
        chosen = selected_paths(info.selected_fields[0].selections)
        request = q.SearchRequest.build(
            query,
            filter=_filter(filter),
            sort=sort,
            first=first,
            facets=q.FacetRequest(
                categories="facets.categories" in chosen,
                brands="facets.brands" in chosen,
                price_ranges="facets.priceRanges" in chosen,
                attributes="facets.attributes" in chosen,
            ),
            highlight=highlight and "edges.highlights" in chosen,
        )
        page = await info.context.services.searches.search(request, after)
        return _result(page, request)

    @strawberry.field(
        description="Completions of what a shopper is typing (titles and brands), at most 10.",
        directives=[expected_size(8)],
    )
    async def search_suggest(self, info: Info, prefix: str, first: int = 8) -> list[SearchSuggestion]:
        found = await info.context.services.searches.suggest(prefix, first)
        return [
            SearchSuggestion(
                text=s.text, product=Product(id=strawberry.ID(str(s.product_id))) if s.product_id else None
            )
            for s in found
        ]
