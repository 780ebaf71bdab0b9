"""tools/seed_spread.py: the spread of a seeded result, which the chapters' floors are placed by."""
import json
import math
from pathlib import Path

import pytest

from tools import seed_spread

ROOT = Path(__file__).resolve().parents[1]


def test_summary_is_mean_and_sample_standard_deviation():
    runs = [{"metrics": {"acc": v}} for v in (98.0, 99.0, 100.0)]
    row = seed_spread.summarise(runs)["acc"]
    assert row["mean"] == 99.0 and row["s"] == 1.0          # n - 1 in the denominator
    assert (row["min"], row["max"], row["n"]) == (98.0, 100.0, 3)


def test_floor_margin_counts_standard_deviations():
    assert seed_spread.floor_margin(99.6, 99.3, 0.1) == pytest.approx(3.0)
    assert seed_spread.floor_margin(99.6, 99.3, 0.0) == math.inf


def test_an_experiment_runs_and_is_written(tmp_path, monkeypatch):
    monkeypatch.setattr(seed_spread, "experiments", lambda: {"toy": lambda seed: {"m": seed * 2.0}})
    monkeypatch.setattr(seed_spread, "SPREAD_DIR", tmp_path)
    payload = seed_spread.main(["toy", "--seeds", "3", "--first-seed", "1"])
    assert [r["metrics"]["m"] for r in payload["runs"]] == [2.0, 4.0, 6.0]
    assert json.loads((tmp_path / "toy.json").read_text())["summary"]["m"]["s"] == 2.0


@pytest.mark.parametrize("argv, message", [
    (["nope"], "experiment must be one of"),
    (["toy", "--seeds", "1"], "--seeds must be at least 2"),
])
def test_bad_arguments_say_the_rule(argv, message, monkeypatch, capsys):
    monkeypatch.setattr(seed_spread, "experiments", lambda: {"toy": lambda seed: {"m": 1.0}})
    with pytest.raises(SystemExit):
        seed_spread.main(argv)
    assert message in capsys.readouterr().err


def test_a_non_finite_metric_fails_loudly(tmp_path, monkeypatch):
    monkeypatch.setattr(seed_spread, "experiments", lambda: {"toy": lambda seed: {"m": float("nan")}})
    monkeypatch.setattr(seed_spread, "SPREAD_DIR", tmp_path)
    with pytest.raises(SystemExit, match="non-finite"):
        seed_spread.main(["toy", "--seeds", "2"])
