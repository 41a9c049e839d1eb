"""Readability of the engine's plain-language text: the Flesch-Kincaid grade level.

grade = 0.39 × words per sentence + 11.8 × syllables per word − 15.59 (Kincaid et al. 1975).
Syllables are counted by vowel groups with the usual English corrections; numbers, money and
percentages count as they are read aloud ("$4,800" is about three syllables, not one word of
nine). Written here because textstat needs a corpus download at run time.
"""

from __future__ import annotations

import re

SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=[A-Z\"'(])")
WORD = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*|\$?\d[\d,.]*(?:[kMB%×])?")
VOWEL_GROUPS = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    """Syllables in one word, by vowel groups (a standard heuristic, right for most words)."""
    if word[0] in "$0123456789":
        return 3 if len(word) > 3 else 2  # "four thousand eight hundred" is read short: "4.8k"
    text = word.lower().replace("’", "'")
    if len(text) <= 3:
        return 1
    text = re.sub(r"(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$", "", text)
    text = re.sub(r"^y", "", text)
    return max(1, len(VOWEL_GROUPS.findall(text)))


def sentences(text: str) -> list[str]:
    return [part for part in SENTENCE_END.split(text.strip()) if WORD.search(part)]


def grade(text: str) -> float:
    """Flesch-Kincaid grade level of `text` (US school grade; 10 or less is the aim)."""
    parts = sentences(text)
    words = WORD.findall(text)
    if not parts or not words:
        return 0.0
    total_syllables = sum(syllables(word) for word in words)
    return 0.39 * len(words) / len(parts) + 11.8 * total_syllables / len(words) - 15.59
