"""factory_boy factories for plain rows."""

import factory
from django.contrib.auth.hashers import make_password

from accounts.models import App, User
from statuses.models import Status

PASSWORD = "test-password"
_HASHED = make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    nickname = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.nickname}@example.com")
    password = _HASHED
    display_name = factory.LazyAttribute(lambda o: o.nickname.title())


class AppFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = App

    name = factory.Sequence(lambda n: f"app{n}")
    redirect_uris = "urn:ietf:wg:oauth:2.0:oob"
    scopes = "read write follow push admin"
    client_type = App.CLIENT_CONFIDENTIAL
    authorization_grant_type = App.GRANT_AUTHORIZATION_CODE
    hash_client_secret = False
    client_id = factory.Sequence(lambda n: f"client-{n}")
    client_secret = factory.Sequence(lambda n: f"secret-{n}")


class StatusFactory(factory.django.DjangoModelFactory):
    """A plain public status row (no mentions, tags or counters: use the service for those)."""

    class Meta:
        model = Status

    account = factory.SubFactory(UserFactory)
    content_source = factory.Sequence(lambda n: f"status {n}")
    content = factory.LazyAttribute(lambda o: f"<p>{o.content_source}</p>")
