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


def _groups() -> dict[str, tuple[str, ...]]:
    groups: dict[str, tuple[str, ...]] = {}
    for line in SYNONYMS:
        members = tuple(m.strip() for m in line.split(","))
        for member in members:
            groups[member] = members
    return groups


_GROUPS = _groups()


def synonyms_of(word: str) -> tuple[str, ...]:
    """The other words of a folded word's group (tried as written, then without a plural
    ending: "couches" is a "couch"), for engines that expand synonyms in our code."""
    for form in (word, word.removesuffix("es"), word.removesuffix("s")):
        if form in _GROUPS:
            return tuple(m for m in _GROUPS[form] if m != word)
    return ()
