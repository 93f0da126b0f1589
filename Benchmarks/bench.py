#!/usr/bin/env python3
"""AdvancedHunting benchmarks: medians of repeated runs, printed as Markdown rows for BENCHMARKS.md.

Each benchmark runs our code and, where the issue names one, its peer on the same input in the
same run, and reports the median and the ratio. Results also go to Benchmarks/results/*.json.
"""
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HUNT = os.environ.get("HUNT_BIN", str(ROOT / ".build/release/hunt"))
REPEAT = int(os.environ.get("REPEAT", "15"))
CORPUS = ROOT / "Tests/Corpus/visible"


def timed(command, expect_status=None):
    """Wall time in seconds and peak RSS in MiB of one run of `command`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if expect_status is not None and result.returncode != expect_status:
        sys.exit(f"benchmark: {' '.join(command)} exited {result.returncode}, expected {expect_status}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024


def bench_check():
    """`hunt check` (load, lex, metadata, parameters) over the 857-file public corpus."""
    files = len(list(CORPUS.glob("*.kql")))
    command = [HUNT, "check", str(CORPUS)]
    timed(command, expect_status=1)  # warm the page cache; the corpus has one broken file
    times = [timed(command, expect_status=1)[0] for _ in range(REPEAT)]
    median = statistics.median(times)
    return {
        "name": "hunt check over the visible corpus",
        "command": "Benchmarks/run check",
        "files": files,
        "runs": REPEAT,
        "median_s": round(median, 4),
        "min_s": round(min(times), 4),
        "max_s": round(max(times), 4),
        "queries_per_s": round(files / median),
        "target": "under 1 s (issue 2)",
        "met": median < 1.0,
    }


BENCHMARKS = {"check": bench_check}


def main(names):
    names = names or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        sys.exit(f"benchmark: unknown benchmark {unknown}; known: {', '.join(BENCHMARKS)}")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"
    results = {"date": time.strftime("%Y-%m-%d"), "machine": machine, "results": []}
    print(f"| benchmark | median | min–max | rate | target | met |\n|---|---|---|---|---|---|")
    for name in names:
        r = BENCHMARKS[name]()
        results["results"].append(r)
        print(f"| {r['name']} ({r['files']} files, {r['runs']} runs) | {r['median_s'] * 1000:.1f} ms "
              f"| {r['min_s'] * 1000:.1f}–{r['max_s'] * 1000:.1f} ms | {r['queries_per_s']} queries/s "
              f"| {r['target']} | {'yes' if r['met'] else 'NO'} |")
    out = ROOT / "Benchmarks/results"
    out.mkdir(exist_ok=True)
    (out / f"{results['date']}.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"\n{machine}; {results['date']}; results in Benchmarks/results/{results['date']}.json")


if __name__ == "__main__":
    main(sys.argv[1:])
