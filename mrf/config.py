"""The instance policies in force: the environment's (settings.MRF_*) and the admin's
(InstancePolicy, KeywordRule rows), merged. The rows are cached for a minute and the cache
is dropped whenever one changes, so each activity costs no query in the common case."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache

from mrf.models import SIMPLE_ACTIONS, InstancePolicy, KeywordRule

CACHE_KEY = "mrf:rows"
CACHE_SECONDS = 60
KEYWORD_ACTIONS = ("reject", "federated_timeline_removal", "replace")


@dataclass(frozen=True)
class HostRule:
    """A host pattern (`example.com` or `*.example.com`) with the reason given for it."""

    pattern: str
    reason: str = ""

    def matches(self, host: str) -> bool:
        return host_matches(self.pattern, host)


@dataclass(frozen=True)
class Keyword:
    """A KeywordPolicy pattern: literal text, or a compiled regular expression."""

    pattern: str
    regex: re.Pattern | None = None
    replacement: str = ""

    def search(self, text: str) -> bool:
        return bool(self.regex.search(text)) if self.regex is not None else self.pattern in text

    def replace(self, text: str) -> str:
        if self.regex is not None:
            return self.regex.sub(lambda _match: self.replacement, text)
        return text.replace(self.pattern, self.replacement)

    def shown(self) -> str:
        """How nodeinfo names the pattern (Pleroma shows a regex as ~r/.../)."""
        if self.regex is None:
            return self.pattern
        flags = "i" if self.regex.flags & re.IGNORECASE else ""
        return f"~r/{self.regex.pattern}/{flags}"


@dataclass
class Policies:
    """Everything the policies need for one decision."""

    enabled: list[str]
    simple: dict[str, list[HostRule]] = field(default_factory=dict)
    quarantined: list[HostRule] = field(default_factory=list)
    keywords: dict[str, list[Keyword]] = field(default_factory=dict)

    def simple_match(self, action: str, host: str) -> HostRule | None:
        return next((rule for rule in self.simple.get(action, []) if rule.matches(host)), None)

    def is_quarantined(self, host: str) -> bool:
        return any(rule.matches(host) for rule in self.quarantined)


def normalise_host(value: str) -> str:
    return value.strip().lower().rstrip(".")


def host_matches(pattern: str, host: str) -> bool:
    """Pleroma's rule: exact, or `*.example.com` matching example.com and its subdomains;
    case-insensitive. `host` may carry a port; a pattern without one ignores it."""
    pattern, host = normalise_host(pattern), normalise_host(host)
    if not pattern or not host:
        return False
    names = {host, host.rsplit(":", 1)[0]} if ":" in host and not host.endswith("]") else {host}
    if pattern.startswith("*."):
        base = pattern[2:]
        return any(name == base or name.endswith(f".{base}") for name in names)
    return pattern in names


def host_of(url: str) -> str:
    """The host[:port] of a URL (lower case); empty for junk."""
    try:
        parts = urlsplit(url)
        return (parts.netloc.rsplit("@", 1)[-1] or "").lower()
    except ValueError:
        return ""


def is_own_host(host: str) -> bool:
    return host == settings.INSTANCE_DOMAIN.lower()


def _env_host_rules(entries: list[str]) -> list[HostRule]:
    """`host` or `host=reason` entries of a PLEROMA_MRF_SIMPLE_* list."""
    rules = []
    for entry in entries:
        pattern, _, reason = entry.partition("=")
        if normalise_host(pattern):
            rules.append(HostRule(normalise_host(pattern), reason.strip()))
    return rules


def compile_keyword(pattern: str, *, is_regex: bool = False, replacement: str = "") -> Keyword:
    """A keyword from the admin (is_regex) or the environment (`/regex/` or `/regex/i`)."""
    if not is_regex and len(pattern) > 2 and pattern.startswith("/") and re.fullmatch(r"/.+/i?", pattern):
        ignore_case = pattern.endswith("/i")
        source = pattern[1:-2] if ignore_case else pattern[1:-1]
        return Keyword(pattern, re.compile(source, re.IGNORECASE if ignore_case else 0), replacement)
    if is_regex:
        return Keyword(pattern, re.compile(pattern), replacement)
    return Keyword(pattern, None, replacement)


def _rows() -> dict:
    rows = cache.get(CACHE_KEY)
    if rows is None:
        fields = ("host", "reason", "quarantine", *SIMPLE_ACTIONS)
        rows = {"instances": list(InstancePolicy.objects.values(*fields)),
                "keywords": list(KeywordRule.objects.values("action", "pattern", "is_regex", "replacement"))}
        cache.set(CACHE_KEY, rows, CACHE_SECONDS)
    return rows


def forget_cached_rows(**_kwargs) -> None:
    """post_save/post_delete receiver: the next decision reads the rows again."""
    cache.delete(CACHE_KEY)


def current() -> Policies:
    """The policies in force now: environment first, then the admin's rows."""
    rows = _rows()
    simple = {action: _env_host_rules(settings.MRF_SIMPLE.get(action, [])) for action in SIMPLE_ACTIONS}
    for row in rows["instances"]:
        rule = HostRule(normalise_host(row["host"]), row["reason"])
        for action in SIMPLE_ACTIONS:
            if row[action] and all(r.pattern != rule.pattern for r in simple[action]):
                simple[action].append(rule)
    quarantined = _env_host_rules(settings.QUARANTINED_INSTANCES)
    quarantined += [HostRule(normalise_host(row["host"]), row["reason"]) for row in rows["instances"]
                    if row["quarantine"] and all(r.pattern != normalise_host(row["host"]) for r in quarantined)]
    keywords: dict[str, list[Keyword]] = {
        "reject": [compile_keyword(p) for p in settings.MRF_KEYWORD_REJECT if p],
        "federated_timeline_removal": [compile_keyword(p) for p in settings.MRF_KEYWORD_FEDERATED_TIMELINE_REMOVAL
                                       if p],
        "replace": [compile_keyword(p, replacement=str(r)) for p, r in settings.MRF_KEYWORD_REPLACE.items() if p],
    }
    for row in rows["keywords"]:
        try:
            keyword = compile_keyword(row["pattern"], is_regex=row["is_regex"], replacement=row["replacement"])
        except re.error:
            continue  # the admin form refuses these; a row written otherwise is skipped
        keywords.setdefault(row["action"], []).append(keyword)
    return Policies(enabled=list(settings.MRF_POLICIES), simple=simple, quarantined=quarantined,
                    keywords=keywords)
