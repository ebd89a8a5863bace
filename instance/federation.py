"""Discovery documents other servers and remote-follow forms read: webfinger, host-meta,
and the remote-follow landing page (actor documents are federation's)."""

from __future__ import annotations

import re
from xml.sax.saxutils import quoteattr

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User

LD_TYPE = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
SUBSCRIBE_REL = "http://ostatus.org/schema/1.0/subscribe"
_ACCT = re.compile(r"^(?:acct:)?@?(?P<nick>[^@\s]+)(?:@(?P<host>[^@\s]+))?$")


def _local_user(nickname: str) -> User | None:
    return User.objects.filter(nickname__iexact=nickname, is_deleted=False).first()


def _user_for_resource(resource: str) -> User | None:
    """The local user a webfinger resource names: acct:nick@domain, nick@domain or the actor URL."""
    actor_prefix = f"{settings.PLEROMA_URL}/users/"
    if resource.startswith(actor_prefix):
        return _local_user(resource[len(actor_prefix):])
    match = _ACCT.match(resource)
    if match is None:
        return None
    host = match.group("host")
    if host is not None and host.lower() != settings.INSTANCE_DOMAIN.lower():
        return None
    return _local_user(match.group("nick"))


def _subscribe_template() -> str:
    return f"{settings.PLEROMA_URL}/ostatus_subscribe?acct={{uri}}"


def _wants_xml(request) -> bool:
    accept = request.headers.get("Accept", "")
    return "xrd+xml" in accept or ("xml" in accept and "json" not in accept)


@require_GET
def webfinger(request):
    """GET /.well-known/webfinger?resource=acct:nick@domain (JRD, or XRD by Accept)."""
    resource = request.GET.get("resource", "").strip()
    if not resource:
        return JsonResponse({"error": "Bad Request"}, status=400)
    user = _user_for_resource(resource)
    if user is None:
        return JsonResponse({"error": "Couldn't find user"}, status=404)
    subject = f"acct:{user.nickname}@{settings.INSTANCE_DOMAIN}"
    links = [
        {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": user.ap_id},
        {"rel": "self", "type": "application/activity+json", "href": user.ap_id},
        {"rel": "self", "type": LD_TYPE, "href": user.ap_id},
        {"rel": SUBSCRIBE_REL, "template": _subscribe_template()},
    ]
    if _wants_xml(request):
        items = "".join(
            f"<Link rel={quoteattr(link['rel'])}"
            + (f" type={quoteattr(link['type'])}" if "type" in link else "")
            + (f" href={quoteattr(link['href'])}" if "href" in link else "")
            + (f" template={quoteattr(link['template'])}" if "template" in link else "")
            + "/>" for link in links)
        body = ('<?xml version="1.0" encoding="UTF-8"?>'
                '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">'
                f"<Subject>{subject}</Subject><Alias>{user.ap_id}</Alias>{items}</XRD>")
        return HttpResponse(body, content_type="application/xrd+xml; charset=utf-8")
    return JsonResponse({"subject": subject, "aliases": [user.ap_id], "links": links},
                        content_type="application/jrd+json; charset=utf-8")


@require_GET
def host_meta(request):
    """GET /.well-known/host-meta: where webfinger lives (XRD)."""
    template = f"{settings.PLEROMA_URL}/.well-known/webfinger?resource={{uri}}"
    body = ('<?xml version="1.0" encoding="UTF-8"?>'
            '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">'
            f'<Link rel="lrdd" type="application/xrd+xml" template={quoteattr(template)}/></XRD>')
    return HttpResponse(body, content_type="application/xrd+xml; charset=utf-8")


INTERACTIONS = {"follow": "Follow the author", "favourite": "Favourite", "reblog": "Repeat"}


@require_http_methods(["GET", "POST"])
def ostatus_subscribe(request):
    """GET /ostatus_subscribe?acct= (and Mastodon's /authorize_interaction?uri=): where remote
    servers send people who want to follow or interact with something here (local accounts
    lead to their profile, local statuses to their page), and where a local account follows
    an account of another server or interacts with one of its statuses (reference/
    federation.md §7): the account or status is resolved (WebFinger, signed fetches) and a
    form asks for the nickname and password; the POST follows the account (a follow request
    until its server accepts), or favourites, repeats or follows the author of the status."""
    from accounts import registry
    from statuses import registry as status_registry

    if request.method == "POST":
        acct = request.POST.get("acct") or ""
    else:
        acct = request.GET.get("acct") or request.GET.get("uri") or ""
    acct = acct.strip()[:2000]
    user = _user_for_resource(acct) if acct else None
    if user is not None:
        return HttpResponseRedirect(user.ap_id)
    if acct.startswith(f"{settings.PLEROMA_URL}/"):
        local = status_registry.resolve_remote_status(acct) if _is_status_path(acct) else None
        if local is not None and local.local and local.visibility in ("public", "unlisted"):
            return HttpResponseRedirect(local.uri)
        return render(request, "instance/not_found.html", {"acct": acct}, status=404)
    target = registry.resolve_remote_account(acct) if acct and settings.FEDERATING else None
    status = None
    if target is None and acct.startswith(("http://", "https://")) and settings.FEDERATING:
        status = status_registry.resolve_remote_status(acct)
        if status is not None and status.visibility not in ("public", "unlisted"):
            status = None  # what the page would show is not for everyone
    if target is None and status is None:
        return render(request, "instance/not_found.html", {"acct": acct}, status=404)
    if status is not None:
        context = {"acct": acct, "status": status, "account": status.account, "interactions": INTERACTIONS}
        if request.method == "GET":
            return render(request, "instance/remote_interact.html", context)
        return _remote_interact(request, status, context)
    context = {"acct": acct, "account": target}
    if request.method == "GET":
        return render(request, "instance/remote_follow.html", context)
    return _remote_follow(request, target, context)


def _is_status_path(url: str) -> bool:
    path = url[len(settings.PLEROMA_URL):]
    return path.startswith(("/objects/", "/notice/"))


def _login(request, template: str, context: dict) -> tuple[User | None, HttpResponse | None]:
    """(the local account the form's nickname and password name, None), or (None, the form
    again with why not)."""
    from core.authentication import check_password_login
    from core.exceptions import Throttled
    from core.ratelimit import client_ip

    login, password = str(request.POST.get("nickname", ""))[:300], str(request.POST.get("password", ""))[:300]
    try:
        account = check_password_login(login, password, ip=client_ip(request))
    except Throttled:
        return None, render(request, template, {**context, "error": "Too many failed logins, try again later."},
                            status=429)
    if account is None or not account.is_active or account.is_deleted or account.domain:
        return None, render(request, template, {**context, "error": "Wrong nickname or password."}, status=403)
    if account.mfa_enabled:
        # The one-time code step belongs to the OAuth login; these accounts act from an app.
        return None, render(request, template, {**context, "error": "This account uses two-factor "
                                                "authentication: use your app (search for it there)."},
                            status=403)
    return account, None


def _remote_follow(request, target: User, context: dict) -> HttpResponse:
    from core.exceptions import ApiError
    from relationships import follows
    from relationships.models import Follow

    follower, refusal = _login(request, "instance/remote_follow.html", context)
    if refusal is not None:
        return refusal
    try:
        row = follows.follow(follower, target)
    except ApiError as exc:
        return render(request, "instance/remote_follow.html", {**context, "error": exc.message},
                      status=exc.status)
    return render(request, "instance/remote_follow_done.html",
                  {**context, "requested": row.state == Follow.State.PENDING})


def _remote_interact(request, status, context: dict) -> HttpResponse:
    """The logged-in account follows the status's author, or favourites or repeats it, as
    the client API would (the same services: the activity goes to the other server)."""
    from core import ids
    from core.exceptions import ApiError
    from relationships import follows
    from relationships.models import Follow
    from statuses import services

    template = "instance/remote_interact.html"
    action = str(request.POST.get("action", ""))
    if action not in INTERACTIONS:
        return render(request, template, {**context, "error": "Choose what to do."}, status=400)
    account, refusal = _login(request, template, context)
    if refusal is not None:
        return refusal
    try:
        visible = services.get_visible_status(account, ids.encode(status.pk))
        requested = False
        if action == "follow":
            requested = follows.follow(account, visible.account).state == Follow.State.PENDING
        elif action == "favourite":
            services.favourite(account, visible)
        else:
            services.reblog(account, visible)
    except ApiError as exc:
        return render(request, template, {**context, "error": exc.message}, status=exc.status)
    return render(request, "instance/remote_interact_done.html",
                  {**context, "action": action, "requested": requested})
