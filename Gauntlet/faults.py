#!/usr/bin/env python3
"""The fault gauntlet: `hunt report` against `hunt emulator` through every fault kind.

For each kind (429, CPU quota, 500, 502, 503, 504, reset mid-body, slow beyond the deadline,
malformed JSON, truncated body, expired token, all of them mixed, and a control run without
faults) it starts an emulator that injects the fault and writes its request log, runs the nightly
job over 100 generated queries, and checks from the published manifest and the emulator's log that
every query ended exactly once as a result or a classified error, that every call is accounted
for, that Retry-After was honoured, that the exit code matches, and that no secret leaked.
See Gauntlet/README.md, "Fault gauntlet".

    python3 Gauntlet/faults.py [--hunt PATH] [--short] [--only KIND,...] [--queries N] [--keep]

Exit status: 0 when every check of every kind passed, 1 otherwise, 2 when it could not run.
"""
import argparse
import calendar
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TENANT = "00000000-0000-4000-8000-000000000001"
CLIENT = "11111111-1111-4111-8111-111111111111"
SECRET = "emulator-secret"

# HuntingError.Kind (Sources/Hunting/Backends/HuntingError.swift); `cancelled` is classified but
# never expected here: nothing stops these runs.
CLASSIFIED = {"authentication", "permission", "syntax", "semantic", "missingTable", "badRequest", "callQuota",
              "cpuQuota", "resultTooLarge", "timeout", "transient", "malformedResponse", "cancelled", "unsupported"}
RETRYABLE = {"callQuota", "cpuQuota", "timeout", "transient", "malformedResponse"}
# RunOptions' defaults, as `hunt report` uses them: attempts per query (the first included) after
# which a retryable error is final.
ATTEMPT_LIMITS = {"callQuota": 8, "cpuQuota": 8, "timeout": 2}
DEFAULT_ATTEMPT_LIMIT = 4

SLACK = 0.05          # a retry may come this much before Retry-After ends (clock and rounding)
PAUSE_GRACE = 0.5     # calls already on their way when a 429 answered may still arrive this long after it
WIDTH = 8             # queries in flight
REPORT_LIMIT = 180    # seconds after which `hunt report` counts as hung (every run takes under a minute; 60 with --short)
MARKER = "gauntlet-broken"
SECRET_PATTERNS = [re.compile(re.escape(SECRET)), re.compile(r"eyJ[A-Za-z0-9_-]{4,}"),
                   re.compile(r"emu(-refresh)?\.[0-9a-f]{16,}")]


class Kind:
    """One gauntlet run: the emulator's fault rules, extra options, and what the broken queries end as."""

    def __init__(self, name, rules, broken=None, report_args=(), emulator_args=(), settle=3.0, short=False):
        self.name = name
        self.rules = rules
        self.broken = broken            # the error kind the queries carrying MARKER end with, or None
        self.report_args = list(report_args)
        self.emulator_args = list(emulator_args)
        self.settle = settle            # seconds the emulator may still need to answer calls the client gave up on
        self.short = short              # part of --short

    @property
    def timeout(self):
        if "--timeout" in self.report_args:
            return float(self.report_args[self.report_args.index("--timeout") + 1])
        return 600.0


KINDS = [
    Kind("none", [], short=True),
    Kind("429", [f"contains:{MARKER}=429;retry-after=0.25", "per-query:1=429;retry-after=1"], broken="callQuota", short=True),
    Kind("cpu", ["0.06=cpu;seconds=2"]),
    Kind("500", [f"contains:{MARKER}=500", "per-query:2=500"], broken="transient", short=True),
    Kind("502", [f"contains:{MARKER}=502", "per-query:1=502"], broken="transient"),
    Kind("503", [f"contains:{MARKER}=503", "per-query:1=503"], broken="transient"),
    Kind("504", [f"contains:{MARKER}=504", "per-query:1=504"], broken="timeout"),
    Kind("reset", [f"contains:{MARKER}=reset", "0.3=reset"], broken="transient", short=True),
    Kind("slow", [f"contains:{MARKER}=slow;seconds=4", "0.3=slow;seconds=4", "0.2=slow;seconds=0.5"], broken="timeout",
         report_args=["--timeout", "2"], settle=6.0, short=True),
    Kind("malformed", [f"contains:{MARKER}=malformed", "0.2=malformed"], broken="malformedResponse"),
    Kind("truncated", [f"contains:{MARKER}=truncated", "0.2=truncated"], broken="transient"),
    Kind("expired-token", [f"contains:{MARKER}=expired-token", "per-query:1=expired-token"], broken="authentication", short=True),
    Kind("mixed", [f"contains:{MARKER}=503", "0.04=429;retry-after=1", "0.03=cpu;seconds=1", "0.04=500", "0.03=502",
                   "0.03=reset", "0.03=truncated", "0.03=malformed", "0.03=expired-token", "0.02=504",
                   "0.02=slow;seconds=1", "0.02=429;retry-after=none"],
         broken="transient", emulator_args=["--quota", "40/2"], short=True),
]


# MARK: running

def hunt_binary(path):
    """The `hunt` to test: --hunt, else the release build (built here when missing)."""
    if path:
        if not os.access(path, os.X_OK):
            sys.exit(f"faults: {path} is not an executable hunt")
        return str(Path(path).resolve())
    bin_path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT,
                              capture_output=True, text=True, check=True).stdout.strip()
    binary = Path(bin_path) / "hunt"
    if not binary.exists():
        build = subprocess.run(["swift", "build", "-c", "release", "--product", "hunt"], cwd=ROOT,
                               stdout=sys.stderr, stderr=sys.stderr)
        if build.returncode != 0:
            sys.exit("faults: cannot build hunt (swift build -c release --product hunt)")
    return str(binary)


def broken_indices(count, broken):
    """Evenly spread query numbers (1-based) that carry MARKER."""
    return sorted({int((i + 0.35) * count / broken) + 1 for i in range(broken)})


def write_queries(folder, count, broken):
    """`count` small valid queries over the sample tenant, distinct texts and ids; every seventh
    finds nothing (so both results appear), the `broken` ones carry MARKER for `contains:` rules."""
    folder.mkdir(parents=True)
    marked = broken_indices(count, broken)
    for n in range(1, count + 1):
        prefix = "none-" if n % 7 == 0 else "ws"
        extra = f', gauntlet="{MARKER}"' if n in marked else ""
        text = (f"// @title: Gauntlet query {n}\n"
                f"DeviceInfo\n| where DeviceName startswith \"{prefix}\"\n"
                f"| summarize Devices = dcount(DeviceId) by OSPlatform\n| extend q = {n}{extra}\n")
        (folder / f"g{n:03d}.kql").write_text(text, encoding="utf-8")
    return {f"g{n:03d}" for n in marked}


def base_environment():
    """What every child gets: no HUNT_* or AZURE_* settings of whoever runs the gauntlet."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "TMPDIR", "LANG", "LC_ALL")}
    keep["NO_COLOR"] = "1"
    return keep


def start_emulator(hunt, kind, queries, log, folder):
    """`hunt emulator` on port 0 with the kind's faults; returns the process and its URL."""
    command = [hunt, "emulator", "--port", "0", "--queries", str(queries), "--request-log", str(log),
               "--latency", "0.005-0.02"]
    for rule in kind.rules:
        command += ["--fault", rule]
    command += kind.emulator_args
    errors = open(folder / "emulator.stderr", "w")
    process = subprocess.Popen(command, cwd=folder, env=base_environment(), stdout=subprocess.PIPE,
                               stderr=errors, text=True)
    errors.close()
    ready, _, _ = select.select([process.stdout], [], [], 60)
    line = process.stdout.readline() if ready else ""
    if not line.startswith("Emulator listening on "):
        process.kill()
        process.wait()
        raise RuntimeError(f"hunt emulator did not start: {line!r}; see {folder / 'emulator.stderr'}")
    return process, line.strip()[len("Emulator listening on "):]


def stop_emulator(process):
    """SIGINT, as Ctrl-C; returns its exit status."""
    process.send_signal(signal.SIGINT)
    try:
        status = process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        status = process.wait()
    process.stdout.close()
    return status


def run_kind(hunt, kind, queries, work):
    """One emulator, one `hunt report`; returns everything the checks read."""
    folder = work / kind.name
    folder.mkdir()
    log = folder / "requests.jsonl"
    emulator, url = start_emulator(hunt, kind, queries, log, folder)
    environment = base_environment() | {"AZURE_TENANT_ID": TENANT, "AZURE_CLIENT_ID": CLIENT, "AZURE_CLIENT_SECRET": SECRET}
    command = [hunt, "report", str(queries), "--backend", url, "--output", str(folder / "out"),
               "--state", str(folder / "state"), "--quiet", "--log-format", "json",
               "--calls-per-minute", "100000", "--width", str(WIDTH)] + kind.report_args
    started = time.monotonic()
    child = subprocess.Popen(command, cwd=folder, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        stdout, stderr = child.communicate(timeout=REPORT_LIMIT)
        hung = False
    except subprocess.TimeoutExpired:
        child.kill()
        stdout, stderr = child.communicate()
        hung = True
    report = subprocess.CompletedProcess(command, child.returncode, stdout, stderr)
    elapsed = time.monotonic() - started
    (folder / "report.stdout").write_text(report.stdout)
    (folder / "report.stderr").write_text(report.stderr)
    manifest_path = folder / "out" / "latest" / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else None
    # A call the client gave up on (slow beyond the deadline) is logged when the emulator answers
    # it; wait for those before stopping the emulator.
    wanted = {cid for q in (manifest or {}).get("queries", []) for cid in q["provenance"]["clientRequestIds"]}
    deadline = time.monotonic() + kind.settle
    while time.monotonic() < deadline and not wanted <= {c.get("clientRequestId") for c in read_log(log)}:
        time.sleep(0.1)
    emulator_status = stop_emulator(emulator)
    return {
        "folder": folder, "manifest": manifest, "manifest_text": manifest_path.read_text() if manifest else "",
        "log": read_log(log), "log_text": log.read_text() if log.exists() else "", "report": report, "hung": hung,
        "elapsed": elapsed, "emulator_status": emulator_status,
        "emulator_stderr": (folder / "emulator.stderr").read_text(),
    }


def read_log(path):
    if not path.exists():
        return []
    lines = []
    for line in path.read_text().splitlines():
        entry = json.loads(line)
        entry["t_arrived"] = epoch(entry["arrived"])
        entry["t_answered"] = epoch(entry["time"])
        lines.append(entry)
    return lines


def epoch(text):
    """Seconds since 1970 of `2026-12-07T22:01:52.3289352Z` (7 fractional digits or none)."""
    whole, _, fraction = text.rstrip("Z").partition(".")
    return calendar.timegm(time.strptime(whole, "%Y-%m-%dT%H:%M:%S")) + float("0." + (fraction or "0"))


# MARK: checking

def attempt_outcome(lines, remaining):
    """What the client should have seen from one attempt, from the emulator's log lines of its
    client-request-id: None for a result, an error kind, or "either" when a slow answer came too
    close to the deadline to tell."""
    last = lines[-1]
    fault = last.get("fault") or ""
    status = last["status"]
    if fault.startswith("slow"):
        seconds = float(fault.split("=", 1)[1])
        if seconds > remaining + 0.25:
            return "timeout"
        if seconds > remaining - 0.25:
            return "either"
    if fault in ("reset", "truncated"):
        return "transient"
    if fault == "malformed":
        return "malformedResponse"
    if status == 200:
        return None
    if status == 429:
        return "cpuQuota" if last.get("cpuQuotaWait") is not None else "callQuota"
    if status == 401:
        return "authentication"
    if status in (504, 408):
        return "timeout"
    if 500 <= status <= 599:
        return "transient"
    return f"HTTP {status}"


def final(kind, attempts, message):
    """Whether the runner was right to give up on an error of this kind after this many attempts."""
    if kind not in RETRYABLE:
        return True
    if "deadline" in message:
        return True
    return attempts >= ATTEMPT_LIMITS.get(kind, DEFAULT_ATTEMPT_LIMIT)


def check_kind(kind, run, ids, broken):
    """Every check of one run; returns (problems, row of the table)."""
    problems = []
    manifest = run["manifest"]
    report = run["report"]
    hunting = sorted((c for c in run["log"] if c["kind"] == "hunting"), key=lambda c: c["t_arrived"])
    tokens = [c for c in run["log"] if c["kind"] == "token"]
    row = {"kind": kind.name, "queries": 0, "ok": 0, "failed": {}, "exhausted": 0, "calls": len(hunting),
           "throttled": sum(1 for c in hunting if c["status"] == 429), "waits": [], "exit": report.returncode,
           "seconds": run["elapsed"]}

    if run["hung"]:
        problems.append(f"hunt report hung: killed after {REPORT_LIMIT} s")
    elif report.returncode < 0 or report.returncode not in (0, 1, 3):
        problems.append(f"hunt report exited {report.returncode}: {report.stderr.strip()[-400:]}")
    if run["emulator_status"] != 0:
        problems.append(f"hunt emulator exited {run['emulator_status']}")
    if manifest is None:
        problems.append("no latest/manifest.json: the report was not published")
        return problems, row
    runs = [p for p in (run["folder"] / "out").iterdir() if re.fullmatch(r"\d{4}-\d\d-\d\d_\d{4}(-\d+)?", p.name)]
    if len(runs) != 1 or (runs[0] / "manifest.json").read_text() != run["manifest_text"]:
        problems.append("the published run folder and latest/ differ")

    # Every query exactly once, each a result or a classified error.
    queries = manifest["queries"]
    row["queries"] = len(queries)
    seen = [q["id"] for q in queries]
    duplicates = sorted({i for i in seen if seen.count(i) > 1})
    if duplicates:
        problems.append(f"queries counted twice: {', '.join(duplicates)}")
    if set(seen) != ids:
        missing, extra = sorted(ids - set(seen)), sorted(set(seen) - ids)
        problems.append(f"queries lost: {missing}; unknown queries: {extra}")
    if manifest["counts"]["queries"] != len(ids):
        problems.append(f"counts.queries is {manifest['counts']['queries']}, not {len(ids)}")
    for q in queries:
        if q["status"] in ("findings", "empty"):
            row["ok"] += 1
        elif q["status"] == "failed":
            error_kind = (q.get("error") or {}).get("kind")
            row["failed"][error_kind] = row["failed"].get(error_kind, 0) + 1
            if error_kind not in CLASSIFIED or error_kind == "cancelled":
                problems.append(f"{q['id']}: failed with an unclassified error {error_kind!r}")
            if q["provenance"].get("errorKind") != error_kind:
                problems.append(f"{q['id']}: error.kind {error_kind} but provenance.errorKind {q['provenance'].get('errorKind')}")
        else:
            problems.append(f"{q['id']}: status {q['status']!r} is neither a result nor failed")
    if manifest["counts"]["failed"] != sum(row["failed"].values()):
        problems.append("counts.failed does not match the queries that failed")

    # Every call accounted for: each client-request-id belongs to one query, each call to a query.
    owner = {}
    for q in queries:
        for cid in q["provenance"]["clientRequestIds"]:
            if cid in owner:
                problems.append(f"client-request-id {cid} is in both {owner[cid]} and {q['id']}")
            owner[cid] = q["id"]
    strays = [c for c in hunting if c.get("clientRequestId") not in owner]
    if strays:
        problems.append(f"{len(strays)} calls in the log belong to no query of the manifest")
    by_cid = {}
    for call in hunting:
        by_cid.setdefault(call.get("clientRequestId"), []).append(call)

    for q in queries:
        problems += check_query(q, by_cid, kind, broken, row)

    # Retry-After honoured by the whole tenant: no call (of any query) started while a pause ran.
    for call in hunting:
        wait = hinted_wait(call)
        if wait is None or wait - SLACK <= PAUSE_GRACE:
            continue
        early = [c for c in hunting if call["t_answered"] + PAUSE_GRACE < c["t_arrived"] < call["t_answered"] + wait - SLACK]
        if early:
            problems.append(f"{len(early)} calls arrived during the {wait:g} s pause a 429 at {call['time']} asked for")

    # Token calls: one to start, at most one more per refused token (no refresh storm).
    refused = sum(1 for c in hunting if c["status"] == 401)
    if not tokens or len(tokens) > 1 + refused:
        problems.append(f"{len(tokens)} token calls for {refused} refused tokens")

    # The exit code says what happened.
    failed = sum(row["failed"].values())
    expected_exit = 0 if failed == 0 else 3 if failed == len(queries) else 1
    if report.returncode != expected_exit:
        problems.append(f"exit {report.returncode}, expected {expected_exit} ({failed} of {len(queries)} failed)")

    # The emulator printed each request it logged.
    printed = len(re.findall(r"^(GET|POST) \S+ -> \d+$", run["emulator_stderr"], re.M))
    if printed != len(run["log"]):
        problems.append(f"the emulator printed {printed} requests on stderr but logged {len(run['log'])}")

    # No secret anywhere: the manifest, the whole report, the request log, what hunt printed.
    texts = {"manifest.json": run["manifest_text"], "request log": run["log_text"],
             "hunt report's output": report.stdout + report.stderr, "emulator's output": run["emulator_stderr"]}
    for path in (run["folder"] / "out").rglob("*"):
        if path.is_file():
            texts[str(path.relative_to(run["folder"]))] = path.read_text(errors="replace")
    for name, text in texts.items():
        for pattern in SECRET_PATTERNS:
            if pattern.search(text):
                problems.append(f"{name} holds a secret ({pattern.pattern})")
    return problems, row


def hinted_wait(call):
    """Seconds a 429 asked for (Retry-After, or the CPU-quota hint), or None."""
    if call["status"] != 429:
        return None
    if call.get("retryAfter") not in (None, ""):
        return float(call["retryAfter"])
    return call.get("cpuQuotaWait")


def check_query(q, by_cid, kind, broken, row):
    """One query against its calls in the log."""
    problems = []
    qid = q["id"]
    provenance = q["provenance"]
    cids = provenance["clientRequestIds"]
    attempts = provenance["attempts"]
    error = q.get("error") or {}
    message = error.get("message", "")
    if len(cids) != attempts:
        problems.append(f"{qid}: {attempts} attempts but {len(cids)} client-request-ids")
    started = epoch(provenance["started"])
    outcomes = []
    calls = []
    for index, cid in enumerate(cids):
        lines = by_cid.get(cid, [])
        calls += lines
        last_attempt = index == len(cids) - 1
        if not lines:
            # The only attempt without a call: quota the deadline left no time to wait for.
            if last_attempt and "not sent" in message:
                outcomes.append("timeout")
                continue
            problems.append(f"{qid}: attempt {index + 1} ({cid}) is not in the emulator's log")
            outcomes.append("missing")
            continue
        if len(lines) > 2 or (len(lines) == 2 and lines[0]["status"] != 401):
            problems.append(f"{qid}: attempt {index + 1} made {len(lines)} calls ({[c['status'] for c in lines]}); "
                            "only a refused token may add one")
        for line in lines:
            if line.get("queryId") not in (None, qid):
                problems.append(f"{qid}: the emulator saw query {line.get('queryId')} under its client-request-id {cid}")
            if line.get("queryHash") != provenance["contentHash"][:16]:
                problems.append(f"{qid}: a call's query hash {line.get('queryHash')} is not its text's")
        remaining = kind.timeout - (lines[-1]["t_arrived"] - started)
        outcomes.append(attempt_outcome(lines, remaining))

    # Retried only what was retryable, and ended as the last answer says.
    for index, outcome in enumerate(outcomes[:-1]):
        if outcome is None:
            problems.append(f"{qid}: attempt {index + 1} got a result, yet the query tried again")
        elif outcome not in RETRYABLE and outcome not in ("either", "missing", "authentication"):
            problems.append(f"{qid}: attempt {index + 1} ended in {outcome}, which is never retried")
        elif outcome == "authentication":
            problems.append(f"{qid}: attempt {index + 1} ended with a refused token after a refresh, yet the query tried again")
    last = outcomes[-1] if outcomes else "missing"
    succeeded = q["status"] in ("findings", "empty")
    if last not in ("either", "missing"):
        if last is None and not succeeded:
            problems.append(f"{qid}: the emulator answered its last call with a result, but it failed ({error.get('kind')})")
        elif last is not None and succeeded:
            problems.append(f"{qid}: its last call ended in {last}, but it is reported as a result")
        elif last is not None and error.get("kind") != last:
            problems.append(f"{qid}: its last call ended in {last}, but it failed as {error.get('kind')}")
    if not succeeded and not final(error.get("kind"), attempts, message):
        problems.append(f"{qid}: gave up on {error.get('kind')} after {attempts} attempts, with retries left")
    if not succeeded and not (qid in broken and kind.broken):
        row["exhausted"] += 1  # a passing fault hit it on every attempt it had
    if qid in broken and kind.broken:
        if succeeded or error.get("kind") != kind.broken:
            problems.append(f"{qid} is broken for good, so should fail as {kind.broken}, but ended {q['status']} {error.get('kind') or ''}")

    # Retry-After honoured by the query itself: its next call came no sooner than asked.
    calls.sort(key=lambda c: c["t_arrived"])
    for call, following in zip(calls, calls[1:] + [None]):
        wait = hinted_wait(call)
        if wait is None:
            continue
        if following is None:
            if succeeded:
                problems.append(f"{qid}: its last call was a 429, yet it is reported as a result")
            continue
        waited = following["t_arrived"] - call["t_answered"]
        row["waits"].append((waited, wait))
        if waited < wait - SLACK:
            problems.append(f"{qid}: retried {waited:.3f} s after a 429 that asked for {wait:g} s")
    return problems


# MARK: output

def table(rows):
    header = ["kind", "queries", "ok", "failed (by kind)", "out of tries", "calls", "429s", "asked", "waited min/max", "margin",
              "exit", "time", "verdict"]
    lines = []
    for row in rows:
        failed = ", ".join(f"{k} {n}" for k, n in sorted(row["failed"].items())) or "-"
        if row["waits"]:
            asked = ",".join(f"{a:g}" for a in sorted({w[1] for w in row["waits"]})) + " s"
            waited = f"{min(w[0] for w in row['waits']):.2f}/{max(w[0] for w in row['waits']):.2f} s"
            margin = f"{min(w[0] - w[1] for w in row['waits']):+.3f} s"
        else:
            asked = waited = margin = "-"
        lines.append([row["kind"], str(row["queries"]), str(row["ok"]), failed, str(row["exhausted"]), str(row["calls"]), str(row["throttled"]),
                      asked, waited, margin, str(row["exit"]), f"{row['seconds']:.1f} s", row["verdict"]])
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |",
           "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += ["| " + " | ".join(c.ljust(w) for c, w in zip(line, widths)) + " |" for line in lines]
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hunt", help="the hunt binary (default: the release build, built when missing)")
    parser.add_argument("--short", action="store_true", help="the CI version: 20 queries, fewer kinds")
    parser.add_argument("--only", help="comma-separated kinds to run (default: all, or the short set)")
    parser.add_argument("--queries", type=int, help="queries per run (default 100, 20 with --short)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (emulator logs, reports) and print it")
    options = parser.parse_args()

    global REPORT_LIMIT
    if options.short:
        REPORT_LIMIT = 60
    hunt = hunt_binary(options.hunt)
    count = options.queries or (20 if options.short else 100)
    kinds = [k for k in KINDS if k.short] if options.short else KINDS
    if options.only:
        wanted = options.only.split(",")
        unknown = set(wanted) - {k.name for k in KINDS}
        if unknown:
            print(f"faults: unknown kind {', '.join(sorted(unknown))}; kinds: {', '.join(k.name for k in KINDS)}", file=sys.stderr)
            return 2
        kinds = [k for k in KINDS if k.name in wanted]
    work = Path(tempfile.mkdtemp(prefix="hunt-fault-gauntlet-"))
    queries = work / "queries"
    broken = write_queries(queries, count, 2 if count <= 20 else 5)
    ids = {f"g{n:03d}" for n in range(1, count + 1)}
    print(f"fault gauntlet: {len(kinds)} runs of hunt report over {count} queries ({len(broken)} broken for good "
          f"where the kind has a permanent fault), {hunt}", flush=True)

    rows = []
    failed = False
    started = time.monotonic()
    for kind in kinds:
        try:
            run = run_kind(hunt, kind, queries, work)
        except RuntimeError as error:
            print(f"{kind.name}: could not run: {error}", file=sys.stderr)
            return 2
        problems, row = check_kind(kind, run, ids, broken)
        row["verdict"] = "pass" if not problems else f"FAIL ({len(problems)})"
        rows.append(row)
        print(f"  {kind.name:<14} {row['verdict']:<10} {run['elapsed']:5.1f} s  rules: {' '.join(kind.rules) or '(none)'}", flush=True)
        for problem in problems[:20]:
            print(f"    - {problem}", flush=True)
        if len(problems) > 20:
            print(f"    - … and {len(problems) - 20} more", flush=True)
        failed = failed or bool(problems)
    print()
    print(table(rows))
    print(f"\n{len(rows)} runs in {time.monotonic() - started:.0f} s: {'some checks FAILED' if failed else 'every check passed'}")
    if options.keep or failed:
        print(f"work folder: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
