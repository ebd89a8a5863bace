"""The render cache: viewer-independent JSON of entities, kept in Redis for every worker.

A status or account is rendered once from the database as an anonymous viewer sees it and
stored here; pages are then assembled from the stored entries and only the viewer's own
flags are looked up per request (statuses.rendering). Entries are dropped whenever what
they show changes (`forget`, called by model signals and by the services that update
counters), so a read never shows what is no longer true:

- `forget` deletes at once (the writer's own transaction reads fresh data) and again after
  commit, when it also leaves a short tombstone: a reader that loaded the old row before
  the commit cannot store it afterwards (`put_many` skips tombstoned keys).
- Nothing is stored from inside an open transaction (it may still roll back).
- Emoji changes and new entity shapes drop everything at once through the generation
  number (`bump_generation`, `SHAPE`), read in the same round trip as the entries.

Without Redis (the embedded SQLite mode, where each worker would hold its own copy) the
cache is off: every page is rendered from the database, through the same code.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable

import orjson
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection, models, transaction
from django.db.models import signals

SHAPE = 3  # bump when what is stored changes shape: old entries are then never read
ENTRY_SECONDS = 24 * 3600
TOMBSTONE_SECONDS = 30
GENERATION_KEY = "gen"

# A stored entry: "<nonce><keys of the entries it refers to>\n<JSON>". The nonce (random)
# tells which copy of the entry this is; the references let one round trip fetch a page's
# statuses, the statuses they reblog or quote, and their authors (TREE_SCRIPT).
NONCE_LENGTH = 16
PAGE_SECONDS = 300

# KEYS: entry keys then their tombstone keys; ARGV: seconds, then the values.
FILL_SCRIPT = """
local n = #ARGV - 1
for i = 1, n do
  if redis.call('EXISTS', KEYS[n + i]) == 0 then
    redis.call('SET', KEYS[i], ARGV[i + 1], 'EX', ARGV[1])
  end
end
return n
"""


# A cached page: "<generation>\n<entry key> <nonce>\n...\n\n<body>". It is served only while
# the generation and every entry it was built from (the same copies: same nonces) stand.
# KEYS: the page key, the generation key.
PAGE_SCRIPT = """
local value = redis.call('GET', KEYS[1])
if not value then return false end
local split = string.find(value, "\\n\\n", 1, true)
if not split then return false end
local generation = redis.call('GET', KEYS[2]) or '0'
local first = true
for line in string.gmatch(string.sub(value, 1, split - 1), "[^\\n]+") do
  if first then
    if line ~= generation then return false end
    first = false
  else
    local space = string.find(line, " ", 1, true)
    local key = string.sub(line, 1, space - 1)
    if redis.call('GETRANGE', key, 0, NONCE_END) ~= string.sub(line, space + 1) then return false end
  end
end
return string.sub(value, split + 2)
""".replace("NONCE_END", str(NONCE_LENGTH - 1))


# KEYS: the generation key, then entry keys; ARGV[1]: how many levels of references to
# follow. Returns the generation, then key, value (or nil) for every entry visited.
TREE_SCRIPT = """
local result = {redis.call('GET', KEYS[1]) or '0'}
local seen = {}
local level = {}
for i = 2, #KEYS do level[#level + 1] = KEYS[i] end
for depth = 1, tonumber(ARGV[1]) do
  if #level == 0 then break end
  local values = redis.call('MGET', unpack(level))
  local following = {}
  for i, key in ipairs(level) do
    if not seen[key] then
      seen[key] = true
      local value = values[i]
      result[#result + 1] = key
      result[#result + 1] = value
      if value then
        local newline = string.find(value, "\\n", REFS_START, true)
        if newline then
          for ref in string.gmatch(string.sub(value, REFS_START, newline - 1), "%S+") do
            if not seen[ref] then following[#following + 1] = ref end
          end
        end
      end
    end
  end
  level = following
end
return result
""".replace("REFS_START", str(NONCE_LENGTH + 1))


def enabled() -> bool:
    return bool(getattr(settings, "RENDER_CACHE_ENABLED", False)) and isinstance(caches["default"], RedisCache)


_clients: dict = {}


def _client():
    """The Redis client of the default cache (one per process and location: it pools)."""
    backend = caches["default"]
    client = _clients.get(tuple(backend._servers))
    if client is None:
        client = _clients[tuple(backend._servers)] = backend._cache.get_client(write=True)
    return client


def _prefix() -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:render{SHAPE}"


def _key(kind: str, pk) -> str:
    return f"{_prefix()}:{kind}:{pk.hex if isinstance(pk, uuid.UUID) else pk}"


def _tomb(kind: str, pk) -> str:
    return f"{_key(kind, pk)}:gone"


def _decode(raw: bytes | None, generation: int) -> dict | None:
    if raw is None:
        return None
    try:
        entry = orjson.loads(raw[raw.index(b"\n", NONCE_LENGTH) + 1:])
    except (ValueError, orjson.JSONDecodeError):
        return None  # not ours to read (another version's entry): render it again
    if entry.get("g") != generation:
        return None
    entry["n"] = raw[:NONCE_LENGTH].decode()
    return entry


def get_many(kind: str, pks: Iterable) -> tuple[dict, int]:
    """({pk: entry} for the cached ones of this generation, the generation)."""
    pks = list(pks)
    if not enabled():
        return {}, 0
    values = _client().mget([f"{_prefix()}:{GENERATION_KEY}"] + [_key(kind, pk) for pk in pks])
    generation = int(values[0] or 0)
    found = {}
    for pk, raw in zip(pks, values[1:], strict=True):
        if (entry := _decode(raw, generation)) is not None:
            found[pk] = entry
    return found, generation


def get_tree(kind: str, pks: Iterable, levels: int) -> tuple[dict, int]:
    """({entry key: entry or None} for `pks` and, `levels` deep, every entry they refer to;
    the generation), in one round trip."""
    if not enabled():
        return {}, 0
    prefix = _prefix()
    reply = _script(TREE_SCRIPT)(keys=[f"{prefix}:{GENERATION_KEY}"] + [_key(kind, pk) for pk in pks],
                                 args=[levels])
    generation = int(reply[0] or 0)
    return {key.decode(): _decode(raw, generation) for key, raw in zip(reply[1::2], reply[2::2], strict=True)}, \
        generation


def in_transaction() -> bool:
    """Inside an atomic block of our own (a test's wrapping transaction does not count)."""
    return any(not block._from_testcase for block in connection.atomic_blocks)


def put_many(kind: str, entries: dict, generation: int, refers_to=None) -> None:
    """Store freshly rendered entries (skipped inside a transaction, and for tombstoned keys);
    `refers_to(entry)` names the (kind, pk) of the entries an entry refers to."""
    if not entries or not enabled() or in_transaction():
        return
    keys = [_key(kind, pk) for pk in entries] + [_tomb(kind, pk) for pk in entries]
    values = []
    for entry in entries.values():
        entry["n"] = secrets.token_hex(NONCE_LENGTH // 2)
        refs = " ".join(_key(k, pk) for k, pk in refers_to(entry)) if refers_to else ""
        values.append(f"{entry['n']}{refs}\n".encode() + orjson.dumps({**entry, "g": generation}))
    _script(FILL_SCRIPT)(keys=keys, args=[ENTRY_SECONDS, *values])


_scripts: dict = {}


def _script(source: str):
    """A Lua script registered once per process (run by its hash: EVALSHA)."""
    client = _client()
    script = _scripts.get((id(client), source))
    if script is None:
        script = _scripts[(id(client), source)] = client.register_script(source)
    return script


def entry_key(kind: str, pk) -> str:
    return _key(kind, pk)


def get_page(name: str) -> bytes | None:
    """A cached page's body, if everything it was built from is unchanged."""
    if not enabled():
        return None
    return _script(PAGE_SCRIPT)(keys=[f"{_prefix()}:page:{name}", f"{_prefix()}:{GENERATION_KEY}"]) or None


def put_page(name: str, generation: int, entries: list[tuple[str, str | None]], body: bytes) -> None:
    """Store a page built from `entries` ((entry key, nonce) pairs, all of them stored)."""
    if not enabled() or in_transaction() or any(nonce is None for _, nonce in entries):
        return
    header = "\n".join([str(generation)] + [f"{key} {nonce}" for key, nonce in entries])
    _client().set(f"{_prefix()}:page:{name}", header.encode() + b"\n\n" + body, ex=PAGE_SECONDS)


def _delete(kind: str, pks: list, *, tombstone: bool) -> None:
    client = _client()
    with client.pipeline(transaction=False) as pipe:
        pipe.delete(*[_key(kind, pk) for pk in pks])
        if tombstone:
            for pk in pks:
                pipe.set(_tomb(kind, pk), 1, ex=TOMBSTONE_SECONDS)
        pipe.execute()


def forget(kind: str, pks: Iterable) -> None:
    """Drop the entries of `pks` now and after the surrounding transaction commits."""
    pks = list({pk for pk in pks if pk is not None})
    if not pks or not enabled():
        return
    _delete(kind, pks, tombstone=False)
    transaction.on_commit(lambda: _delete(kind, pks, tombstone=True))


def bump_generation() -> None:
    """Drop every entry (custom emoji changed: any status may show them)."""
    if not enabled():
        return
    key = f"{_prefix()}:{GENERATION_KEY}"
    _client().incr(key)
    transaction.on_commit(lambda: _client().incr(key))


def _pks_in_filter(queryset) -> list | None:
    """The primary keys a `filter(pk=...)` / `filter(pk__in=[...])` queryset names, or None."""
    children = queryset.query.where.children
    if len(children) != 1 or queryset.query.where.negated:
        return None
    lookup = children[0]
    target = getattr(getattr(lookup, "lhs", None), "target", None)
    if target is None or not target.primary_key or lookup.lookup_name not in ("exact", "in"):
        return None
    values = lookup.rhs if lookup.lookup_name == "in" else [lookup.rhs]
    if hasattr(values, "resolve_expression") or any(hasattr(v, "resolve_expression") for v in values):
        return None
    return list(values)


class ForgettingQuerySet(models.QuerySet):
    """`update()` drops the render cache entries of the rows it changes (kind `render_kind`),
    unless it only sets fields no entity shows (`unrendered_fields`); setting one of
    `generation_fields` drops everything."""

    render_kind = ""
    unrendered_fields: frozenset[str] = frozenset()
    generation_fields: frozenset[str] = frozenset()

    def update(self, **kwargs):
        if enabled() and self.generation_fields & set(kwargs):
            bump_generation()
        if enabled() and not set(kwargs) <= self.unrendered_fields:
            pks = _pks_in_filter(self)
            forget(self.render_kind, pks if pks is not None else self.values_list("pk", flat=True))
        return super().update(**kwargs)


def forget_on_change(model, kind: str, pk_of, *, unrendered_fields: frozenset[str] = frozenset()) -> None:
    """Drop the entry `pk_of(instance)` whenever a `model` row is saved or deleted (a save
    that only sets `unrendered_fields` changes nothing shown)."""
    def handler(sender, instance, **kwargs):
        fields = kwargs.get("update_fields")
        if fields and set(fields) <= unrendered_fields:
            return
        forget(kind, [pk_of(instance)])

    uid = f"render-cache:{model._meta.label}:{kind}"
    signals.post_save.connect(handler, sender=model, weak=False, dispatch_uid=uid)
    signals.post_delete.connect(handler, sender=model, weak=False, dispatch_uid=uid)
