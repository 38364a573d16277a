"""What a field costs, for the router's demand control (`@cost`, `@listSize` in the supergraph).

The router (router/cost.ts) charges 1 per object a resolver produces and 0 per scalar, times
the length of every list, and refuses or rate-limits by the total. A subgraph states here what
only it knows: how long its lists are and which objects are free to produce.

- `PAGINATED` on every connection field: its `first` / `last` argument sizes `edges` and
  `nodes` (the default page when neither is given); `PAGINATED_FORWARD` when it has no `last`.
- `expected_size(n)` on every other list: how many items it usually holds. The router refuses
  by the estimate and then charges what the response really held, so this is a typical size,
  not a worst case.
- `FREE` on value types read off their parent (money, page info, user errors, edges): no
  resolver work of their own.
"""

from __future__ import annotations

from strawberry import UNSET
from strawberry.federation.schema_directives import Cost, ListSize

from subgraphs.platform.kernel.paging import DEFAULT_PAGE_SIZE

PAGINATED = ListSize(
    slicing_arguments=["first", "last"],
    sized_fields=["edges", "nodes"],
    assumed_size=DEFAULT_PAGE_SIZE,
    require_one_slicing_argument=False,
)
# A connection that pages forward only (`first`, `after`).
PAGINATED_FORWARD = ListSize(
    slicing_arguments=["first"],
    sized_fields=["edges", "nodes"],
    assumed_size=DEFAULT_PAGE_SIZE,
    require_one_slicing_argument=False,
)

FREE = Cost(weight=0)


def expected_size(items: int) -> ListSize:
    # Strawberry's dataclass defaults these to UNSET (left out of the SDL), which its stubs
    # do not declare: pass them explicitly.
    return ListSize(
        assumed_size=items, slicing_arguments=UNSET, sized_fields=UNSET, require_one_slicing_argument=False
    )
