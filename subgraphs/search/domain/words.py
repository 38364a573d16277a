"""Words as the fallback engine sees them: folded tokens, and how many typos each may carry.

The edit budget is OpenSearch's `fuzziness: AUTO` (none up to two letters, one up to five,
two beyond), so both engines forgive the same mistakes.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"[^\W_]+")
MIN_FUZZY_LENGTH = 3
MAX_WORD_LENGTH = 40
MAX_QUERY_WORDS = 12


def words_of(text: str) -> list[str]:
    """The text's words, case-folded, in order (punctuation and query syntax are separators)."""
    return [w for w in _TOKEN.findall(text.casefold()) if len(w) <= MAX_WORD_LENGTH]


def vocabulary(*texts: str | None) -> set[str]:
    """The words worth remembering for corrections (short words are never corrected)."""
    return {w for text in texts if text for w in words_of(text) if len(w) >= MIN_FUZZY_LENGTH}


def edit_budget(word: str) -> int:
    if len(word) < MIN_FUZZY_LENGTH:
        return 0
    return 1 if len(word) <= 5 else 2
