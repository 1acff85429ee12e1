"""The chat slur filter (newer Owncast 0.2.0, `chat/slurfilterenabled`, reference newer §9.3): a frame whose
text contains a word of an English profanity list is refused with a notice and dropped.

The list is the one `better-profanity` ships (its data file only; the matching is ours). Words are
compared whole, after folding case and common letter-for-digit spellings (`sh1t`), and the list's
multi-word entries as word sequences, so "Scunthorpe" or "class" pass.
"""

from __future__ import annotations

import re
from importlib import resources

WORDLIST_PACKAGE = "better_profanity"
WORDLIST_FILE = "profanity_wordlist.txt"
_WORD = re.compile(r"[a-z0-9@$!|]+")
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i", "|": "i"}
)
LONGEST_PHRASE = 4


def load_wordlist() -> frozenset[str]:
    """The list's entries, lower case, words separated by one space (reads a file: call it in a thread)."""
    text = resources.files(WORDLIST_PACKAGE).joinpath(WORDLIST_FILE).read_text(encoding="utf-8")
    entries = (" ".join(line.lower().split()) for line in text.splitlines())
    return frozenset(entry for entry in entries if entry)


def words_of(text: str) -> list[str]:
    return [word.translate(_LEET) for word in _WORD.findall(text.lower())]


class SlurFilter:
    def __init__(self, wordlist: frozenset[str]) -> None:
        self._wordlist = wordlist

    def matches(self, text: str) -> bool:
        words = words_of(text)
        for start in range(len(words)):
            for length in range(1, LONGEST_PHRASE + 1):
                if start + length > len(words):
                    break
                if " ".join(words[start : start + length]) in self._wordlist:
                    return True
        return False
