"""core.sqlite_cache: the embedded mode's cache, shared by processes, atomic where it counts."""

from __future__ import annotations

import multiprocessing
import time

import pytest

from core.sqlite_cache import SQLiteCache

PROCESSES = 4
HITS = 200


def make(path) -> SQLiteCache:
    return SQLiteCache(str(path), {"KEY_PREFIX": "t"})


def _count(path, key, hits, results):
    cache = make(path)
    results.extend([cache.incr(key) for _ in range(hits)])


def _claim(path, key, wins):
    if make(path).add(key, 1, 60):
        wins.append(1)


@pytest.fixture
def cache(tmp_path):
    return make(tmp_path / "cache.sqlite3")


class TestOneProcess:
    """get, set, add, incr, delete, expiry"""

    def test_stores_integers_and_pickled_values(self, cache):
        cache.set("n", 3)
        cache.set("flag", True)
        cache.set("table", [{"shortcode": "x"}], 60)
        assert (cache.get("n"), cache.get("flag"), cache.get("table")) == (3, True, [{"shortcode": "x"}])
        assert cache.get("missing", "default") == "default"
        assert cache.get_many(["n", "table", "missing"]) == {"n": 3, "table": [{"shortcode": "x"}]}

    def test_add_stores_only_over_a_missing_or_expired_entry(self, cache):
        assert cache.add("k", "first", 60) is True
        assert cache.add("k", "second", 60) is False
        assert cache.get("k") == "first"
        cache.set("gone", "old", 0)  # a timeout of 0 expires at once
        assert cache.add("gone", "new", 60) is True
        assert cache.get("gone") == "new"

    def test_incr_adds_to_an_integer_and_refuses_a_missing_key(self, cache):
        cache.set("n", 1)
        assert cache.incr("n", 5) == 6
        assert cache.decr("n") == 5
        with pytest.raises(ValueError):
            cache.incr("missing")
        cache.set("text", "a")
        with pytest.raises(ValueError):
            cache.incr("text")

    def test_delete_says_whether_it_removed_a_live_entry(self, cache):
        cache.set("k", 1, 60)
        cache.set("expired", 1, 0)
        assert cache.delete("k") is True
        assert cache.delete("k") is False
        assert cache.delete("expired") is False

    def test_entries_expire(self, cache):
        cache.set("short", 1, 1)
        assert cache.has_key("short")
        time.sleep(1.1)
        assert not cache.has_key("short")
        assert cache.get("short") is None
        assert cache.touch("short", 60) is False

    def test_delete_many_and_clear(self, cache):
        cache.set_many({"a": 1, "b": 2, "c": 3})
        cache.delete_many(["a", "b"])
        assert cache.get_many(["a", "b", "c"]) == {"c": 3}
        cache.clear()
        assert cache.get("c") is None

    def test_two_backends_on_one_file_see_each_other(self, tmp_path):
        one, other = make(tmp_path / "shared.sqlite3"), make(tmp_path / "shared.sqlite3")
        one.set("emoji", ["fresh"])
        assert other.get("emoji") == ["fresh"]
        assert other.delete("emoji") is True
        assert one.get("emoji") is None


class TestAcrossProcesses:
    """the same file written by several processes at once"""

    def test_incr_loses_no_hit(self, tmp_path):
        path = tmp_path / "cache.sqlite3"
        make(path).set("hits", 0)
        context = multiprocessing.get_context("spawn")
        with context.Manager() as manager:
            results = manager.list()
            workers = [context.Process(target=_count, args=(path, "hits", HITS, results))
                       for _ in range(PROCESSES)]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join(60)
            seen = sorted(results)
        assert make(path).get("hits") == PROCESSES * HITS
        assert seen == list(range(1, PROCESSES * HITS + 1))  # every value returned once

    def test_add_has_one_winner(self, tmp_path):
        path = tmp_path / "cache.sqlite3"
        context = multiprocessing.get_context("spawn")
        with context.Manager() as manager:
            wins = manager.list()
            workers = [context.Process(target=_claim, args=(path, "token-used", wins)) for _ in range(8)]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join(60)
            assert len(wins) == 1
