import math

import pytest

from skills.cache import PredictionCache, cache_key


def test_module_example_a_repeated_record_is_answered_from_memory():
    def predict(records):  # any batch predict: records in, one result each out
        return [record["x"] * 2 for record in records]

    cache = PredictionCache(predict, model_version="3", max_entries=1_000)
    assert cache.predict([{"x": 1}, {"x": 2}, {"x": 1}]) == [2, 4, 2]
    assert (cache.hits, cache.misses) == (1, 2)


class Model:
    """A batch predict that sums a record's values and remembers every batch."""

    def __init__(self) -> None:
        self.batches: list[list[dict]] = []

    def __call__(self, records):
        """Score a batch: each record's values summed."""
        self.batches.append(list(records))
        return [sum(record.values()) for record in records]


def test_key_ignores_field_order_and_includes_the_model_version():
    one = cache_key("1", {"a": 1, "b": 2.5})
    assert cache_key("1", {"b": 2.5, "a": 1}) == one
    assert cache_key("2", {"a": 1, "b": 2.5}) != one
    assert cache_key("1", {"a": 1, "b": 2.6}) != one
    assert one.startswith("1:")


def test_key_does_not_carry_the_record_values():
    key = cache_key("1", {"email": "someone@example.com"})
    assert "example" not in key
    assert len(key) == len("1:") + 64  # the version and a SHA-256 digest


@pytest.mark.parametrize(
    ("version", "record", "message"),
    [
        ("", {}, "model_version must be a non-empty string, got ''"),
        (3, {}, "model_version must be a non-empty string, got 3"),
        ("1", [1, 2], r"record must be a mapping of field to value, got \[1, 2\]"),
        ("1", {"x": math.nan}, r"record cannot be keyed \(Out of range float"),
        ("1", {"x": object()}, r"record cannot be keyed \(Object of type object"),
    ],
)
def test_key_names_what_cannot_be_keyed(version, record, message):
    with pytest.raises(ValueError, match=message):
        cache_key(version, record)


def test_repeated_records_are_answered_without_the_model():
    model = Model()
    cache = PredictionCache(model, model_version="1")
    assert cache.hit_rate == 0.0
    assert cache.predict([{"x": 1}, {"x": 2}]) == [1, 2]
    assert cache.predict([{"x": 2}, {"x": 3}, {"x": 1}]) == [2, 3, 1]
    assert model.batches == [[{"x": 1}, {"x": 2}], [{"x": 3}]]  # only the new one
    assert (cache.hits, cache.misses, len(cache)) == (2, 3, 3)
    assert cache.hit_rate == pytest.approx(2 / 5)


def test_a_record_repeated_within_one_call_is_scored_once():
    model = Model()
    cache = PredictionCache(model, model_version="1")
    assert cache.predict([{"x": 4}, {"x": 4}, {"x": 4}]) == [4, 4, 4]
    assert model.batches == [[{"x": 4}]]


def test_a_call_that_is_all_hits_does_not_call_the_model():
    model = Model()
    cache = PredictionCache(model, model_version="1")
    cache.predict([{"x": 1}])
    cache.predict([{"x": 1}])
    assert len(model.batches) == 1


def test_the_least_recently_used_entry_is_evicted_first():
    model = Model()
    cache = PredictionCache(model, model_version="1", max_entries=2)
    cache.predict([{"x": 1}, {"x": 2}])
    cache.predict([{"x": 1}])  # 1 is now more recent than 2
    cache.predict([{"x": 3}])  # evicts 2, the least recently used
    assert len(cache) == 2
    cache.predict([{"x": 1}, {"x": 2}])
    assert model.batches[-1] == [{"x": 2}]  # 1 was kept, 2 had to be scored again


def test_a_batch_larger_than_the_cache_is_still_answered_in_full():
    cache = PredictionCache(Model(), model_version="1", max_entries=1)
    assert cache.predict([{"x": 1}, {"x": 2}, {"x": 3}]) == [1, 2, 3]
    assert len(cache) == 1


def test_a_new_model_version_never_serves_the_old_answers():
    old = PredictionCache(Model(), model_version="1")
    old.predict([{"x": 1}])
    new_model = Model()
    new = PredictionCache(new_model, model_version="2")
    new.predict([{"x": 1}])
    assert new_model.batches == [[{"x": 1}]]


def test_a_model_that_returns_the_wrong_count_is_refused():
    cache = PredictionCache(lambda records: [0.5], model_version="1")
    with pytest.raises(ValueError, match="predict returned 1 results for 2 records"):
        cache.predict([{"x": 1}, {"x": 2}])
    assert len(cache) == 0  # nothing wrong was stored


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_entries": 0}, "max_entries must be at least 1, got 0"),
        ({"max_entries": 1.5}, "max_entries must be a whole number, got 1.5"),
        ({"max_entries": True}, "max_entries must be a whole number, got True"),
        ({"model_version": ""}, "model_version must be a non-empty string, got ''"),
    ],
)
def test_bad_settings_name_the_parameter_and_the_value(kwargs, message):
    with pytest.raises(ValueError, match=message):
        PredictionCache(Model(), **{"model_version": "1", **kwargs})
