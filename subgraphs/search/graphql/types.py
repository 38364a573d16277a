"""Search GraphQL types. Hits, categories and brands are entity references: the router fills
in any field of them from the products subgraph."""

from __future__ import annotations

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet

from subgraphs.platform.graphql.cost import FREE, expected_size
from subgraphs.platform.graphql.types import PageInfo
from subgraphs.search.domain import results


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)])
class Product:
    id: strawberry.ID


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)])
class Category:
    id: strawberry.ID


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)])
class Brand:
    id: strawberry.ID


@strawberry.type(
    description="Matched words of one field, HTML-escaped, matches wrapped in <mark>.", directives=[FREE]
)
class SearchHighlight:
    field: str
    fragments: list[str] = strawberry.field(directives=[expected_size(2)])


@strawberry.type(directives=[FREE])
class SearchEdge:
    cursor: str
    node: Product
    score: float | None = strawberry.field(description="Relevance (null when sorted by something else).")
    highlights: list[SearchHighlight] = strawberry.field(
        directives=[expected_size(2)], description="Only when `highlight: true` and there is a query."
    )


@strawberry.type(directives=[FREE])
class CategoryFacetValue:
    category: Category
    count: int
    selected: bool


@strawberry.type(directives=[FREE])
class BrandFacetValue:
    brand: Brand
    count: int
    selected: bool


@strawberry.type(
    description="Lowest variant price in [min, max) minor units; null is open.", directives=[FREE]
)
class PriceRangeFacetValue:
    min: int | None
    max: int | None
    count: int
    selected: bool


@strawberry.type(directives=[FREE])
class AttributeFacetValue:
    value: str
    count: int
    selected: bool


@strawberry.type(directives=[FREE])
class AttributeFacet:
    name: str
    values: list[AttributeFacetValue] = strawberry.field(directives=[expected_size(20)])


@strawberry.type(
    description=(
        "Counts per value. Each facet counts under every filter except its own (choosing a "
        "brand still shows the other brands' counts); only the facets selected are computed."
    ),
    directives=[FREE],
)
class SearchFacets:
    categories: list[CategoryFacetValue] = strawberry.field(directives=[expected_size(30)])
    brands: list[BrandFacetValue] = strawberry.field(directives=[expected_size(30)])
    price_ranges: list[PriceRangeFacetValue] = strawberry.field(directives=[expected_size(7)])
    attributes: list[AttributeFacet] = strawberry.field(directives=[expected_size(10)])

    @classmethod
    def from_domain(cls, facets: results.Facets) -> SearchFacets:
        return cls(
            categories=[
                CategoryFacetValue(
                    category=Category(id=strawberry.ID(b.key)), count=b.count, selected=b.selected
                )
                for b in facets.categories
            ],
            brands=[
                BrandFacetValue(brand=Brand(id=strawberry.ID(b.key)), count=b.count, selected=b.selected)
                for b in facets.brands
            ],
            price_ranges=[
                PriceRangeFacetValue(min=p.min, max=p.max, count=p.count, selected=p.selected)
                for p in facets.price_ranges
            ],
            attributes=[
                AttributeFacet(
                    name=a.name,
                    values=[
                        AttributeFacetValue(value=v.key, count=v.count, selected=v.selected) for v in a.values
                    ],
                )
                for a in facets.attributes
            ],
        )


@strawberry.type(description="A page of search hits (cursor pagination over one snapshot).")
class SearchConnection:
    edges: list[SearchEdge]
    nodes: list[Product]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Exact up to 10,000; see totalCountIsExact.")
    total_count_is_exact: bool
    facets: SearchFacets
    did_you_mean: str | None = strawberry.field(
        description="For a query that found nothing: a spelling that finds something."
    )


@strawberry.type(directives=[FREE])
class SearchSuggestion:
    text: str
    product: Product | None
