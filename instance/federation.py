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


@require_http_methods(["GET", "POST"])
def ostatus_subscribe(request):
    """GET /ostatus_subscribe?acct=: where remote servers send people who want to follow
    someone here (local accounts lead to their profile), and where a local account follows
    an account of another server (reference/federation.md §7): the account is resolved
    (WebFinger, signed actor fetch) and a form asks for the nickname and password; the POST
    follows it (a follow request until its server accepts)."""
    from accounts import registry

    acct = (request.POST.get("acct") if request.method == "POST" else request.GET.get("acct", "")) or ""
    acct = acct.strip()[:500]
    user = _user_for_resource(acct) if acct else None
    if user is not None:
        return HttpResponseRedirect(user.ap_id)
    target = registry.resolve_remote_account(acct) if acct and settings.FEDERATING else None
    if target is None:
        return render(request, "instance/not_found.html", {"acct": acct}, status=404)
    context = {"acct": acct, "account": target}
    if request.method == "GET":
        return render(request, "instance/remote_follow.html", context)
    return _remote_follow(request, target, context)


def _remote_follow(request, target: User, context: dict) -> HttpResponse:
    from core.authentication import check_password_login
    from core.exceptions import ApiError, Throttled
    from core.ratelimit import client_ip
    from relationships import follows
    from relationships.models import Follow

    login, password = str(request.POST.get("nickname", ""))[:300], str(request.POST.get("password", ""))[:300]
    try:
        follower = check_password_login(login, password, ip=client_ip(request))
    except Throttled:
        return render(request, "instance/remote_follow.html",
                      {**context, "error": "Too many failed logins, try again later."}, status=429)
    if follower is None or not follower.is_active or follower.is_deleted or follower.domain:
        return render(request, "instance/remote_follow.html",
                      {**context, "error": "Wrong nickname or password."}, status=403)
    if follower.mfa_enabled:
        # The one-time code step belongs to the OAuth login; these accounts follow from an app.
        return render(request, "instance/remote_follow.html",
                      {**context, "error": "This account uses two-factor authentication: follow "
                                           "from your app (search for the account there)."}, status=403)
    try:
        row = follows.follow(follower, target)
    except ApiError as exc:
        return render(request, "instance/remote_follow.html", {**context, "error": exc.message},
                      status=exc.status)
    return render(request, "instance/remote_follow_done.html",
                  {**context, "requested": row.state == Follow.State.PENDING})
