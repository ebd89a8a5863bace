"""GET/POST /oauth/authorize: the page where a person logs in and approves an app."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.csrf import csrf_protect

from accounts import services
from accounts.models import App
from core import ratelimit
from core import scopes as scope_rules
from core.authentication import find_user_by_login, set_token_cookie
from core.exceptions import ApiError
from oauth import mfa

OOB = "urn:ietf:wg:oauth:2.0:oob"


def _field(request, name: str) -> str:
    """`authorization[name]` from the form, else the plain query parameter."""
    return (request.POST.get(f"authorization[{name}]") or request.POST.get(name)
            or request.GET.get(name) or "")


def _page(request, app, params: dict, error: str | None = None, status: int = 200, mfa_step=None):
    context = {"app": app, "params": params, "error": error, "mfa_step": mfa_step,
               "scopes": params.get("scope", "").split()}
    return render(request, "oauth/authorize.html", context, status=status)


class _AppRedirect(HttpResponseRedirect):
    """A redirect to the app's registered URI, whatever its scheme (apps use their own)."""

    def __init__(self, url: str):
        self.allowed_schemes = [*HttpResponseRedirect.allowed_schemes, urlsplit(url).scheme]
        super().__init__(url)


def _redirect_with_code(redirect_uri: str, code: str, state: str):
    scheme, netloc, path, query, fragment = urlsplit(redirect_uri)
    pairs = parse_qsl(query) + [("code", code)] + ([("state", state)] if state else [])
    return _AppRedirect(urlunsplit((scheme, netloc, path, urlencode(pairs), fragment)))


@csrf_protect
def authorize(request):
    params = {
        "client_id": _field(request, "client_id"),
        "redirect_uri": _field(request, "redirect_uri"),
        "scope": " ".join(scope_rules.parse(_field(request, "scope") or request.POST.getlist("authorization[scopes][]"))),
        "state": _field(request, "state"),
        "response_type": _field(request, "response_type") or "code",
    }
    app = App.objects.filter(client_id=params["client_id"]).first()
    if app is None:
        return _page(request, None, params, "Unknown application.", status=400)
    if params["redirect_uri"] not in app.redirect_uris.split():
        return _page(request, None, params, "The redirect URI is not registered for this application.",
                     status=400)
    if not params["scope"]:
        params["scope"] = app.scopes
    if request.method != "POST":
        return _page(request, app, params)

    try:
        scopes = services.grantable_scopes(app, params["scope"].split())
    except ApiError:
        return _page(request, app, params, "This application asked for scopes it did not register.",
                     status=401)
    mfa_token = request.POST.get("authorization[mfa_token]", "")
    if mfa_token:
        user = _finish_mfa(request, app, params, mfa_token)
        if not hasattr(user, "pk"):
            return user  # the page asking again
    else:
        login = _field(request, "name")
        try:
            ratelimit.hit("authentication", f"{ratelimit.client_ip(request)}:{login.lower()}")
        except ApiError:
            return _page(request, app, params, "Too many attempts, try again later.", status=429)
        user = find_user_by_login(login)
        password = request.POST.get("authorization[password]", "")
        if user is None or not user.check_password(password):
            return _page(request, app, params, "Invalid username or password.", status=401)
        refusal = services.login_refusal(user)
        if refusal is not None:
            return _page(request, app, params, refusal.message, status=403)
        if mfa.is_enabled(user):
            return _page(request, app, params, None, mfa_step=mfa.make_mfa_token(user, app, scopes))
    grant = services.create_grant(app, user, params["redirect_uri"], scopes)
    if params["redirect_uri"] == OOB:
        response = render(request, "oauth/oob.html", {"code": grant.code, "app": app})
    else:
        response = _redirect_with_code(params["redirect_uri"], grant.code, params["state"])
    token, _ = services.grant_token(grant)
    if token is not None:
        set_token_cookie(response, token.token)
    return response


def _finish_mfa(request, app, params, mfa_token: str):
    """The user once the code of the MFA step checks out, else the page to show."""
    from accounts.models import User

    data = mfa.read_mfa_token(mfa_token)
    user = User.objects.filter(pk=data["u"]).first() if data and data.get("a") == app.pk else None
    if user is None:
        return _page(request, app, params, "Your login expired, log in again.", status=401)
    try:
        ratelimit.hit("mfa_challenge", str(user.pk))
    except ApiError:
        return _page(request, app, params, "Too many attempts, try again later.", status=429,
                     mfa_step=mfa_token)
    if not mfa.verify_code(user, request.POST.get("authorization[mfa_code]", "")):
        return _page(request, app, params, "Invalid code.", status=401, mfa_step=mfa_token)
    return user
