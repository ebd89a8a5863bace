"""Unicode RGI emoji (reference §4.1): the fully-qualified sequences of the `emoji` package's
table plus single regional indicators, and the map that fully qualifies an emoji typed
without its U+FE0F variation selectors."""

from __future__ import annotations

import importlib.metadata
import json
from functools import lru_cache

VS16 = "\ufe0f"
FULLY_QUALIFIED = 2  # the table's `status` for fully-qualified sequences
REGIONAL_INDICATORS = frozenset(chr(c) for c in range(0x1F1E6, 0x1F1FF + 1))


@lru_cache(maxsize=1)
def _tables() -> tuple[frozenset[str], dict[str, str]]:
    # Our app is also called `emoji`, so the package's data file is read directly.
    path = importlib.metadata.distribution("emoji").locate_file("emoji/unicode_codes/emoji.json")
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    qualified = frozenset(e for e, info in data.items() if info.get("status") == FULLY_QUALIFIED)
    by_stripped = {e.replace(VS16, ""): e for e in qualified}
    return qualified | REGIONAL_INDICATORS, by_stripped


def qualify(text: str) -> str:
    """The fully-qualified spelling of an RGI emoji written without some U+FE0F."""
    rgi, by_stripped = _tables()
    if text in rgi:
        return text
    return by_stripped.get(text.replace(VS16, ""), text)


def is_rgi(text: str) -> bool:
    """Exactly one RGI emoji (after qualifying) or one regional indicator."""
    return qualify(text) in _tables()[0]
