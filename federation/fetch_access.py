"""Who is fetching, and what they may see (reference/federation.md §2.5).

An unsigned GET sees public and unlisted statuses. A signed GET is verified; its key maps
to an actor, and the normal visibility rules apply to that actor: a followers-only post is
served to a follower, a direct one to those it mentions. The instance actor of another
server sees only what anyone sees. A signature that is sent and fails is a 401.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from federation import signatures

FEDERATED_VISIBILITIES = ("public", "unlisted", "private", "direct")


class SignatureRefused(Exception):
    def __init__(self, message: str, status: int = 401):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Fetcher:
    """The verified signer of a request: the account its key belongs to, or None for a
    server-level actor (an instance actor: only public things)."""

    key_id: str
    user: User | None


def request_headers(request) -> dict[str, str]:
    """The request's headers with lower-case names, as the signature profiles name them."""
    return {name.lower(): value for name, value in request.headers.items()}


def request_url(request) -> str:
    return request.build_absolute_uri(request.get_full_path())


def fetcher_of(request) -> Fetcher | None:
    """The verified signer of a GET, or None when it carries no signature."""
    from federation import actors

    headers = request_headers(request)
    if "signature" not in headers and "signature-input" not in headers:
        return None
    try:
        verified = signatures.verify_request(request.method, request_url(request), headers, request.body,
                                             actors.public_key_for)
    except signatures.SignatureError as exc:
        raise SignatureRefused(exc.message, exc.status) from exc
    return Fetcher(verified.key_id, actors.account_of_key(verified.key_id))


def visible_status(pk, fetcher: Fetcher | None):
    """A local status the fetcher may see, loaded for its documents, or None."""
    from federation.documents import statuses_for_documents
    from statuses.models import Status

    viewer = fetcher.user if fetcher is not None else None
    qs = Status.objects.filter(pk=pk, local=True, visibility__in=FEDERATED_VISIBILITIES)
    if viewer is not None and viewer.is_active:
        qs = qs.visible_to(viewer)
    else:
        qs = qs.filter(visibility__in=("public", "unlisted"), account__is_active=True)
    return statuses_for_documents(qs).first()
