"""Where a consumer puts an event it gave up on, so one poison event never blocks a partition.

The message is the original envelope, byte for byte, keyed as it was; headers say where it
came from and why it failed: `dl-group`, `dl-topic`, `dl-partition`, `dl-offset`,
`dl-attempts`, `dl-error` (the exception's type and message, truncated). An outage (PostgreSQL,
Valkey, Kafka or a peer subgraph away) never sends an event here: those are retried until the
service is back. Replaying is re-publishing the value to `dl-topic`: the claims make it safe.
"""

from subgraphs.platform.kernel.messages import Topic

DEAD_LETTER_TOPIC = Topic(
    "platform.dead-letters.v1",
    "Events a consumer group gave up on after repeated non-outage failures, with dl-* headers.",
)
DEAD_LETTER_HEADERS = ("dl-group", "dl-topic", "dl-partition", "dl-offset", "dl-attempts", "dl-error")
