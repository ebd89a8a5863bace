"""HTTP Signatures with real keys both ways (reference/federation.md §2), and RFC 9421's own
test vector (Appendix B.2.6, Ed25519) for the signature base and verification."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from federation import keys, signatures
from federation.signatures import SignatureError

URL = "https://pl.example/users/bob/inbox"
KEY_ID = "https://remote.example/users/alice#main-key"
BODY = b'{"type":"Follow","actor":"https://remote.example/users/alice"}'


@pytest.fixture(scope="module")
def keypair():
    public_pem, private_pem = keys.generate_pem_pair()
    return keys.load_public_key(public_pem), private_pem


def lower(headers: dict) -> dict:
    return {k.lower(): v for k, v in headers.items()}


def lookup_of(*public_keys):
    """A key lookup answering the given keys in turn: the first without refresh, then the
    next on a refresh (a rotated key); records the calls."""
    calls = []

    def lookup(key_id, refresh):
        calls.append((key_id, refresh))
        return public_keys[min(len(calls) - 1, len(public_keys) - 1)]

    lookup.calls = calls
    return lookup


class TestCavageRoundTrip:
    """sign_headers() then verify_request()"""

    def test_a_signed_post_verifies_with_digest_and_date(self, keypair):
        public, private_pem = keypair
        headers = signatures.sign_headers("POST", URL, key_id=KEY_ID, private_key_pem=private_pem, body=BODY)
        assert headers["Host"] == "pl.example"
        assert headers["Digest"] == "SHA-256=" + base64.b64encode(hashlib.sha256(BODY).digest()).decode()
        assert headers["Date"].endswith(" GMT")
        assert 'headers="(request-target) host date digest"' in headers["Signature"]
        assert 'algorithm="rsa-sha256"' in headers["Signature"]
        verified = signatures.verify_request("POST", URL, lower(headers), BODY, lookup_of(public))
        assert verified.key_id == KEY_ID and verified.profile == "cavage"

    def test_a_signed_get_signs_the_query_and_verifies(self, keypair):
        public, private_pem = keypair
        url = "https://pl.example/users/bob/outbox?page=true"
        headers = signatures.sign_headers("GET", url, key_id=KEY_ID, private_key_pem=private_pem)
        assert "Digest" not in headers
        assert signatures.verify_request("GET", url, lower(headers), b"", lookup_of(public)).key_id == KEY_ID

    def test_a_get_signed_without_its_query_verifies_too(self, keypair):
        public, private_pem = keypair
        headers = signatures.sign_headers("GET", "https://pl.example/users/bob/outbox", key_id=KEY_ID,
                                          private_key_pem=private_pem)
        signatures.verify_request("GET", "https://pl.example/users/bob/outbox?page=true", lower(headers), b"",
                                  lookup_of(public))

    def test_a_non_default_port_is_part_of_the_host(self, keypair):
        _, private_pem = keypair
        headers = signatures.sign_headers("GET", "http://127.0.0.1:8001/x", key_id=KEY_ID, private_key_pem=private_pem)
        assert headers["Host"] == "127.0.0.1:8001"

    def test_a_changed_body_fails_on_its_digest(self, keypair):
        public, private_pem = keypair
        headers = signatures.sign_headers("POST", URL, key_id=KEY_ID, private_key_pem=private_pem, body=BODY)
        with pytest.raises(SignatureError, match="Invalid Digest value"):
            signatures.verify_request("POST", URL, lower(headers), BODY + b" ", lookup_of(public))

    def test_a_changed_digest_fails_the_signature(self, keypair):
        public, private_pem = keypair
        headers = lower(signatures.sign_headers("POST", URL, key_id=KEY_ID, private_key_pem=private_pem, body=BODY))
        headers["digest"] = signatures.digest_header(b"other")
        with pytest.raises(SignatureError, match=f"Verification failed for {KEY_ID}"):
            signatures.verify_request("POST", URL, headers, b"other", lookup_of(public))

    def test_another_path_fails(self, keypair):
        public, private_pem = keypair
        headers = signatures.sign_headers("POST", URL, key_id=KEY_ID, private_key_pem=private_pem, body=BODY)
        with pytest.raises(SignatureError):
            signatures.verify_request("POST", "https://pl.example/inbox", lower(headers), BODY, lookup_of(public))

    def test_another_key_fails_after_one_refetch(self, keypair):
        _, private_pem = keypair
        stranger = keys.load_public_key(keys.generate_pem_pair()[0])
        headers = signatures.sign_headers("POST", URL, key_id=KEY_ID, private_key_pem=private_pem, body=BODY)
        lookup = lookup_of(stranger)
        with pytest.raises(SignatureError) as caught:
            signatures.verify_request("POST", URL, lower(headers), BODY, lookup)
        assert caught.value.status == 401
        assert lookup.calls == [(KEY_ID, False), (KEY_ID, True)]

    def test_a_rotated_key_verifies_after_the_refetch(self, keypair):
        public, private_pem = keypair
        old = keys.load_public_key(keys.generate_pem_pair()[0])
        headers = signatures.sign_headers("POST", URL, key_id=KEY_ID, private_key_pem=private_pem, body=BODY)
        lookup = lookup_of(old, public)
        signatures.verify_request("POST", URL, lower(headers), BODY, lookup)
        assert lookup.calls == [(KEY_ID, False), (KEY_ID, True)]


class TestCavageRules:
    """verify_cavage(): the strength rules and the Date window (§2.2 steps 1-3)"""

    def _signed(self, private_pem, names, *, date=None, method="POST", body=BODY):
        date = date or signatures.http_date()
        values = {"(request-target)": f"{method.lower()} /users/bob/inbox", "host": "pl.example",
                  "date": date, "digest": signatures.digest_header(body)}
        message = "\n".join(f"{n}: {values[n]}" for n in names).encode()
        signature = keys.load_private_key(private_pem).sign(message, padding.PKCS1v15(), hashes.SHA256())
        return {"host": "pl.example", "date": date, "digest": values["digest"],
                "signature": f'keyId="{KEY_ID}",algorithm="hs2019",headers="{" ".join(names)}",'
                             f'signature="{base64.b64encode(signature).decode()}"'}

    def test_hs2019_with_rsa_is_accepted(self, keypair):
        public, private_pem = keypair
        headers = self._signed(private_pem, ["(request-target)", "host", "date", "digest"])
        signatures.verify_request("POST", URL, headers, BODY, lookup_of(public))

    def test_a_post_must_sign_its_digest(self, keypair):
        public, private_pem = keypair
        headers = self._signed(private_pem, ["(request-target)", "host", "date"])
        with pytest.raises(SignatureError, match="Mandatory header digest not signed"):
            signatures.verify_request("POST", URL, headers, BODY, lookup_of(public))

    def test_the_date_must_be_signed(self, keypair):
        public, private_pem = keypair
        headers = self._signed(private_pem, ["(request-target)", "host", "digest"])
        with pytest.raises(SignatureError, match="date not signed"):
            signatures.verify_request("POST", URL, headers, BODY, lookup_of(public))

    @pytest.mark.parametrize("age", [timedelta(hours=1, minutes=6), timedelta(hours=-1, minutes=-1)])
    def test_a_date_outside_the_window_is_refused(self, keypair, age):
        public, private_pem = keypair
        date = signatures.http_date(datetime.now(UTC) - age)
        headers = self._signed(private_pem, ["(request-target)", "host", "date", "digest"], date=date)
        with pytest.raises(SignatureError, match="outside acceptable time window"):
            signatures.verify_request("POST", URL, headers, BODY, lookup_of(public))

    def test_a_date_an_hour_old_is_accepted(self, keypair):
        public, private_pem = keypair
        date = signatures.http_date(datetime.now(UTC) - timedelta(minutes=60))
        headers = self._signed(private_pem, ["(request-target)", "host", "date", "digest"], date=date)
        signatures.verify_request("POST", URL, headers, BODY, lookup_of(public))

    def test_an_unparsable_date_is_refused(self, keypair):
        public, private_pem = keypair
        headers = self._signed(private_pem, ["(request-target)", "host", "date", "digest"], date="yesterday")
        with pytest.raises(SignatureError, match="does not parse"):
            signatures.verify_request("POST", URL, headers, BODY, lookup_of(public))

    def test_an_unknown_algorithm_is_refused(self, keypair):
        public, _ = keypair
        headers = {"date": signatures.http_date(), "signature": f'keyId="{KEY_ID}",algorithm="hmac-sha256",signature="AA=="'}
        with pytest.raises(SignatureError, match="Unsupported signature algorithm"):
            signatures.verify_request("GET", URL, headers, b"", lookup_of(public))

    def test_a_malformed_header_is_a_400(self, keypair):
        public, _ = keypair
        with pytest.raises(SignatureError) as caught:
            signatures.verify_request("GET", URL, {"signature": 'algorithm="rsa-sha256"'}, b"", lookup_of(public))
        assert caught.value.status == 400

    def test_no_signature_is_refused(self, keypair):
        with pytest.raises(SignatureError, match="Request not signed"):
            signatures.verify_request("GET", URL, {}, b"", lookup_of(keypair[0]))


# RFC 9421 Appendix B.1.4 (test-key-ed25519) and B.2.6 (a signature over selected components).
RFC_ED25519_PUBLIC = b"""-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=
-----END PUBLIC KEY-----
"""
RFC_REQUEST_URL = "https://example.com/foo?param=Value&Pet=dog"
RFC_REQUEST_HEADERS = {
    "host": "example.com",
    "date": "Tue, 20 Apr 2021 02:07:55 GMT",
    "content-type": "application/json",
    "content-digest": "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:",
    "content-length": "18",
    "signature-input": 'sig-b26=("date" "@method" "@path" "@authority" "content-type" '
                       '"content-length");created=1618884473;keyid="test-key-ed25519"',
    "signature": "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:",
}
RFC_SIGNATURE_BASE = (
    '"date": Tue, 20 Apr 2021 02:07:55 GMT\n'
    '"@method": POST\n'
    '"@path": /foo\n'
    '"@authority": example.com\n'
    '"content-type": application/json\n'
    '"content-length": 18\n'
    '"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length")'
    ';created=1618884473;keyid="test-key-ed25519"'
)


class TestRfc9421Vector:
    """RFC 9421 B.2.6 with the RFC's Ed25519 test key"""

    def test_builds_the_rfcs_signature_base(self):
        signature_input = signatures.parse_signature_input(RFC_REQUEST_HEADERS["signature-input"])[0]
        assert signature_input.label == "sig-b26"
        assert signature_input.params == {"created": 1618884473, "keyid": "test-key-ed25519"}
        base = signatures.signature_base(signature_input, "POST", RFC_REQUEST_URL, RFC_REQUEST_HEADERS)
        assert base.decode() == RFC_SIGNATURE_BASE

    def test_the_rfcs_signature_verifies(self):
        public = serialization.load_pem_public_key(RFC_ED25519_PUBLIC)
        _, verified = signatures.verify_rfc9421_signature("POST", RFC_REQUEST_URL, RFC_REQUEST_HEADERS,
                                                          lookup_of(public))
        assert verified.key_id == "test-key-ed25519"
        assert verified.profile == "rfc9421"

    def test_a_changed_component_fails(self):
        public = serialization.load_pem_public_key(RFC_ED25519_PUBLIC)
        headers = {**RFC_REQUEST_HEADERS, "content-length": "19"}
        with pytest.raises(SignatureError, match="Verification failed for test-key-ed25519"):
            signatures.verify_rfc9421_signature("POST", RFC_REQUEST_URL, headers, lookup_of(public))

    def test_the_profile_wants_a_content_digest_and_a_fresh_created(self):
        public = serialization.load_pem_public_key(RFC_ED25519_PUBLIC)
        with pytest.raises(SignatureError, match="time window"):
            signatures.verify_request("POST", RFC_REQUEST_URL, RFC_REQUEST_HEADERS, b'{"hello": "world"}',
                                      lookup_of(public))
        with pytest.raises(SignatureError, match="@method and @target-uri"):
            signatures.verify_request("POST", RFC_REQUEST_URL, RFC_REQUEST_HEADERS, b'{"hello": "world"}',
                                      lookup_of(public), now=datetime.fromtimestamp(1618884473, UTC))


def _sign_9421(private_pem: str, url: str, body: bytes, *, created: int | None = None,
               components=("@method", "@target-uri", "content-digest")) -> dict:
    """An RFC 9421 request as Mastodon signs it (rsa-v1_5-sha256), built by hand."""
    created = created or int(datetime.now(UTC).timestamp())
    headers = {"host": "pl.example", "content-digest": signatures.content_digest_header(body)}
    inner = "(" + " ".join(f'"{c}"' for c in components) + ")"
    raw = f'{inner};created={created};keyid="{KEY_ID}";alg="rsa-v1_5-sha256"'
    signature_input = signatures.parse_signature_input(f"sig1={raw}")[0]
    base = signatures.signature_base(signature_input, "POST", url, headers)
    signature = keys.load_private_key(private_pem).sign(base, padding.PKCS1v15(), hashes.SHA256())
    headers["signature-input"] = f"sig1={raw}"
    headers["signature"] = f"sig1=:{base64.b64encode(signature).decode()}:"
    return headers


class TestRfc9421Profile:
    """verify_request() with Signature-Input: Mastodon's RFC 9421 profile (§2.3)"""

    def test_a_signed_post_with_its_content_digest_verifies(self, keypair):
        public, private_pem = keypair
        headers = _sign_9421(private_pem, URL, BODY)
        verified = signatures.verify_request("POST", URL, headers, BODY, lookup_of(public))
        assert verified.key_id == KEY_ID and verified.profile == "rfc9421"

    def test_a_changed_body_fails_on_its_content_digest(self, keypair):
        public, private_pem = keypair
        headers = _sign_9421(private_pem, URL, BODY)
        with pytest.raises(SignatureError, match="Invalid Content-Digest value"):
            signatures.verify_request("POST", URL, headers, BODY + b"x", lookup_of(public))

    def test_a_post_must_cover_its_content_digest(self, keypair):
        public, private_pem = keypair
        headers = _sign_9421(private_pem, URL, BODY, components=("@method", "@target-uri"))
        with pytest.raises(SignatureError, match="content-digest not signed"):
            signatures.verify_request("POST", URL, headers, BODY, lookup_of(public))

    def test_an_old_created_is_refused(self, keypair):
        public, private_pem = keypair
        old = int((datetime.now(UTC) - timedelta(hours=2)).timestamp())
        headers = _sign_9421(private_pem, URL, BODY, created=old)
        with pytest.raises(SignatureError, match="time window"):
            signatures.verify_request("POST", URL, headers, BODY, lookup_of(public))

    def test_another_target_uri_fails(self, keypair):
        public, private_pem = keypair
        headers = _sign_9421(private_pem, URL, BODY)
        with pytest.raises(SignatureError, match="Verification failed"):
            signatures.verify_request("POST", "https://pl.example/inbox", headers, BODY, lookup_of(public))
