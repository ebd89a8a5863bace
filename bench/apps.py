from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmark tooling: the seeding command and the ceiling views (mounted only when
    PLEROMA_BENCH_ENDPOINTS=true)."""

    name = "bench"
    pleroma_features: list[str] = []
