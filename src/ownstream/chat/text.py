"""Text from the outside world made safe to encode."""

from __future__ import annotations


def well_formed(text: str) -> str:
    """`text` with lone UTF-16 surrogates (which JSON's `\\ud800` escapes can produce) replaced by
    U+FFFD, as Go's JSON decoder does; such strings can't be encoded as UTF-8 otherwise."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text
