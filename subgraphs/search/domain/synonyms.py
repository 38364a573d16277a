"""Words shoppers use for the same thing (applied when a query is read, not when indexing).

Equivalent groups in the Solr format OpenSearch's synonym filter reads. Because they apply at
query time, a change here needs no reindex, only the index settings refreshed.
"""

from __future__ import annotations

SYNONYMS: tuple[str, ...] = (
    "sneakers, trainers, running shoes",
    "headphones, earphones, headset, earbuds",
    "bicycle, bike, cycle",
    "mug, cup",
    "jacket, coat",
    "perfume, fragrance, scent",
    "charger, adapter",
    "lamp, light",
    "bottle, flask",
    "speaker, loudspeaker",
    "tee, t-shirt, tshirt",
    "sofa, couch",
    "laptop, notebook",
    "phone, smartphone, mobile",
    "tv, television",
    "backpack, rucksack",
    "drone, quadcopter",
    "grey, gray",
)
