"""OAuth rules the authorize page and the token endpoint share: which redirect URIs an app
may register and be sent to, and PKCE (RFC 7636) challenges and verifiers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from urllib.parse import urlsplit

OOB = "urn:ietf:wg:oauth:2.0:oob"
# Schemes a browser would run or read locally instead of handing to an app.
FORBIDDEN_SCHEMES = frozenset({"javascript", "data", "vbscript", "file", "about", "blob", "filesystem",
                               "view-source"})
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*$")
# RFC 7636 §4.1: 43 to 128 unreserved characters (the challenge of `plain` is the same).
VERIFIER = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")
PKCE_METHODS = ("S256", "plain")


def redirect_uri_problem(uri: str) -> str | None:
    """Why an app may not use `uri` as a redirect URI, or None when it may.

    Allowed: the out-of-band URN, http(s) URLs with a host, and an app's own scheme
    (`com.example.app:/callback`, `myapp://auth`), which native clients use.
    """
    if uri == OOB:
        return None
    if len(uri) > 2000 or any(ord(c) < 0x21 or ord(c) == 0x7F or c == "\\" for c in uri):
        return "has invalid characters"
    parts = urlsplit(uri)
    if not parts.scheme or not SCHEME.match(parts.scheme):
        return "must be an absolute URI"
    scheme = parts.scheme.lower()
    if scheme in FORBIDDEN_SCHEMES:
        return f"may not use the {scheme} scheme"
    if scheme in ("http", "https") and not parts.hostname:
        return "must name a host"
    if parts.fragment:
        return "may not have a fragment"
    return None


def is_allowed_redirect_uri(uri: str) -> bool:
    return redirect_uri_problem(uri) is None


def challenge_problem(challenge: str, method: str) -> str | None:
    """Why a code_challenge sent to the authorize page is unusable, or None."""
    if method not in PKCE_METHODS:
        return "Unsupported code_challenge_method (S256 or plain)."
    if not VERIFIER.match(challenge):
        return "Invalid code_challenge."
    return None


def verifier_matches(challenge: str, method: str, verifier: str) -> bool:
    """RFC 7636 §4.6: the verifier transformed by the challenge's method equals the challenge."""
    if not VERIFIER.match(verifier or ""):
        return False
    if method == "S256":
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        derived = base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
    else:
        derived = verifier
    return hmac.compare_digest(derived, challenge)
