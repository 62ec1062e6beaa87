"""Possible duplicates (sáng kiến trùng lặp): word-based similarity of titles and descriptions, accents aside."""

from __future__ import annotations

from typing import Mapping

from rapidfuzz import fuzz

from conversations.text import fold

TITLE_WEIGHT = 0.6  # a title names the idea; the description says it in more (and more varied) words
SHORT = 5  # words: below this a description is too short to count a subset as the same idea


def similarity(a: tuple[str, str], b: tuple[str, str]) -> float:
    """0–100 for two (title, problem and solution) pairs."""
    title = fuzz.token_sort_ratio(fold(a[0]), fold(b[0]))
    body_a, body_b = fold(a[1]), fold(b[1])
    if not body_a or not body_b:
        return title
    shorter = min(len(body_a.split()), len(body_b.split()))
    body = fuzz.token_set_ratio(body_a, body_b) if shorter >= SHORT else fuzz.token_sort_ratio(body_a, body_b)
    return TITLE_WEIGHT * title + (1 - TITLE_WEIGHT) * body


def closest(text: tuple[str, str], pool: Mapping[int, tuple[str, str]], threshold: float, limit: int = 3) -> list[tuple[int, float]]:
    """The ids in `pool` at least `threshold` similar to `text`, most similar first."""
    scored = ((key, similarity(text, other)) for key, other in pool.items())
    matches = sorted((pair for pair in scored if pair[1] >= threshold), key=lambda pair: (-pair[1], pair[0]))
    return matches[:limit]
