"""What subgraphs promise each other: the events and topics they publish, and the access token.

    access      the verified caller every subgraph (and the router) reads from the access token
    products    catalogue events (products, inventory, taxonomy) and their topics
    accounts    identity and access events
    cart        cart and wishlist events
    orders      the checkout saga, the seller orders' lifecycle, shipments, returns, payouts
    audit       what must be on record (admin override uses)
    search      discovery: product views, the recommendation log, merchandising rules
    addresses   the postal address the address book keeps and orders ship to
    dead_letters  the topic consumers put poison events on (with where and why)
    registry    every contract as JSON Schema (`schema/events/`), and the compatibility check

Producers and consumers both import these definitions (never string literals), so renaming a
field breaks the build on both sides, and the registry test refuses a change an existing
consumer could not read (a field removed, retyped or made required).
"""

CONTRACT_MODULES = (
    "subgraphs.contracts.products",
    "subgraphs.contracts.accounts",
    "subgraphs.contracts.cart",
    "subgraphs.contracts.orders",
    "subgraphs.contracts.audit",
    "subgraphs.contracts.search",
)
