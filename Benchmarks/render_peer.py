#!/usr/bin/env python3
"""The pandas peer of `hunt-bench render`: the same table to CSV and HTML.

    render_peer.py FILE REPEAT DIR [--keep]

Loads FILE (the Graph-shaped body `hunt-bench render gen` writes) with `json.load` into
`pandas.DataFrame(results, columns=...)` once, not timed. Integer columns holding nulls become
pandas' nullable `Int64` (otherwise pandas makes them float and writes `443.0`), and the dynamic
column becomes its compact JSON text (otherwise pandas writes Python's `{'a': 1}`), so every cell
reads as the same text as in our CSV; datetimes stay the service's text, as ours print them.

Then, after one untimed warm-up, REPEAT times into a new folder under DIR (removed afterwards, not
timed), it times separately:
  - `df.to_csv(path, index=False)`            every row
  - `df.to_html(path)`                        every row (pandas' default shows them all)
  - `df.head(500).to_html(path)`              the 500 rows our HTML report shows
and prints one JSON object with the per-repetition seconds and the medians of
csv + html (the issue's "to_csv + to_html") and csv + head(500) html. With --keep, the last
repetition's files stay in DIR/pandas.
"""
import json
import platform
import shutil
import statistics
import sys
import time
from pathlib import Path

import numpy
import pandas


def load(path):
    with open(path, encoding="utf-8") as file:
        body = json.load(file)
    schema = body["schema"]
    frame = pandas.DataFrame(body["results"], columns=[column["name"] for column in schema])
    for column in schema:
        name, kind = column["name"], column["type"]
        if kind in ("Int64", "Int32") and frame[name].dtype.kind == "f":
            frame[name] = frame[name].astype("Int64")
        elif kind == "Object":
            frame[name] = [None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
                           for value in frame[name]]
    return frame


def main(arguments):
    keep = "--keep" in arguments
    arguments = [a for a in arguments if a != "--keep"]
    if len(arguments) != 3:
        sys.exit("usage: render_peer.py FILE REPEAT DIR [--keep]")
    path, count, root = arguments[0], int(arguments[1]), Path(arguments[2])
    frame = load(path)
    root.mkdir(parents=True, exist_ok=True)

    def once(folder):
        folder.mkdir(parents=True)
        start = time.perf_counter()
        frame.to_csv(folder / "table.csv", index=False)
        csv_done = time.perf_counter()
        frame.to_html(folder / "table.html")
        html_done = time.perf_counter()
        frame.head(500).to_html(folder / "table-500.html")
        shown_done = time.perf_counter()
        sizes = {p.name: p.stat().st_size for p in folder.iterdir()}
        return csv_done - start, html_done - csv_done, shown_done - html_done, sizes

    warm = root / "pandas-warm-up"
    shutil.rmtree(warm, ignore_errors=True)
    once(warm)
    shutil.rmtree(warm)
    csv_times, html_times, shown_times = [], [], []
    sizes = {}
    for index in range(count):
        folder = root / f"pandas-{index}"
        shutil.rmtree(folder, ignore_errors=True)
        csv_s, html_s, shown_s, sizes = once(folder)
        csv_times.append(csv_s)
        html_times.append(html_s)
        shown_times.append(shown_s)
        if keep and index == count - 1:
            target = root / "pandas"
            shutil.rmtree(target, ignore_errors=True)
            folder.rename(target)
        else:
            shutil.rmtree(folder)
    full = [c + h for c, h in zip(csv_times, html_times)]
    shown = [c + s for c, s in zip(csv_times, shown_times)]
    print(json.dumps({
        "rows": len(frame),
        "columns": len(frame.columns),
        "runs": count,
        "pandas": pandas.__version__,
        "numpy": numpy.__version__,
        "python": platform.python_version(),
        "dtypes": {name: str(dtype) for name, dtype in frame.dtypes.items()},
        "csv_s": csv_times,
        "html_all_rows_s": html_times,
        "html_500_rows_s": shown_times,
        "csv_median_s": statistics.median(csv_times),
        "html_all_rows_median_s": statistics.median(html_times),
        "html_500_rows_median_s": statistics.median(shown_times),
        "csv_plus_html_s": full,
        "csv_plus_html_median_s": statistics.median(full),
        "csv_plus_html_500_s": shown,
        "csv_plus_html_500_median_s": statistics.median(shown),
        "files": sizes,
    }, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1:])
