"""The compiled-scenario memo: bounded by bytes, least recently used evicted, thread-safe."""
import functools
import threading

import pytest
from xblock.field_data import DictFieldData
from xblock.fields import ScopeIds

from complaint_sim_xblock import block as block_module
from complaint_sim_xblock.block import ComplaintSimBlock
from complaint_sim_xblock.memo import ByteBudgetMemo, MiB, deep_size
from complaint_sim_xblock.scenario import ScenarioInvalid, build_validated, compile_scenario
from tests.conftest import LmsLikeRuntime, LmsUserService
from tests.generated import generated_scenario

SIZES = (10, 20, 40, 60, 100, 150, 200, 300)


@functools.cache
def compiled(size):
    """A compiled generated scenario of ``size`` nodes (compiled once for the whole module)."""
    return compile_scenario(generated_scenario(size))


def test_deep_size_grows_with_the_scenario_and_counts_shared_objects_once():
    sizes = [deep_size(compiled(n)) for n in SIZES]
    assert sizes == sorted(sizes) and sizes[-1] > 20 * sizes[0]
    text = "x" * 10_000
    assert deep_size([text, text]) < deep_size([text, "y" * 10_000])
    assert deep_size([text]) >= 10_000


def test_the_budget_holds_with_scenarios_of_many_sizes():
    budget = 3 * deep_size(compiled(300)) // 2  # room for one 300-node scenario and some small ones
    memo = ByteBudgetMemo(budget)
    order = [*SIZES, 10, 300, 20, 150, 40, 300, 200, 10, 60, 100]
    for n in order:
        value = memo.get(f"s{n}", lambda n=n: compiled(n))
        assert value is compiled(n)
        held = memo.sizes()
        assert sum(held.values()) == memo.stats()["bytes"] <= budget
        assert held[f"s{n}"] == deep_size(compiled(n))  # measured by the compiled size
        assert list(held)[-1] == f"s{n}"  # the one just used is the most recent
    stats = memo.stats()
    assert stats["evictions"] > 0 and stats["hits"] > 0
    assert stats["bytes"] > budget // 2  # it is used, not emptied


def test_least_recently_used_goes_first():
    size = deep_size(compiled(100))
    memo = ByteBudgetMemo(3 * size + size // 2)
    for key in "abc":
        memo.get(key, lambda: compiled(100))
    memo.get("a", pytest.fail)  # a hit: never built again, and now the most recent
    memo.get("d", lambda: compiled(100))
    assert list(memo.sizes()) == ["c", "a", "d"]  # b was the least recently used


def test_a_value_over_the_whole_budget_is_returned_but_not_kept():
    memo = ByteBudgetMemo(deep_size(compiled(20)))
    memo.get("small", lambda: compiled(10))
    assert memo.get("big", lambda: compiled(300)) is compiled(300)
    assert list(memo.sizes()) == ["small"]


def test_a_smaller_budget_applies_at_once():
    memo = ByteBudgetMemo(64 * MiB)
    for n in SIZES:
        memo.get(n, lambda n=n: compiled(n))
    small = deep_size(compiled(300)) + 1
    memo.get(300, pytest.fail, budget=small)
    assert memo.stats()["bytes"] <= small and list(memo.sizes()) == [300]


def test_concurrent_misses_on_one_key_build_once():
    memo = ByteBudgetMemo(64 * MiB)
    release, calls, results = threading.Event(), [], []

    def build():
        calls.append(1)
        release.wait(10)
        return compiled(40)

    threads = [threading.Thread(target=lambda: results.append(memo.get("k", build))) for _ in range(8)]
    for thread in threads:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(10)
    assert len(calls) == 1 and len(results) == 8 and all(r is compiled(40) for r in results)


def test_no_lock_is_held_while_a_value_is_built():
    memo = ByteBudgetMemo(64 * MiB)
    memo.get("ready", lambda: compiled(10))
    building, release = threading.Event(), threading.Event()

    def slow():
        building.set()
        release.wait(10)
        return compiled(20)

    thread = threading.Thread(target=lambda: memo.get("slow", slow))
    thread.start()
    assert building.wait(10)
    try:
        # While "slow" is still being built, a hit and a miss on other keys go through.
        assert memo.get("ready", pytest.fail) is compiled(10)
        assert memo.get("other", lambda: compiled(40)) is compiled(40)
        assert "slow" not in memo.sizes()
    finally:
        release.set()
        thread.join(10)
    assert "slow" in memo.sizes()


def test_a_failed_build_keeps_nothing_and_is_retried():
    memo = ByteBudgetMemo(64 * MiB)

    def broken():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        memo.get("k", broken)
    assert memo.get("k", lambda: compiled(10)) is compiled(10)


# --- The block's use of it -----------------------------------------------------------------

class BucketSettings:
    """The LMS's settings service: the block's bucket of XBLOCK_SETTINGS."""

    def __init__(self, bucket):
        self.bucket = bucket

    def get_settings_bucket(self, block, default=None):
        return self.bucket


def _block(settings=None, data=None):
    runtime = LmsLikeRuntime(user=LmsUserService("budi"), field_data=data or DictFieldData({}))
    if settings is not None:
        runtime._services["settings"] = settings  # noqa: SLF001  (TestRuntime takes services at init)
    return runtime.construct_xblock_from_class(ComplaintSimBlock, ScopeIds("budi", "complaint_sim", "d", "u"))


@pytest.fixture
def fresh_memo(monkeypatch):
    memo = ByteBudgetMemo(block_module.DEFAULT_MEMO_BYTES)
    monkeypatch.setattr(block_module, "_COMPILED", memo)
    return memo


def test_the_budget_comes_from_the_settings_service(fresh_memo):
    block = _block(BucketSettings({"SCENARIO_MEMO_BYTES": 5 * MiB}))
    block.set_scenario(compiled(20).data)
    assert block.compiled().digest == compiled(20).digest
    assert fresh_memo.stats()["budget"] == 5 * MiB


@pytest.mark.parametrize("bad", [-1, "64MB", 1.5, True, None])
def test_a_bad_setting_falls_back_to_the_default(fresh_memo, bad):
    block = _block(BucketSettings({"SCENARIO_MEMO_BYTES": bad}))
    block.set_scenario(compiled(10).data)
    block.compiled()
    assert fresh_memo.stats()["budget"] == 64 * MiB == block_module.DEFAULT_MEMO_BYTES


def test_without_a_settings_service_django_settings_are_read(fresh_memo, settings):
    settings.XBLOCK_SETTINGS = {"ComplaintSimBlock": {"SCENARIO_MEMO_BYTES": 7 * MiB}}
    block = _block()
    block.set_scenario(compiled(10).data)
    block.compiled()
    assert fresh_memo.stats()["budget"] == 7 * MiB


def test_a_broken_scenario_is_validated_once_not_per_request(fresh_memo, monkeypatch):
    calls = []
    real = block_module.compile_scenario
    monkeypatch.setattr(block_module, "compile_scenario", lambda *args: calls.append(1) or real(*args))
    data = DictFieldData({})
    broken = {**compiled(10).data, "start": "nowhere"}
    author = _block(data=data)
    author.set_scenario(broken)
    author.save()
    for _ in range(3):
        with pytest.raises(ScenarioInvalid) as raised:
            _block(data=data).compiled()
        assert any(p.code == "missing_start" for p in raised.value.problems)
    assert len(calls) == 1


# --- Validated on the author's save, only built on the learner's request ------------------------

def test_a_prevalidated_build_equals_a_full_compile():
    for n in (10, 100):
        full = compiled(n)
        fast = build_validated(full.data, full.digest)
        assert fast == full and fast.model_route == full.model_route


def test_saving_records_the_validated_digest_and_a_fresh_worker_only_builds(fresh_memo, monkeypatch):
    data = DictFieldData({})
    author = _block(data=data)
    author.set_scenario(compiled(40).data)
    author.save()
    assert author.scenario_checked == {"digest": author.scenario_digest, "bytes": deep_size(compiled(40))}
    fresh_memo.clear()  # a new worker process
    monkeypatch.setattr(block_module, "compile_scenario", lambda *args: pytest.fail("validated again"))
    monkeypatch.setattr(block_module._COMPILED, "_sizeof", lambda value: pytest.fail("measured again"))  # noqa: SLF001
    assert _block(data=data).compiled() == compiled(40)
    assert fresh_memo.sizes() == {author.scenario_digest: deep_size(compiled(40))}


def test_invalid_or_uncanonical_data_is_not_marked_validated(fresh_memo, mini_data):
    block = _block()
    block.set_scenario({**compiled(10).data, "start": "nowhere"})
    assert block.scenario_checked == {}
    block.set_scenario(mini_data)  # valid, but not in canonical form: validated on every miss
    assert block.scenario_checked == {} and block.compiled().title


def test_data_changed_behind_the_editor_is_validated_not_trusted(fresh_memo):
    data = DictFieldData({})
    author = _block(data=data)
    author.set_scenario(compiled(10).data)
    author.save()
    broken = {**compiled(10).data, "nodes": [{"id": "n0"}]}
    data.set(author, "scenario", broken)  # a raw field write that kept the markers
    fresh_memo.clear()
    with pytest.raises(ScenarioInvalid):
        _block(data=data).compiled()


def test_a_miss_reads_the_stored_scenario_without_copying_it(fresh_memo):
    from xblock.runtime import DictKeyValueStore, KvsFieldData  # noqa: PLC0415

    data = KvsFieldData(DictKeyValueStore())  # as the LMS's field data: reads return the stored value
    author = _block(data=data)
    author.set_scenario(compiled(10).data)
    author.save()
    stored = data.get(author, "scenario")
    fresh_memo.clear()
    assert _block(data=data).compiled().data is stored


def test_a_scenario_set_and_not_saved_yet_is_the_one_compiled(fresh_memo):
    block = _block()
    block.set_scenario(compiled(10).data)
    block.save()
    block.set_scenario(compiled(20).data)  # not saved
    fresh_memo.clear()
    assert block.compiled() == compiled(20)
