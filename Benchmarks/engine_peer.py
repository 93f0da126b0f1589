#!/usr/bin/env python3
"""The duckdb-kql side of the engine benchmark (issue 6): DuckDB in process, same data, same queries.

    engine_peer.py DIR QUERYFILE REPEAT [--threads N]

DIR is what `hunt-bench export` wrote (NAME.csv per table and manifest.json with the columns and
their KQL types). Each table is loaded into an in-memory DuckDB table with explicit types (not
timed). Then, per query of QUERYFILE (a JSON array of {"name", "kql"}), after one untimed warm-up:

- `kql`: REPEAT times `duckdb_kql.query(con, kql, query_now=NOW).fetchall()`: translation plus
  execution, what the package costs a user;
- `sql`: the SQL duckdb-kql translated the query to (translated once, not timed), REPEAT times
  `con.execute(sql, params).fetchall()`: DuckDB's execution alone, the stricter peer.

NOW is the manifest's `now` (the tenant's end), so `ago()` counts from the same instant as our
engine's. Prints one JSON object: per query the medians, times, result shape and, for results of
at most 200 rows, the rows normalised as `hunt-bench engine` prints them (see `normalise_rows`).
"""
import datetime
import decimal
import json
import math
import statistics
import sys
import time
import uuid
from pathlib import Path

import duckdb
import duckdb_kql
from duckdb_kql.types import kusto_type

DUCKDB_TYPES = {
    "string": "VARCHAR", "long": "BIGINT", "int": "INTEGER", "real": "DOUBLE", "bool": "BOOLEAN",
    "datetime": "TIMESTAMP", "guid": "UUID", "dynamic": "JSON", "decimal": "DECIMAL(38, 10)",
    # hunt-bench writes timespans as microseconds; converted to INTERVAL after loading.
    "timespan": "BIGINT",
}
SMALL_RESULT_ROWS = 200


def parse_now(text):
    """The manifest's `2026-11-24T00:00:00.0000000Z` as a naive UTC datetime (microseconds)."""
    head, _, fraction = text.rstrip("Z").partition(".")
    moment = datetime.datetime.strptime(head, "%Y-%m-%dT%H:%M:%S")
    return moment + datetime.timedelta(microseconds=int((fraction + "000000")[:6]))


def load(directory, threads=None):
    """A DuckDB connection with every table of the export, typed as the manifest says. Returns
    (connection, manifest, seconds spent loading)."""
    directory = Path(directory)
    manifest = json.loads((directory / "manifest.json").read_text())
    con = duckdb_kql.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    start = time.perf_counter()
    for name, table in sorted(manifest["tables"].items()):
        spec = ", ".join(f"'{column}': '{DUCKDB_TYPES[kind]}'" for column, kind in table["columns"])
        path = str(directory / table["file"]).replace("'", "''")
        con.execute(
            f'CREATE TABLE "{name}" AS SELECT * FROM read_csv(\'{path}\', header = true, auto_detect = false, '
            f"delim = ',', quote = '\"', escape = '\"', allow_quoted_nulls = false, columns = {{{spec}}})")
        for column, kind in table["columns"]:
            if kind == "timespan":
                con.execute(f'ALTER TABLE "{name}" ALTER "{column}" TYPE INTERVAL USING to_microseconds("{column}")')
        rows = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
        if rows != table["rows"]:
            sys.exit(f"engine_peer: {name}: DuckDB loaded {rows} rows, the export has {table['rows']}")
    return con, manifest, time.perf_counter() - start


def kql_relation(con, text, now):
    return duckdb_kql.query(con, text, query_now=now)


def run_kql(con, text, now):
    """Runs a query through duckdb-kql: (columns as [name, KQL type], rows as tuples)."""
    relation = kql_relation(con, text, now)
    columns = [[name, kusto_type(kind)] for name, kind in zip(relation.columns, relation.types)]
    return columns, relation.fetchall()


def normalise_value(value, kind):
    """One DuckDB cell in the form `hunt-bench engine` prints: datetimes as ISO 8601 with seven
    fractional digits, timespans as ticks, dynamic values parsed from their JSON, GUIDs as text."""
    if value is None:
        return "" if kind == "string" else None
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond:06d}0Z"
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%dT00:00:00.0000000Z")
    if isinstance(value, datetime.timedelta):
        return (value // datetime.timedelta(microseconds=1)) * 10
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if kind == "dynamic" and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    if isinstance(value, (list, tuple)):
        return [normalise_value(item, None) for item in value]
    if isinstance(value, dict):
        return {str(k): normalise_value(v, None) for k, v in value.items()}
    return value


def normalise_rows(columns, rows):
    kinds = [kind for _, kind in columns]
    return [[normalise_value(cell, kind) for cell, kind in zip(row, kinds)] for row in rows]


def timed(function, repeat):
    function()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def main(argv):
    threads = None
    if "--threads" in argv:
        at = argv.index("--threads")
        threads = argv[at + 1]
        argv = argv[:at] + argv[at + 2:]
    if len(argv) != 3:
        sys.exit(__doc__)
    directory, query_file, repeat = argv[0], argv[1], int(argv[2])
    con, manifest, load_s = load(directory, threads)
    now = parse_now(manifest["now"])
    queries = json.loads(Path(query_file).read_text())
    schema = duckdb_kql.engine.schema(con)
    results = []
    for query in queries:
        entry = {"name": query["name"]}
        text = query["kql"]
        try:
            translated = duckdb_kql.to_sql(text, schema=schema, query_now=now)
            sql, params = str(translated), dict(translated.parameters)
            entry["sql"] = sql
            kql_times = timed(lambda: kql_relation(con, text, now).fetchall(), repeat)
            sql_times = timed(lambda: con.execute(sql, params).fetchall() if params else con.execute(sql).fetchall(), repeat)
            columns, rows = run_kql(con, text, now)
        except Exception as error:  # the package's own errors and DuckDB's
            entry["error"] = f"{type(error).__name__}: {error}"
            results.append(entry)
            continue
        entry.update({
            "kql_median_s": statistics.median(kql_times), "kql_times_s": kql_times,
            "sql_median_s": statistics.median(sql_times), "sql_times_s": sql_times,
            "rows": len(rows), "columns": columns,
        })
        if len(rows) <= SMALL_RESULT_ROWS:
            entry["result"] = normalise_rows(columns, rows)
        results.append(entry)
    threads_used = con.execute("SELECT current_setting('threads')").fetchone()[0]
    print(json.dumps({
        "duckdb": duckdb.__version__, "duckdb_kql": duckdb_kql.__version__, "python": sys.version.split()[0],
        "threads": threads_used, "load_s": load_s, "runs": repeat, "now": manifest["now"],
        "tables": {name: table["rows"] for name, table in manifest["tables"].items()},
        "queries": results,
    }))


if __name__ == "__main__":
    main(sys.argv[1:])
