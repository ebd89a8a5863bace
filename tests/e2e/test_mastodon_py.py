"""Mastodon.py against a running server: register an app, log in, read the account."""

from mastodon import Mastodon

from tests.factories import PASSWORD, UserFactory


class TestMastodonPyLogin:
    """POST /api/v1/apps, POST /oauth/token, GET /api/v1/accounts/verify_credentials with Mastodon.py"""

    def test_registers_logs_in_with_a_password_and_reads_its_account(self, running_server):
        UserFactory(nickname="masto", display_name="Masto Don")
        client_id, client_secret = Mastodon.create_app(
            "e2e client", api_base_url=running_server.url, scopes=["read", "write", "follow", "push"])
        client = Mastodon(client_id=client_id, client_secret=client_secret,
                          api_base_url=running_server.url, version_check_mode="none")
        token = client.log_in("masto", PASSWORD, scopes=["read", "write", "follow", "push"])
        assert token
        me = client.account_verify_credentials()
        assert me["username"] == "masto"
        assert me["display_name"] == "Masto Don"
        assert me["acct"] == "masto"

    def test_detects_the_server_version_from_the_instance(self, running_server):
        UserFactory(nickname="versioned")
        client_id, client_secret = Mastodon.create_app("e2e client", api_base_url=running_server.url)
        client = Mastodon(client_id=client_id, client_secret=client_secret,
                          api_base_url=running_server.url, version_check_mode="created")
        client.log_in("versioned", PASSWORD, scopes=["read"])
        assert client.retrieve_mastodon_version() == "2.7.2"
        assert client.instance()["version"] == "2.7.2 (compatible; Pleroma 2.7.0)"
