"""Filters: every write (v2 filters, their keywords and statuses; v1 filters are keywords).

A v1 filter is a keyword of a filter with exactly one keyword (Mastodon's mapping): its id
is the keyword's id, `phrase` the keyword, `irreversible` the `hide` action.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from core import ids
from core.exceptions import NotFound, Unprocessable
from filters import matching
from filters.models import Filter, FilterKeyword, FilterStatus
from filters.signals import filters_changed
from statuses.queries import get_visible_status

UNSET = object()
MAX_KEYWORD_LENGTH = 512
MAX_TITLE_LENGTH = 256
MAX_EXPIRES_IN = 100 * 365 * 24 * 3600


def _changed(user) -> None:
    """Drop the cached filters and announce the change, once the write is committed."""
    user_pk = user.pk

    def announce() -> None:
        matching.forget(user_pk)
        filters_changed.send(sender=Filter, user_id=user_pk)

    matching.forget(user_pk)
    transaction.on_commit(announce)


# -- validation -------------------------------------------------------------------------------

def clean_contexts(contexts: Iterable) -> str:
    wanted = [str(c) for c in contexts if c not in (None, "")]
    if not wanted:
        raise Unprocessable("Validation failed: Context can't be blank")
    unknown = [c for c in wanted if c not in Filter.CONTEXTS]
    if unknown:
        raise Unprocessable(f"Validation failed: Context contains invalid values: {', '.join(unknown)}")
    return ",".join(c for c in Filter.CONTEXTS if c in wanted)


def clean_action(action) -> str:
    if action not in Filter.ACTIONS:
        raise Unprocessable("Validation failed: Filter action is not included in the list")
    return action


def clean_title(title) -> str:
    title = (title or "").strip() if isinstance(title, str) else ""
    if not title:
        raise Unprocessable("Validation failed: Title can't be blank")
    if len(title) > MAX_TITLE_LENGTH:
        raise Unprocessable(f"Validation failed: Title is too long (maximum is {MAX_TITLE_LENGTH} characters)")
    return title


def clean_keyword(keyword, name: str = "Keyword") -> str:
    keyword = keyword.strip() if isinstance(keyword, str) else ""
    if not keyword:
        raise Unprocessable(f"Validation failed: {name} can't be blank")
    if len(keyword) > MAX_KEYWORD_LENGTH:
        raise Unprocessable(f"Validation failed: {name} is too long (maximum is {MAX_KEYWORD_LENGTH} characters)")
    return keyword


def expires_at_for(expires_in) -> datetime.datetime | None:
    """`expires_in` seconds from now; None, "" or 0 for a filter that does not expire."""
    if expires_in in (None, ""):
        return None
    try:
        seconds = int(expires_in)
    except (TypeError, ValueError):
        raise Unprocessable("Validation failed: Expires in is not a number") from None
    if seconds < 0 or seconds > MAX_EXPIRES_IN:
        raise Unprocessable("Validation failed: Expires in is out of range")
    expires = timezone.now().replace(microsecond=0) + datetime.timedelta(seconds=seconds)
    return expires if seconds else None


# -- access -----------------------------------------------------------------------------------

def own_filters(user):
    return Filter.objects.filter(user=user).prefetch_related("keywords", "statuses").order_by("id")


def get_own_filter(user, filter_id: str) -> Filter:
    pk = ids.decode(str(filter_id))
    found = own_filters(user).filter(pk=pk).first() if pk else None
    if found is None:
        raise NotFound()
    return found


def get_own_keyword(user, keyword_id: str) -> FilterKeyword:
    pk = ids.decode(str(keyword_id))
    found = (FilterKeyword.objects.select_related("filter").filter(pk=pk, filter__user=user).first()
             if pk else None)
    if found is None:
        raise NotFound()
    return found


def get_own_filter_status(user, filter_status_id: str) -> FilterStatus:
    pk = ids.decode(str(filter_status_id))
    found = (FilterStatus.objects.select_related("filter").filter(pk=pk, filter__user=user).first()
             if pk else None)
    if found is None:
        raise NotFound()
    return found


def v1_filters(user):
    """The user's keywords, each a v1 filter, oldest first."""
    return FilterKeyword.objects.filter(filter__user=user).select_related("filter").order_by("id")


# -- v2 filters -------------------------------------------------------------------------------

def create_filter(user, *, title, context, action="warn", expires_in=None,
                  keywords: list[dict] | None = None) -> Filter:
    """A new filter with its keywords (`[{"keyword", "whole_word"}]`)."""
    fields = dict(title=clean_title(title), context=clean_contexts(context),
                  action=clean_action(action or "warn"), expires_at=expires_at_for(expires_in))
    cleaned = [(clean_keyword(k.get("keyword")), k.get("whole_word", True)) for k in keywords or []
               if not k.get("_destroy")]
    with transaction.atomic():
        created = Filter.objects.create(user=user, **fields)
        FilterKeyword.objects.bulk_create(
            [FilterKeyword(filter=created, keyword=k, whole_word=w) for k, w in cleaned])
        _changed(user)
    return get_own_filter(user, ids.encode(created.pk))


def update_filter(user, filter_id: str, *, title=UNSET, context=UNSET, action=UNSET, expires_in=UNSET,
                  keywords: list[dict] | None = None) -> Filter:
    """Change a filter; `keywords` adds (no id), changes (id) or removes (id, `_destroy`) keywords."""
    with transaction.atomic():
        target = get_own_filter(user, filter_id)
        target = Filter.objects.select_for_update().get(pk=target.pk)
        if title is not UNSET:
            target.title = clean_title(title)
        if context is not UNSET:
            target.context = clean_contexts(context)
        if action is not UNSET:
            target.action = clean_action(action)
        if expires_in is not UNSET:
            target.expires_at = expires_at_for(expires_in)
        target.save()
        for attributes in keywords or []:
            _apply_keyword_attributes(target, attributes)
        _changed(user)
    return get_own_filter(user, filter_id)


def _apply_keyword_attributes(target: Filter, attributes: dict) -> None:
    keyword_id = attributes.get("id")
    if keyword_id in (None, ""):
        if not attributes.get("_destroy"):
            FilterKeyword.objects.create(filter=target, keyword=clean_keyword(attributes.get("keyword")),
                                         whole_word=attributes.get("whole_word", True))
        return
    pk = ids.decode(str(keyword_id))
    keyword = FilterKeyword.objects.filter(pk=pk, filter=target).first() if pk else None
    if keyword is None:
        raise NotFound()
    if attributes.get("_destroy"):
        keyword.delete()
        return
    if "keyword" in attributes:
        keyword.keyword = clean_keyword(attributes["keyword"])
    if "whole_word" in attributes:
        keyword.whole_word = attributes["whole_word"]
    keyword.save()


def delete_filter(user, filter_id: str) -> None:
    with transaction.atomic():
        get_own_filter(user, filter_id).delete()
        _changed(user)


# -- keywords and statuses of a filter --------------------------------------------------------

def add_keyword(user, filter_id: str, *, keyword, whole_word: bool = True) -> FilterKeyword:
    with transaction.atomic():
        target = get_own_filter(user, filter_id)
        created = FilterKeyword.objects.create(filter=target, keyword=clean_keyword(keyword),
                                               whole_word=whole_word)
        _changed(user)
    return created


def update_keyword(user, keyword_id: str, *, keyword=UNSET, whole_word=UNSET) -> FilterKeyword:
    with transaction.atomic():
        found = get_own_keyword(user, keyword_id)
        if keyword is not UNSET:
            found.keyword = clean_keyword(keyword)
        if whole_word is not UNSET:
            found.whole_word = whole_word
        found.save()
        _changed(user)
    return found


def delete_keyword(user, keyword_id: str) -> None:
    with transaction.atomic():
        get_own_keyword(user, keyword_id).delete()
        _changed(user)


def add_status(user, filter_id: str, *, status_id) -> FilterStatus:
    """Filter a status the user can see (adding it twice is refused, as Mastodon)."""
    with transaction.atomic():
        target = get_own_filter(user, filter_id)
        status = get_visible_status(user, str(status_id or ""))
        if FilterStatus.objects.filter(filter=target, status=status).exists():
            raise Unprocessable("Validation failed: Status has already been taken")
        created = FilterStatus.objects.create(filter=target, status=status)
        _changed(user)
    return created


def delete_status(user, filter_status_id: str) -> None:
    with transaction.atomic():
        get_own_filter_status(user, filter_status_id).delete()
        _changed(user)


# -- v1 filters (a keyword of a one-keyword filter) --------------------------------------------

def create_v1_filter(user, *, phrase, context, irreversible: bool = False, whole_word: bool = True,
                     expires_in=None) -> FilterKeyword:
    phrase = clean_keyword(phrase, "Phrase")
    created = create_filter(user, title=phrase, context=context, action="hide" if irreversible else "warn",
                            expires_in=expires_in, keywords=[{"keyword": phrase, "whole_word": whole_word}])
    return v1_filters(user).get(filter=created)


V1_MULTIPLE = ("These parameters cannot be changed from this application because they apply to "
               "more than one filter keyword. Use a more recent application or the web interface.")


def update_v1_filter(user, keyword_id: str, *, phrase=UNSET, context=UNSET, irreversible=UNSET,
                     whole_word=UNSET, expires_in=UNSET) -> FilterKeyword:
    """Change a v1 filter: the keyword, and its filter's settings when it is the only keyword."""
    with transaction.atomic():
        keyword = get_own_keyword(user, keyword_id)
        target = Filter.objects.select_for_update().get(pk=keyword.filter_id)
        if phrase is not UNSET:
            keyword.keyword = clean_keyword(phrase, "Phrase")
        if whole_word is not UNSET:
            keyword.whole_word = whole_word
        keyword.save()
        changed = {}
        if context is not UNSET:
            changed["context"] = clean_contexts(context)
        if irreversible is not UNSET:
            changed["action"] = "hide" if irreversible else "warn"
        if expires_in is not UNSET:
            changed["expires_at"] = expires_at_for(expires_in)
        changed = {k: v for k, v in changed.items() if getattr(target, k) != v}
        if changed:
            if target.keywords.count() > 1:
                raise Unprocessable(V1_MULTIPLE)
            for name, value in changed.items():
                setattr(target, name, value)
            target.save()
        _changed(user)
    return get_own_keyword(user, keyword_id)


def delete_v1_filter(user, keyword_id: str) -> None:
    """Remove a v1 filter: its keyword, and its filter when nothing else is left in it."""
    with transaction.atomic():
        keyword = get_own_keyword(user, keyword_id)
        target = keyword.filter
        keyword.delete()
        if not target.keywords.exists() and not target.statuses.exists():
            target.delete()
        _changed(user)
