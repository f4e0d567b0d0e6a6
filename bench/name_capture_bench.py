"""Benchmark caller-name capture on the dev set: accuracy, precision, recall and latency."""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / "tests" / "data" / "name_capture_dev.jsonl"
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


def stored_form(value: str | None) -> str | None:
    """Exact-match form: NFC, straight apostrophes, collapsed whitespace; '' is None."""
    if value is None:
        return None
    value = unicodedata.normalize("NFC", value).translate(_APOSTROPHES)
    return " ".join(value.split()) or None


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    k = max(0, math.ceil(p / 100 * len(sorted_values)) - 1)
    return sorted_values[min(k, len(sorted_values) - 1)]


def score(rows: list[dict], extract, warmup: int) -> dict[str, float]:
    """Run ``extract`` on every row (after ``warmup`` untimed calls) and compute metrics."""
    for row in rows[:warmup]:
        extract(row["text"])
    tp = fp = fn = correct = 0
    latencies = []
    for row in rows:
        start = time.perf_counter_ns()
        got = extract(row["text"])
        latencies.append((time.perf_counter_ns() - start) / 1e6)
        expected, got = stored_form(row["name"]), stored_form(got)
        correct += expected == got
        if expected is not None and got == expected:
            tp += 1
            continue
        fp += got is not None
        fn += expected is not None
    latencies.sort()
    return {
        "n": len(rows), "accuracy": correct / len(rows),
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "p50_ms": percentile(latencies, 50), "p99_ms": percentile(latencies, 99),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--model", default=None, help="spaCy model package (default: the app's)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed calls first")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from nlp import name_capture
    from nlp.model import DEFAULT_MODEL

    name_capture.configure(args.model or DEFAULT_MODEL)
    started = time.perf_counter()
    status = name_capture.load_model()
    load_s = time.perf_counter() - started
    if not status["loaded"]:
        print(f"error: model not loaded: {status['error']}", file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in args.data.open(encoding="utf-8") if line.strip()]
    m = score(rows, name_capture.extract_caller_name, args.warmup)
    print(f"data: {args.data} ({m['n']} items); model: {status['model']} "
          f"(loaded in {load_s:.2f} s); warm-up: {args.warmup} calls")
    print(f"accuracy={m['accuracy']:.3f} precision={m['precision']:.3f} "
          f"recall={m['recall']:.3f} p50_ms={m['p50_ms']:.2f} p99_ms={m['p99_ms']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
