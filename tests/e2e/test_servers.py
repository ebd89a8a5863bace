"""The end-to-end fixtures themselves: a served instance, a second one, a real worker."""

import requests

from accounts.models import User
from instance import tasks
from tests.factories import UserFactory


class TestRunningServer:
    """running_server: gunicorn on the test database"""

    def test_serves_rows_the_test_committed(self, running_server):
        UserFactory(nickname="served")
        token = running_server.token("served")
        response = running_server.get("/api/v1/accounts/verify_credentials", token)
        assert response.status_code == 200, running_server.log()[-2000:]
        assert response.json()["username"] == "served"
        assert running_server.url == f"http://127.0.0.1:{running_server.port}"

    def test_each_test_starts_with_an_empty_database(self, running_server):
        assert not User.objects.exists()
        running_server.create_user("made_by_command")
        assert User.objects.filter(nickname="made_by_command", is_confirmed=True).exists()


class TestSecondServer:
    """second_server: another instance with its own database"""

    def test_has_its_own_users(self, running_server, second_server):
        second_server.create_user("remote_alice")
        token = second_server.token("remote_alice")
        me = second_server.get("/api/v1/accounts/verify_credentials", token).json()
        assert me["username"] == "remote_alice"
        assert not User.objects.filter(nickname="remote_alice").exists()
        assert running_server.get("/api/v1/accounts/remote_alice").status_code == 404

    def test_is_emptied_between_tests(self, second_server):
        second_server.create_user("remote_alice")
        assert second_server.get("/api/v1/accounts/remote_alice").status_code == 200

    def test_servers_reach_each_other_over_loopback(self, running_server, second_server):
        assert second_server.port != running_server.port
        assert requests.get(f"{second_server.url}/api/v1/instance", timeout=10).status_code < 500


class TestCeleryWorkerProcess:
    """celery_worker_process: a real worker consuming from Redis"""

    def test_runs_a_task_sent_through_the_broker(self, celery_worker_process):
        from django.core.cache import cache

        tasks.ping.delay("first")
        seen = celery_worker_process.wait_for(lambda: cache.get(tasks.WORKER_SEEN_KEY))
        assert seen["token"] == "first"

    def test_a_task_taken_by_a_killed_worker_runs_again_after_restart(self, celery_worker_process):
        from django.core.cache import cache

        tasks.ping.delay("held", hold_seconds=3)
        celery_worker_process.wait_for(lambda: "Task instance.tasks.ping[" in celery_worker_process.log())
        celery_worker_process.kill()
        assert cache.get(tasks.WORKER_SEEN_KEY) is None
        assert celery_worker_process.restore_unacked() == 1
        celery_worker_process.start()
        seen = celery_worker_process.wait_for(lambda: cache.get(tasks.WORKER_SEEN_KEY), timeout=60)
        assert seen["token"] == "held"
