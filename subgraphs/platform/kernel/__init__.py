"""The framework-free kernel: the only platform code a `domain/` or `service_layer/` may import.

    errors         the coded error tree every layer raises (mapped to GraphQL codes at the edge)
    results        `InputErrors`: several problems with one input, reported together
    ids, clock     UUIDv7 ids and UTC time
    money          integer minor units and ISO 4217 codes
    messages       the base of the typed events in `subgraphs/contracts` and their JSON envelope
    paging         cursor pages (`PageArgs`, `Page`, opaque keyset cursors) without SQL
    unit_of_work   the unit-of-work port every subgraph's use cases take, and event claims

Nothing here imports Strawberry, Starlette, SQLAlchemy, Redis, Kafka or httpx (the import
contracts in pyproject.toml keep it so).
"""
