"""Measure how much a chapter's seeded result moves with the seed: the spread its floors need.

    python -m tools.seed_spread EXPERIMENT [--seeds 5] [--first-seed 0]    (make spread EXP=...)

An experiment is a function `run(seed) -> {metric name: number}` in a module of tools/spread/
(one module per chapter, each with a dict `EXPERIMENTS = {name: run}`). It must train exactly
what the chapter trains, through the same nnbook functions, with `seed` as the only change.
Each seed runs in this process, one after another (time it on an idle machine). The result,
bench/spread/<EXPERIMENT>.json, holds every seed's metrics and, per metric, the mean, the sample
standard deviation s (n - 1), min and max; a chapter's floor then sits at least 3 s below its
seeded result (see `floor_margin`). Fails loudly on an unknown experiment or a non-finite metric.
"""
from __future__ import annotations

import argparse
import importlib
import json
import math
import platform
import statistics
import time
from pathlib import Path

from nnbook.files import write_atomically

ROOT = Path(__file__).resolve().parents[1]
SPREAD_DIR = ROOT / "bench" / "spread"


def experiments() -> dict:
    """Every experiment of tools/spread/*.py, by name."""
    found = {}
    for path in sorted((ROOT / "tools" / "spread").glob("*.py")):
        if path.name.startswith("_"):
            continue
        module = importlib.import_module(f"tools.spread.{path.stem}")
        for name, run in getattr(module, "EXPERIMENTS", {}).items():
            if name in found:
                raise ValueError(f"experiment {name!r} is defined twice (tools/spread/{path.name})")
            found[name] = run
    return found


def summarise(runs: list[dict]) -> dict:
    """Per metric: mean, sample standard deviation s, min, max over the runs."""
    summary = {}
    for metric in runs[0]["metrics"]:
        values = [run["metrics"][metric] for run in runs]
        summary[metric] = {"mean": statistics.fmean(values),
                           "s": statistics.stdev(values) if len(values) > 1 else float("nan"),
                           "min": min(values), "max": max(values), "n": len(values)}
    return summary


def floor_margin(value: float, floor: float, s: float) -> float:
    """How many standard deviations s the seeded `value` sits above `floor` (the book asks >= 3)."""
    return (value - floor) / s if s > 0 else math.inf


def load(name: str) -> dict | None:
    """bench/spread/<name>.json as a dict, or None when the experiment has not been measured."""
    path = SPREAD_DIR / f"{name}.json"
    return json.loads(path.read_text()) if path.is_file() else None


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("experiment")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--first-seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.seeds < 2:
        parser.error(f"--seeds must be at least 2 (a spread needs two runs), got {args.seeds}")
    found = experiments()
    if args.experiment not in found:
        parser.error(f"experiment must be one of {sorted(found)}, got {args.experiment!r}")
    runs = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        start = time.perf_counter()
        metrics = {k: float(v) for k, v in found[args.experiment](seed).items()}
        bad = {k: v for k, v in metrics.items() if not math.isfinite(v)}
        if bad:
            raise SystemExit(f"seed {seed}: non-finite metrics {bad}")
        runs.append({"seed": seed, "seconds": round(time.perf_counter() - start, 1), "metrics": metrics})
        print(f"seed {seed}: {metrics} ({runs[-1]['seconds']} s)", flush=True)
    import numpy, torch  # noqa: E401  (recorded with the result)
    payload = {"experiment": args.experiment, "runs": runs, "summary": summarise(runs),
               "machine": {"platform": platform.platform(), "python": platform.python_version(),
                           "numpy": numpy.__version__, "torch": torch.__version__,
                           "cuda": torch.cuda.is_available(),
                           "date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}}
    SPREAD_DIR.mkdir(parents=True, exist_ok=True)
    out = SPREAD_DIR / f"{args.experiment}.json"
    write_atomically(out, json.dumps(payload, indent=1) + "\n")
    for metric, row in payload["summary"].items():
        print(f"{metric}: mean {row['mean']:.4g}, s {row['s']:.3g}, min {row['min']:.4g}, max {row['max']:.4g} (n={row['n']})")
    print(f"wrote {out}")
    return payload


if __name__ == "__main__":
    main()
