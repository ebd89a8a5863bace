"""Discovery documents other servers and remote-follow forms read: webfinger, host-meta,
and the remote-follow landing page (actor documents are federation's)."""

from __future__ import annotations

import re
from xml.sax.saxutils import quoteattr

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

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


@require_GET
def ostatus_subscribe(request):
    """GET /ostatus_subscribe?acct=: where remote servers send people who want to follow
    someone here. Local accounts lead to their profile; this server does not federate, so
    remote ones cannot be followed from here."""
    acct = request.GET.get("acct", "").strip()
    user = _user_for_resource(acct) if acct else None
    if user is not None:
        return HttpResponseRedirect(user.ap_id)
    return render(request, "instance/not_found.html", {"acct": acct}, status=404)
