"""HTTP Signatures (reference/federation.md §2): draft-cavage signing and verification, the
Digest header, the Date window, and verification of RFC 9421 (Signature-Input/Signature
with Content-Digest). Key lookup is the caller's: verification takes a function
`key_id, refresh -> PublicKey` so that the inbox can fetch keys and refetch once on failure.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

from federation.keys import load_private_key

# Date window (§2.2 step 3): up to 1 h 05 min old, up to 1 h ahead.
MAX_AGE = timedelta(hours=1, minutes=5)
MAX_SKEW = timedelta(hours=1)
CAVAGE_ALGORITHMS = ("rsa-sha256", "hs2019")
PublicKey = rsa.RSAPublicKey | ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey
KeyLookup = Callable[[str, bool], PublicKey]


class SignatureError(Exception):
    """The request's signature is missing, malformed, stale or wrong; `status` is the answer."""

    def __init__(self, message: str, status: int = 401):
        super().__init__(message)
        self.message = message
        self.status = status


class KeyUnavailable(SignatureError):
    """The signer's key could not be fetched (network): the sender should retry (503)."""

    def __init__(self, message: str = "Failed to fetch the signing key"):
        super().__init__(message, status=503)


@dataclass(frozen=True)
class Verified:
    """A signature that checked out: who signed (the keyId) and with which profile."""

    key_id: str
    profile: str  # "cavage" or "rfc9421"


# --- shared pieces ----------------------------------------------------------------------------

def http_date(moment: datetime | None = None) -> str:
    """An RFC 7231 IMF-fixdate in GMT: `Tue, 07 Jan 2025 12:34:56 GMT`."""
    return format_datetime(moment or datetime.now(UTC), usegmt=True)


def digest_header(body: bytes) -> str:
    """`SHA-256=<base64>` of the exact bytes sent."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def content_digest_header(body: bytes) -> str:
    """RFC 9530 `sha-256=:<base64>:`."""
    return "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"


def host_of(url: str) -> str:
    """The authority as signed: host, with `:port` only when not the scheme's default."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return f"{host}:{parts.port}" if parts.port and parts.port != default else host


def key_id_to_actor_id(key_id: str) -> str:
    """The actor a keyId names: without fragment and a trailing /main-key or /publickey."""
    actor = key_id.split("#", 1)[0]
    for suffix in ("/main-key", "/publickey"):
        if actor.endswith(suffix):
            return actor[: -len(suffix)]
    return actor


def check_date(value: str | None, now: datetime | None = None) -> datetime:
    if not value:
        raise SignatureError("Signed request date missing")
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError) as exc:
        raise SignatureError("Signed request date does not parse") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return check_moment(moment, now)


def check_moment(moment: datetime, now: datetime | None = None) -> datetime:
    now = now or datetime.now(UTC)
    if moment > now + MAX_SKEW or moment < now - MAX_AGE:
        raise SignatureError("Signed request date outside acceptable time window")
    return moment


def check_digest(headers: Mapping[str, str], body: bytes) -> None:
    """The Digest header's SHA-256 entry must be the body's (other algorithms are ignored)."""
    given = None
    for entry in (headers.get("digest") or "").split(","):
        name, _, value = entry.strip().partition("=")
        if name.lower() == "sha-256":
            given = value
    if given is None:
        raise SignatureError("Digest header missing or without SHA-256")
    if given != digest_header(body).split("=", 1)[1]:
        raise SignatureError("Invalid Digest value")


def _verify_rsa_sha256(key: PublicKey, signature: bytes, message: bytes) -> bool:
    if not isinstance(key, rsa.RSAPublicKey):
        return False
    try:
        key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def _verify_with_refetch(key_id: str, lookup: KeyLookup, check: Callable[[PublicKey], bool]) -> None:
    """Verify with the known key; on failure refetch it once (key rotation, §2.2 step 7)."""
    if check(lookup(key_id, False)):
        return
    if check(lookup(key_id, True)):
        return
    raise SignatureError(f"Verification failed for {key_id}")


# --- draft-cavage -----------------------------------------------------------------------------

def sign_headers(method: str, url: str, *, key_id: str, private_key_pem: str,
                 body: bytes | None = None, headers: Mapping[str, str] | None = None) -> dict:
    """The headers of a signed request: Date (now), Host, Digest for a body, Signature over
    `(request-target) host date` (+ `digest`). The request target keeps the query."""
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += f"?{parts.query}"
    out = dict(headers or {})
    out["Host"] = host_of(url)
    out["Date"] = http_date()
    names = ["(request-target)", "host", "date"]
    values = {"(request-target)": f"{method.lower()} {target}", "host": out["Host"], "date": out["Date"]}
    if body is not None:
        out["Digest"] = digest_header(body)
        names.append("digest")
        values["digest"] = out["Digest"]
    message = "\n".join(f"{name}: {values[name]}" for name in names).encode()
    signature = load_private_key(private_key_pem).sign(message, padding.PKCS1v15(), hashes.SHA256())
    out["Signature"] = (f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
                        f'signature="{base64.b64encode(signature).decode()}"')
    return out


_PARAM = re.compile(r'\s*([A-Za-z]+)\s*=\s*(?:"([^"]*)"|([^,]*))\s*(?:,|$)')


def parse_cavage(value: str) -> dict[str, str]:
    params, position = {}, 0
    value = value.strip()
    while position < len(value):
        match = _PARAM.match(value, position)
        if match is None or match.end() == position:
            raise SignatureError("Malformed Signature header", status=400)
        params[match.group(1)] = match.group(2) if match.group(2) is not None else match.group(3).strip()
        position = match.end()
    if not params.get("keyId") or not params.get("signature"):
        raise SignatureError("Signature header lacks keyId or signature", status=400)
    return params


def verify_cavage(method: str, path: str, query: str, headers: Mapping[str, str], body: bytes,
                  lookup: KeyLookup, *, now: datetime | None = None) -> Verified:
    """Check a draft-cavage `Signature` (§2.2 steps 1-7); `headers` keys are lower case."""
    params = parse_cavage(headers.get("signature", ""))
    algorithm = params.get("algorithm", "hs2019").lower()
    if algorithm not in CAVAGE_ALGORITHMS:
        raise SignatureError("Unsupported signature algorithm (only rsa-sha256 and hs2019 are supported)")
    signed = (params.get("headers") or "date").lower().split()
    if "date" not in signed:
        raise SignatureError("Mandatory header date not signed")
    if "(request-target)" not in signed and "digest" not in signed:
        raise SignatureError("Mandatory header (request-target) not signed")
    if method.upper() == "POST" and "digest" not in signed:
        raise SignatureError("Mandatory header digest not signed")
    if method.upper() == "GET" and "host" not in signed:
        raise SignatureError("Mandatory header host not signed")
    check_date(headers.get("date"), now)
    if "digest" in signed:
        check_digest(headers, body)
    try:
        signature = base64.b64decode(params["signature"], validate=True)
    except ValueError as exc:
        raise SignatureError("Malformed Signature header", status=400) from exc

    def message(target: str) -> bytes:
        lines = []
        for name in signed:
            if name == "(request-target)":
                lines.append(f"(request-target): {method.lower()} {target}")
            elif name in headers:
                lines.append(f"{name}: {headers[name].strip()}")
            else:
                raise SignatureError(f"Signed header {name} missing")
        return "\n".join(lines).encode()

    # With the query first, then without (senders disagree, §2.1).
    targets = [f"{path}?{query}", path] if query else [path]
    messages = [message(t) for t in targets]
    _verify_with_refetch(params["keyId"], lookup,
                         lambda key: any(_verify_rsa_sha256(key, signature, m) for m in messages))
    return Verified(params["keyId"], "cavage")


# --- RFC 9421 ---------------------------------------------------------------------------------

_LABELLED = re.compile(r"\s*([a-z*][a-z0-9_.*-]*)=")


def _split_dictionary(value: str) -> dict[str, str]:
    """A Structured-Fields dictionary, member values kept as written (enough for the
    Signature-Input and Signature headers: inner lists with parameters, byte sequences)."""
    members, position = {}, 0
    while position < len(value):
        match = _LABELLED.match(value, position)
        if match is None:
            raise SignatureError("Malformed Signature-Input header", status=400)
        start, depth, quoted, i = match.end(), 0, False, match.end()
        while i < len(value):
            char = value[i]
            if quoted:
                if char == "\\":
                    i += 1
                elif char == '"':
                    quoted = False
            elif char == '"':
                quoted = True
            elif char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            elif char == "," and depth == 0:
                break
            i += 1
        members[match.group(1)] = value[start:i].strip()
        position = i + 1
    return members


_COMPONENT = re.compile(r'"([^"]+)"((?:;[a-z]+(?:=(?:"[^"]*"|[^;\s)]+))?)*)')
_SIG_PARAM = re.compile(r';([a-z]+)=("(?:[^"\\]|\\.)*"|[^;]+)')


@dataclass(frozen=True)
class SignatureInput:
    label: str
    components: list[str]
    params: dict[str, str | int]
    raw: str  # the inner list with its parameters, exactly as sent: the @signature-params line


def parse_signature_input(value: str) -> list[SignatureInput]:
    out = []
    for label, raw in _split_dictionary(value).items():
        if not raw.startswith("(") or ")" not in raw:
            raise SignatureError("Malformed Signature-Input header", status=400)
        inner, params_text = raw[1:raw.index(")")], raw[raw.index(")") + 1:]
        components = []
        for match in _COMPONENT.finditer(inner):
            if match.group(2):
                raise SignatureError("Component parameters are not supported", status=400)
            components.append(match.group(1))
        params: dict[str, str | int] = {}
        for match in _SIG_PARAM.finditer(params_text):
            text = match.group(2)
            params[match.group(1)] = text[1:-1] if text.startswith('"') else int(text) if text.isdigit() else text
        out.append(SignatureInput(label, components, params, raw))
    return out


def _component_value(name: str, method: str, url: str, headers: Mapping[str, str]) -> str:
    parts = urlsplit(url)
    if name == "@method":
        return method.upper()
    if name == "@target-uri":
        return url
    if name == "@authority":
        return host_of(url)
    if name == "@scheme":
        return parts.scheme.lower()
    if name == "@path":
        return parts.path or "/"
    if name == "@query":
        return f"?{parts.query}"
    if name == "@request-target":
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if name.startswith("@"):
        raise SignatureError(f"Unsupported derived component {name}", status=400)
    if name not in headers:
        raise SignatureError(f"Covered field {name} missing")
    return headers[name].strip()


def signature_base(signature_input: SignatureInput, method: str, url: str, headers: Mapping[str, str]) -> bytes:
    """RFC 9421 §2.5: one line per covered component, then `@signature-params`."""
    lines = [f'"{name}": {_component_value(name, method, url, headers)}' for name in signature_input.components]
    lines.append(f'"@signature-params": {signature_input.raw}')
    return "\n".join(lines).encode()


def _verify_9421(alg: str | None, key: PublicKey, signature: bytes, base: bytes) -> bool:
    try:
        if isinstance(key, rsa.RSAPublicKey) and alg in (None, "rsa-v1_5-sha256"):
            key.verify(signature, base, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, rsa.RSAPublicKey) and alg == "rsa-pss-sha512":
            key.verify(signature, base, padding.PSS(mgf=padding.MGF1(hashes.SHA512()), salt_length=64),
                       hashes.SHA512())
        elif isinstance(key, ed25519.Ed25519PublicKey) and alg in (None, "ed25519"):
            key.verify(signature, base)
        else:
            return False
    except InvalidSignature:
        return False
    return True


def verify_rfc9421_signature(method: str, url: str, headers: Mapping[str, str],
                             lookup: KeyLookup) -> tuple[SignatureInput, Verified]:
    """The cryptographic check of the first signature of an RFC 9421 request (no policy)."""
    inputs = parse_signature_input(headers.get("signature-input", ""))
    if len(inputs) != 1:
        raise SignatureError("Exactly one signature is required", status=400)
    signature_input = inputs[0]
    encoded = _split_dictionary(headers.get("signature", "")).get(signature_input.label, "")
    if not (encoded.startswith(":") and encoded.endswith(":") and len(encoded) > 1):
        raise SignatureError("Signature header lacks the labelled signature", status=400)
    try:
        signature = base64.b64decode(encoded[1:-1], validate=True)
    except ValueError as exc:
        raise SignatureError("Malformed Signature header", status=400) from exc
    key_id = signature_input.params.get("keyid")
    if not isinstance(key_id, str) or not key_id:
        raise SignatureError("Signature-Input lacks keyid", status=400)
    base = signature_base(signature_input, method, url, headers)
    alg = signature_input.params.get("alg")
    _verify_with_refetch(key_id, lookup, lambda key: _verify_9421(alg if isinstance(alg, str) else None,
                                                                  key, signature, base))
    return signature_input, Verified(key_id, "rfc9421")


def check_content_digest(headers: Mapping[str, str], body: bytes) -> None:
    members = _split_dictionary(headers.get("content-digest", ""))
    given = members.get("sha-256")
    if given is None:
        raise SignatureError("Content-Digest header missing or without sha-256")
    if given != content_digest_header(body).split("=", 1)[1]:
        raise SignatureError("Invalid Content-Digest value")


def verify_rfc9421(method: str, url: str, headers: Mapping[str, str], body: bytes,
                   lookup: KeyLookup, *, now: datetime | None = None) -> Verified:
    """RFC 9421 with Mastodon's profile (§2.3): `created` in the window, `@method` and
    `@target-uri` covered, POSTs covering a Content-Digest that matches the body."""
    inputs = parse_signature_input(headers.get("signature-input", ""))
    if len(inputs) != 1:
        raise SignatureError("Exactly one signature is required", status=400)
    signature_input = inputs[0]
    created = signature_input.params.get("created")
    if not isinstance(created, int):
        raise SignatureError("Signature-Input lacks created")
    check_moment(datetime.fromtimestamp(created, UTC), now)
    expires = signature_input.params.get("expires")
    if isinstance(expires, int) and datetime.fromtimestamp(expires, UTC) < (now or datetime.now(UTC)):
        raise SignatureError("Signature has expired")
    covered = set(signature_input.components)
    if not {"@method", "@target-uri"} <= covered:
        raise SignatureError("Signature must cover @method and @target-uri")
    if method.upper() == "POST":
        if "content-digest" not in covered:
            raise SignatureError("Mandatory field content-digest not signed")
        check_content_digest(headers, body)
    return verify_rfc9421_signature(method, url, headers, lookup)[1]


def verify_request(method: str, url: str, headers: Mapping[str, str], body: bytes,
                   lookup: KeyLookup, *, now: datetime | None = None) -> Verified:
    """Either profile, chosen by the presence of Signature-Input; `headers` lower-cased."""
    if "signature-input" in headers:
        return verify_rfc9421(method, url, headers, body, lookup, now=now)
    if "signature" not in headers:
        raise SignatureError("Request not signed")
    parts = urlsplit(url)
    return verify_cavage(method, parts.path or "/", parts.query, headers, body, lookup, now=now)
