"""SimplePolicy and KeywordPolicy (reference/federation.md §6.1), applied to what other
servers send: activities in the inbox, actor documents when fetched, and the inboxes we
deliver to. A policy returns the activity, rewritten or not, or raises Rejected; a
rejected activity is dropped silently (the sender got its 202).

Pure functions of the activity and mrf.config.current(), apart from followers_only, which
asks which local accounts follow the author."""

from __future__ import annotations

import copy
from collections.abc import Callable

from mrf import config
from mrf.config import Policies, host_of, is_own_host

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
PUBLIC_ALIASES = (PUBLIC, "as:Public", "Public")
ACTOR_TYPES = ("Person", "Service", "Group", "Application", "Organization")
MAX_DEPTH = 5  # embedded objects looked into (Announce{Create{Note}} is 2)


class Rejected(Exception):
    """An instance policy drops this activity; the message says which and why."""


# --- helpers ---------------------------------------------------------------------------------

def _id(value) -> str:
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, str | dict)), None)
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def _author(obj: dict) -> str:
    """The actor an activity or object speaks for: `actor`, else `attributedTo`, else its id."""
    return _id(obj.get("actor")) or _id(obj.get("attributedTo")) or _id(obj.get("id"))


def _addresses(value) -> list:
    if isinstance(value, str):
        return [value]
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _is_public(addresses: list) -> bool:
    return any(address in PUBLIC_ALIASES for address in addresses)


def _without_public(addresses: list) -> list:
    return [address for address in addresses if address not in PUBLIC_ALIASES]


def _embedded(activity: dict) -> dict | None:
    obj = activity.get("object")
    return obj if isinstance(obj, dict) else None


def _post_activity(activity: dict) -> bool:
    """A Create or Update carrying its object: what media and keyword rules look at."""
    return activity.get("type") in ("Create", "Update") and _embedded(activity) is not None


def _readdress(activity: dict, change: Callable[[list, list], tuple[list, list]]) -> dict:
    """Apply `change(to, cc)` to the activity and to the object a Create/Update carries, so
    that whichever addressing the handler reads says the same thing."""
    activity = dict(activity)
    activity["to"], activity["cc"] = change(_addresses(activity.get("to")), _addresses(activity.get("cc")))
    obj = _embedded(activity)
    if obj is not None and activity.get("type") in ("Create", "Update") and obj.get("type") not in ACTOR_TYPES:
        obj = dict(obj)
        obj["to"], obj["cc"] = change(_addresses(obj.get("to")), _addresses(obj.get("cc")))
        activity["object"] = obj
    return activity


def _followers_collection(actor_id: str) -> str:
    from accounts.models import User

    stored = User.objects.filter(remote_ap_id=actor_id).values_list("followers_address", flat=True).first()
    return stored or ""


# --- SimplePolicy ----------------------------------------------------------------------------

def _check_origin(policies: Policies, host: str) -> None:
    """accept (allow-list mode) then reject, on the host an activity or object comes from."""
    if not host or is_own_host(host):
        return
    if policies.simple.get("accept") and policies.simple_match("accept", host) is None:
        raise Rejected("[SimplePolicy] host not in accept list")
    if policies.simple_match("reject", host) is not None:
        raise Rejected("[SimplePolicy] host in reject list")


def _unlist(activity: dict, followers: str) -> dict:
    """A public post becomes unlisted: Public moves from `to` to `cc`, followers into `to`."""
    if not _is_public(_addresses(activity.get("to"))):
        return activity

    def change(to: list, cc: list) -> tuple[list, list]:
        if not _is_public(to):
            return to, cc
        to = _without_public(to) + ([followers] if followers and followers not in to else [])
        cc = [address for address in _without_public(cc) if address != followers] + [PUBLIC]
        return to, cc

    return _readdress(activity, change)


def _followers_only(activity: dict, actor_id: str) -> dict:
    """Keep only the author's local followers (and its followers collection) as recipients."""
    from accounts.models import User
    from relationships.models import Follow

    followers = _followers_collection(actor_id)
    author = User.objects.filter(remote_ap_id=actor_id).first()
    local_followers: set[str] = set()
    if author is not None:
        nicknames = Follow.objects.filter(followed=author, state=Follow.State.ACCEPTED,
                                          follower__domain__isnull=True).values_list("follower__nickname", flat=True)
        local_followers = {User(nickname=nickname).ap_id for nickname in nicknames}

    def change(to: list, cc: list) -> tuple[list, list]:
        kept_to = [address for address in to if address in local_followers]
        kept_cc = [address for address in cc if address in local_followers]
        return ([followers] if followers else []) + kept_to, kept_cc

    return _readdress(activity, change)


def _simple_object(policies: Policies, obj: dict, depth: int) -> dict:
    """What SimplePolicy does to an embedded object or a fetched document."""
    if obj.get("type") in ACTOR_TYPES and "actor" not in obj:
        return filter_actor_document(obj, policies=policies)
    _check_origin(policies, host_of(_author(obj)))
    inner = obj.get("object")
    if depth < MAX_DEPTH:
        if isinstance(inner, dict):
            obj = {**obj, "object": _simple_object(policies, inner, depth + 1)}
        elif isinstance(inner, str):
            _check_origin(policies, host_of(inner))
    return obj


def simple_policy(activity: dict, policies: Policies, depth: int = 0) -> dict:
    """SimplePolicy, keyed on the host of the activity's actor."""
    actor_id = _author(activity)
    host = host_of(actor_id)
    kind = activity.get("type")
    if kind == "Delete":
        # As Pleroma: deletes pass even from rejected hosts (what they remove was let in
        # before the block), unless the host is in reject_deletes.
        if policies.simple_match("reject_deletes", host) is not None:
            raise Rejected("[SimplePolicy] host in reject_deletes list")
        return activity
    if kind in ACTOR_TYPES and "actor" not in activity:
        return filter_actor_document(activity, policies=policies)
    _check_origin(policies, host)
    if is_own_host(host):
        return activity
    if _post_activity(activity):
        obj = _embedded(activity)
        if obj.get("attachment") and policies.simple_match("media_removal", host) is not None:
            activity = {**activity, "object": {k: v for k, v in obj.items() if k != "attachment"}}
        if policies.simple_match("media_nsfw", host) is not None:
            activity = {**activity, "object": {**_embedded(activity), "sensitive": True}}
    if policies.simple_match("federated_timeline_removal", host) is not None:
        activity = _unlist(activity, _followers_collection(actor_id))
    if policies.simple_match("followers_only", host) is not None:
        activity = _followers_only(activity, actor_id)
    if kind == "Flag" and policies.simple_match("report_removal", host) is not None:
        raise Rejected("[SimplePolicy] host in report_removal list")
    inner = activity.get("object")
    if isinstance(inner, dict):
        activity = {**activity, "object": _simple_object(policies, inner, depth + 1)}
    elif isinstance(inner, str):
        _check_origin(policies, host_of(inner))
    return activity


def filter_actor_document(document: dict, *, policies: Policies | None = None) -> dict:
    """SimplePolicy on an actor document: accept/reject, avatar_removal, banner_removal."""
    policies = policies or config.current()
    if "SimplePolicy" not in policies.enabled:
        return document
    host = host_of(_id(document.get("id")))
    _check_origin(policies, host)
    if policies.simple_match("avatar_removal", host) is not None:
        document = {k: v for k, v in document.items() if k != "icon"}
    if policies.simple_match("banner_removal", host) is not None:
        document = {k: v for k, v in document.items() if k != "image"}
    return document


# --- KeywordPolicy ---------------------------------------------------------------------------

TEXT_FIELDS = ("content", "summary", "name")


def _texts(obj: dict) -> list[str]:
    """The text a keyword is looked for in: content, summary, name, and their former versions."""
    texts = [obj[key] for key in TEXT_FIELDS if isinstance(obj.get(key), str)]
    history = obj.get("formerRepresentations")
    items = history.get("orderedItems") if isinstance(history, dict) else None
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            texts += [item[key] for key in TEXT_FIELDS if isinstance(item.get(key), str)]
    return texts


def _rewrite_texts(obj: dict, rewrite: Callable[[str], str]) -> dict:
    obj = {**obj, **{key: rewrite(obj[key]) for key in TEXT_FIELDS if isinstance(obj.get(key), str)}}
    history = obj.get("formerRepresentations")
    if isinstance(history, dict) and isinstance(history.get("orderedItems"), list):
        obj["formerRepresentations"] = {**history, "orderedItems": [
            _rewrite_texts(item, rewrite) if isinstance(item, dict) else item for item in history["orderedItems"]]}
    return obj


def keyword_policy(activity: dict, policies: Policies) -> dict:
    """KeywordPolicy on the post a Create/Update carries: reject, unlist, replace."""
    if not _post_activity(activity) or _embedded(activity).get("type") in ACTOR_TYPES:
        return activity
    keywords = policies.keywords
    texts = _texts(_embedded(activity))
    if any(keyword.search(text) for keyword in keywords.get("reject", []) for text in texts):
        raise Rejected("[KeywordPolicy] Matches with rejected keyword")
    if _is_public(_addresses(activity.get("to"))) and any(
            keyword.search(text) for keyword in keywords.get("federated_timeline_removal", []) for text in texts):
        def change(to: list, cc: list) -> tuple[list, list]:
            return _without_public(to), [PUBLIC, *_without_public(cc)] if _is_public(to + cc) else cc

        activity = _readdress(activity, change)
    replacements = keywords.get("replace", [])
    if replacements:
        def rewrite(text: str) -> str:
            for keyword in replacements:
                text = keyword.replace(text)
            return text

        activity = {**activity, "object": _rewrite_texts(_embedded(activity), rewrite)}
    return activity


# --- entry points ----------------------------------------------------------------------------

POLICIES = {"SimplePolicy": simple_policy, "KeywordPolicy": keyword_policy}


def filter_activity(activity: dict) -> dict:
    """Every enabled policy, in order, on a received activity (not modified in place):
    the activity to act on, or Rejected."""
    policies = config.current()
    activity = copy.deepcopy(activity)
    for name in policies.enabled:
        policy = POLICIES.get(name)
        if policy is not None:
            activity = policy(activity, policies)
    return activity


def filter_object(document: dict) -> dict | None:
    """A fetched object (a thread's parent, an announced or quoted note) as the policies
    leave it, None when rejected: it goes through them as the Create its author would have
    sent (Pleroma runs fetched objects through the pipeline the same way, §5.8)."""
    author = _id(document.get("attributedTo")) or _id(document.get("actor"))
    if not author:
        return None
    wrapped = {"id": f"{document.get('id')}#fetched", "type": "Create", "actor": author,
               "to": _addresses(document.get("to")), "cc": _addresses(document.get("cc")), "object": document}
    try:
        return filter_activity(wrapped)["object"]
    except Rejected:
        return None


def filter_actor(document: dict) -> dict | None:
    """A fetched actor document as the policies leave it; None when rejected."""
    try:
        return filter_actor_document(copy.deepcopy(document))
    except Rejected:
        return None


def accepts_id(url: str) -> bool:
    """Whether an object or actor id may be fetched (Pleroma's id_filter: accept/reject)."""
    policies = config.current()
    if "SimplePolicy" not in policies.enabled:
        return True
    try:
        _check_origin(policies, host_of(url))
    except Rejected:
        return False
    return True


def accepts_delivery(inbox: str, activity: dict) -> bool:
    """Whether an activity may be sent to this inbox: never to a rejected (or, in
    allow-list mode, unlisted) host; only public activities to a quarantined one."""
    if not accepts_id(inbox):
        return False
    policies = config.current()
    if policies.is_quarantined(host_of(inbox)):
        return _is_public(_addresses(activity.get("to")) + _addresses(activity.get("cc")))
    return True


def describe() -> dict:
    """nodeinfo `metadata.federation` (§1.3): the enabled policies and their lists when
    PLEROMA_MRF_TRANSPARENCY is on (the default), else only whether we federate."""
    from django.conf import settings

    enabled = getattr(settings, "FEDERATING", True)
    if not settings.MRF_TRANSPARENCY:
        return {"enabled": enabled}
    policies = config.current()
    described: dict = {"enabled": enabled, "mrf_policies": [name for name in policies.enabled if name in POLICIES],
                       "exclusions": False}
    if "SimplePolicy" in described["mrf_policies"]:
        described["mrf_simple"] = {action: [rule.pattern for rule in rules]
                                   for action, rules in policies.simple.items()}
        described["mrf_simple_info"] = {
            action: {rule.pattern: {"reason": rule.reason} for rule in rules if rule.reason}
            for action, rules in policies.simple.items() if any(rule.reason for rule in rules)}
    if "KeywordPolicy" in described["mrf_policies"]:
        described["mrf_keyword"] = {
            "reject": [keyword.shown() for keyword in policies.keywords.get("reject", [])],
            "federated_timeline_removal": [keyword.shown() for keyword in
                                           policies.keywords.get("federated_timeline_removal", [])],
            "replace": [{"pattern": keyword.shown(), "replacement": keyword.replacement}
                        for keyword in policies.keywords.get("replace", [])],
        }
    described["quarantined_instances"] = [rule.pattern for rule in policies.quarantined]
    described["quarantined_instances_info"] = {"quarantined_instances": {
        rule.pattern: {"reason": rule.reason} for rule in policies.quarantined if rule.reason}}
    described["rejected_instances"] = {}
    return described
