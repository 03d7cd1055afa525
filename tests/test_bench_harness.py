"""bench.harness.compare: implementations take turns, scaling and missing implementations."""
import math
from types import SimpleNamespace

from bench import harness
from bench.harness import compare, markdown_table


def test_implementations_take_turns_and_rows_keep_their_order():
    calls = []

    def impl(name):
        return lambda: calls.append(name)

    rows = compare("w", {"numpy": impl("numpy"), "torch": None, "ours": impl("ours")},
                   min_time=0.003, rounds=3, pause=0.0)
    assert [r.impl for r in rows] == ["numpy", "torch", "ours"]
    # first calls, then three turns each, alternating: numpy's runs are not all before ours
    turns = [name for i, name in enumerate(calls) if i == 0 or calls[i - 1] != name]
    assert turns[:2] == ["numpy", "ours"] and len(turns) == 2 + 2 * 3
    assert rows[1].runs == 0 and math.isnan(rows[1].median)
    assert rows[0].runs >= 3 * 2 and rows[2].runs >= 3 * 2
    assert "| w | torch | not installed |" in markdown_table(rows)


def test_factor_and_unit_ops_scale_the_times(monkeypatch):
    clock = iter(range(10**6))  # every reading one second later: each call "takes" 1 s
    fake_time = SimpleNamespace(perf_counter=lambda: next(clock), sleep=lambda seconds: None)
    monkeypatch.setattr(harness, "time", fake_time)

    def work():
        pass

    def slice_of_work():
        pass
    slice_of_work.factor = 64  # does 1/64 of the work

    rows = compare("w", {"ours": work, "naive": slice_of_work}, min_time=0.0, unit_ops=4)
    assert [(r.median, r.spread, r.first_call) for r in rows] == [(0.25, 0.0, 1), (16.0, 0.0, 1)]


def test_report_names_say_quick_and_parallel(monkeypatch, tmp_path):
    from autograd_engine.kernels import config
    from bench import __main__ as report
    from bench.workloads import Workload

    monkeypatch.setattr(report, "all_workloads",
                        lambda: [Workload("tiny", lambda: {"numpy": lambda: None})])
    monkeypatch.setattr(report, "compare", lambda name, impls, **kw: compare(
        name, impls, min_time=0.0, rounds=1, pause=0.0))
    monkeypatch.setattr(report, "plot", lambda rows, path: False)
    for parallel, name in ((False, "-quick.md"), (True, "-quick-parallel.md")):
        monkeypatch.setattr(config, "PARALLEL", parallel)
        report.main(["--quick", "--no-startup", "--out", str(tmp_path)])
        written = [p.name for p in tmp_path.iterdir() if p.name.endswith(name)]
        assert len(written) == 1 and "| tiny | numpy |" in (tmp_path / written[0]).read_text()
