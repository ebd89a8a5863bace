"""GET /api/v1/pleroma/healthcheck"""

import socket

from django.db import connection

from instance import health

KEYS = {"pool_size", "active", "idle", "memory_used", "healthy", "job_queue_stats"}


class TestHealthcheck:
    """GET /api/v1/pleroma/healthcheck"""

    def test_reports_a_healthy_instance(self, anon):
        response = anon.get("/api/pleroma/healthcheck")
        assert response.status_code == 200
        body = response.json()
        assert set(body) == KEYS
        assert body["healthy"] is True
        assert body["pool_size"] > body["active"] >= 1
        assert body["idle"] >= 0
        assert body["memory_used"] > 0
        assert set(body["job_queue_stats"]) == {"processed_jobs", "queues", "workers"}

    def test_counts_jobs_per_queue_and_task(self, anon):
        from instance import tasks

        tasks.ping.delay("probe")
        health.count_job("imports", "accounts.tasks.import_follows", "failure")
        stats = anon.get("/api/v1/pleroma/healthcheck").json()["job_queue_stats"]
        assert stats["processed_jobs"] == 2
        assert stats["workers"]["instance.tasks.ping"] == {"processed_jobs": 1, "success": 1, "failure": 0}
        assert stats["queues"]["imports"]["failure"] == 1
        assert stats["queues"]["default"]["pending"] == 0

    def test_is_503_when_every_connection_is_busy(self, anon, monkeypatch):
        monkeypatch.setattr(health, "database_stats",
                            lambda: {"pool_size": 2, "active": 2, "idle": 0})
        response = anon.get("/api/v1/pleroma/healthcheck")
        assert response.status_code == 503
        assert response.json()["healthy"] is False


class TestHealthcheckWithoutDatabase:
    """GET /api/v1/pleroma/healthcheck when the database cannot be reached"""

    def test_is_503_and_unhealthy(self, transactional_db, anon):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            closed_port = sock.getsockname()[1]
        saved = dict(connection.settings_dict)
        connection.close()
        connection.settings_dict["PORT"] = str(closed_port)
        connection.settings_dict["OPTIONS"] = {**saved.get("OPTIONS", {}), "connect_timeout": 2}
        try:
            response = anon.get("/api/v1/pleroma/healthcheck")
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)
        assert response.status_code == 503
        body = response.json()
        assert set(body) == KEYS
        assert body["healthy"] is False
