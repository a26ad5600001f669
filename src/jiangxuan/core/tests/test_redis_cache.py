"""The Redis cache backend (core.redis_cache) against the machine's Redis: Django's
behaviour, with one redis-py client per pool instead of one per call (issue 17.1)."""


def test_values_round_trip_as_with_djangos_backend(redis_cache):
    cache = redis_cache
    value = {"名单": ["王建国", "李明"], "n": 3}
    cache.set("a", value, 30)
    assert cache.get("a") == value
    assert cache.add("a", "other", 30) is False
    assert cache.add("b", 1, 30) is True
    assert cache.incr("b") == 2
    assert cache.get_many(["a", "b", "missing"]) == {"a": value, "b": 2}
    cache.delete_many(["a", "b"])
    assert cache.get("a", "gone") == "gone"
    cache.set("short", 1, 1)
    client = cache._cache.get_client(write=True)
    assert 0 < client.ttl(cache.make_key("short")) <= 1


def test_one_client_serves_every_call(redis_cache, monkeypatch):
    cache = redis_cache
    import redis

    built = []
    original = redis.Redis.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counting)
    for n in range(20):
        cache.set(f"k{n}", n, 30)
        assert cache.get(f"k{n}") == n
    assert len(built) == 1
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
