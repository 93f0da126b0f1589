#!/usr/bin/env python3
"""The injection gauntlet, part (c): no secret the test suite uses ends up where it should not.

Runs `swift test` with TMPDIR (and HUNT_ARTIFACTS) pointed at a fresh folder and
HUNT_KEEP_TEST_FILES=1 (TemporaryFolder then leaves its folders behind), watching that folder with
inotify so that files deleted during the run are read too; then collects every secret the suite
uses from the test sources, and searches every file the run wrote (the fresh folder, the files
the watcher saw, `.build/test-artifacts`, anything else in the package written during the run)
and the test log for each of them, raw and as it would look URL-, JSON-, HTML- or base64-encoded,
plus anything shaped like a secret the code under test makes (emulator tokens, JWTs, PEM private
keys and their base64 lines). A finding is allowed only where the secret is meant to be, by the
rules in ALLOWED below; anything else is a leak.

    python3 Gauntlet/secrets.py [--scratch-path PATH] [--filter REGEX] [--keep]
    python3 Gauntlet/secrets.py --no-run RUNDIR

`--no-run RUNDIR` scans the folder of an earlier run (kept with --keep; its path is printed).
Exit status: 0 when nothing leaked, 1 when something did (each leak listed with file and
offset), 2 when the run could not be made or scanned. See Gauntlet/README.md, "Injection gauntlet".
"""
import argparse
import base64
import ctypes
import ctypes.util
import html
import json
import os
import re
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "Tests"
MIN_LENGTH = 6  # shorter literals ("h", "x", "abc") would match everywhere and mean nothing
CAPTURE_LIMIT = 32 * 1024 * 1024

# ---------------------------------------------------------------------------------------------
# Secrets from the test sources

# Words a literal secret in our tests carries; key names (camelCase, snake_case, UPPER_CASE) and
# prose are excluded below, values look like `emulator-secret`, `s3cret-value`, `hunter2`.
SECRET_WORDS = re.compile(r"secret|passw|p4ss|s3cr|token|hunter|refresh|cookie|device-code|identity-header", re.I)
# Environment variables and JSON/form keys whose value is a secret.
SECRET_KEYS = re.compile(
    r"""(?:AZURE_CLIENT_SECRET|AZURE_PASSWORD|HUNT_ACCESS_TOKEN|IDENTITY_HEADER|[A-Z_]*_SECRET|[A-Z_]*_PASSWORD|[A-Z_]*_TOKEN
        |refreshToken|refresh_token|accessToken|access_token|client_secret|device_code|password|secret|assertion)""",
    re.X)


def swift_literals(text):
    """The contents of the string literals of a Swift file (plain, raw `#"…"#`, multi-line), escapes
    resolved as far as they matter here (\\n, \\t, \\", \\\\; interpolations kept as text)."""
    literals = []
    i = 0
    n = len(text)
    while i < n:
        if text.startswith("//", i) and not text.startswith("///", i) and (i == 0 or text[i - 1] != ":"):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        m = re.compile(r'(#*)("""|")').match(text, i)
        if not m:
            i += 1
            continue
        hashes, quote = m.group(1), m.group(2)
        start = m.end()
        close = quote + hashes
        j = start
        while True:
            k = text.find(close, j)
            if k < 0:
                return literals
            if not hashes and quote == '"':
                backslashes = 0
                p = k - 1
                while p >= start and text[p] == "\\":
                    backslashes += 1
                    p -= 1
                if backslashes % 2:
                    j = k + 1
                    continue
            break
        raw = text[start:k]
        if not hashes:
            raw = re.sub(r"\\(.)", lambda e: {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}.get(e.group(1), e.group(1)), raw)
        else:
            escape = "\\" + hashes
            raw = raw.replace(escape + "n", "\n").replace(escape + '"', '"')
        literals.append((raw, text.count("\n", 0, i) + 1))
        i = k + len(close)
    return literals


def looks_like_secret(token):
    """A literal (or a word of one) that is a secret value rather than a name or a sentence."""
    if len(token) < MIN_LENGTH or " " in token or "/" in token or token.startswith("-"):
        return False
    if not SECRET_WORDS.search(token):
        return False
    if re.fullmatch(r"[A-Z0-9_.-]+", token):  # env var names, header names
        return False
    if re.fullmatch(r"[a-z]+(?:[A-Z][a-z]+)*|[a-z]+(?:_[a-z]+)+|[a-z]+", token):  # camelCase, snake_case, words
        return False
    if re.search(r"\.(secret|json|token|pem|key|kql|txt)$", token):  # file names
        return False
    return bool(re.search(r"[-0-9]", token))


def collect_secrets():
    """{secret: [where it was found, …]} from every Swift file under Tests/ (the corpus aside)."""
    found = {}

    def add(value, where):
        value = value.strip("\r\n")
        if len(value) >= MIN_LENGTH:
            found.setdefault(value, []).append(where)

    constants = {}
    for path in sorted(TESTS.rglob("*.swift")):
        if "Corpus" in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        rel = path.relative_to(ROOT)
        # Secret(…), secret-named constants and dictionary entries keyed by secret variables.
        for m in re.finditer(r'Secret\(\s*"([^"\\]+)"\s*\)', text):
            add(m.group(1), f"{rel}: Secret(…)")
        for m in re.finditer(r'\blet\s+(\w*(?:secret|Secret|password|Password|token|Token)\w*)\s*=\s*"([^"\\]+)"', text):
            constants[m.group(1)] = m.group(2)
            if not re.fullmatch(r"[A-Z_]+|\w+\.(secret|token|json)", m.group(2)):
                add(m.group(2), f"{rel}: let {m.group(1)}")
        for m in re.finditer(r'"(' + SECRET_KEYS.pattern + r')"\s*:\s*"([^"\\]+)"', text, re.X):
            add(m.group(2), f"{rel}: \"{m.group(1)}\": …")
        # Files the tests write as secret stores: `write("x.secret", "value\n")`.
        for m in re.finditer(r'\.write\(\s*"([^"]+)"\s*,\s*"((?:[^"\\]|\\.)*)"', text):
            if re.search(r"secret|token|passw|^pw$", m.group(1)):
                value = m.group(2).replace("\\r", "\r").replace("\\n", "\n").rstrip("\r\n")
                add(value, f"{rel}: write(\"{m.group(1)}\")")
        # Inside every literal: secret-looking words, key=value and "key": "value" pairs, Bearer tokens, JWTs.
        for literal, line in swift_literals(text):
            where = f"{rel}:{line}"
            for m in re.finditer(r"(?:" + SECRET_KEYS.pattern + r')"?\s*[=:]\s*"?([^"&\s,}]+)', literal, re.X):
                if looks_like_secret(m.group(1)) or SECRET_WORDS.search(m.group(0)[:20]) and len(m.group(1)) >= 8 and re.search(r"[-0-9]", m.group(1)):
                    add(m.group(1), where)
            for m in re.finditer(r"Bearer\s+([A-Za-z0-9._~+/=-]{6,})", literal):
                add(m.group(1), where)
            for m in re.finditer(r"eyJ[A-Za-z0-9_-]{6,}(?:\.[A-Za-z0-9_-]+){0,2}", literal):
                add(m.group(0), where)
            for word in re.split(r"""[\s"'=&:,;{}()\[\]<>\\|]+""", literal):
                if looks_like_secret(word):
                    add(word, where)
    return {secret: where for secret, where in found.items() if secret not in NOT_SECRETS}


# Literals that look like secrets but are names the product prints on purpose.
NOT_SECRETS = {
    "device-code": "the name of a credential kind (`\"credential\": \"device-code\"`)",
    "get-access-token": "the Azure CLI command `az account get-access-token`",
    "expired-token": "the name of an emulator fault",
    "emu-refresh.": "the prefix of the emulator's refresh tokens; whole tokens are found by their shape below",
    "line one\nline two": "the text of a two-line secret file, and an ordinary multi-line CSV cell in the local-table tests",
    "eyJhbGciOi": "base64url of `{\"alg\":`, how every JWT header starts; whole JWTs are found by their shape below",
}

# Secrets made by the code under test: whoever finds one in a file found a leak unless a rule allows it.
DYNAMIC = [
    ("emulator access token", re.compile(rb"\bemu\.[0-9a-f]{32}")),
    ("emulator refresh token", re.compile(rb"\bemu-refresh\.[0-9a-f]{32}")),
    ("emulator device code", re.compile(rb"\bemu-device\.[0-9a-f]{24}")),
    ("JWT", re.compile(rb"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*")),
    ("PEM private key", re.compile(rb"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----")),
]


def variants(secret):
    """How `secret` may look in a file: as is, and URL-, JSON-, HTML- and base64-encoded (a base64
    text holds the secret's base64 at one of three alignments; the stable middle is searched)."""
    raw = secret.encode()
    out = {raw: "raw"}
    for name, text in (("url", urllib.parse.quote(secret, safe="")), ("url+", urllib.parse.quote_plus(secret)),
                       ("json", json.dumps(secret)[1:-1]), ("json-ascii", json.dumps(secret, ensure_ascii=True)[1:-1]),
                       ("html", html.escape(secret, quote=True))):
        if text.encode() not in out:
            out[text.encode()] = name
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + raw)
        core = encoded[4 if shift else 0:]
        core = core[: len(core) - (4 if len(raw) % 3 or shift else 0)]
        for alphabet, name in ((core, "base64"), (core.replace(b"+", b"-").replace(b"/", b"_"), "base64url")):
            if len(alphabet) >= 8 and alphabet not in out:
                out[alphabet] = name
    return out


# ---------------------------------------------------------------------------------------------
# Where a secret may be


def test_writes():
    """{relative path a test writes: [(source text of the call, whether it writes a token the test
    was issued)]} — the inputs tests create on purpose: `folder.write("fabrikam.secret",
    "emulator-secret\\n")`, and scripts through `CredentialTestTools.script("az", …)` (a fake
    `az` that prints a token the test fetched from the emulator: `let issued = try await
    rig.secretToken()…`, then `\\(issued)` in the script)."""
    writes = {}
    for path in sorted(TESTS.rglob("*.swift")):
        if "Corpus" in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for m in re.finditer(r'(?:\.write|\bscript)\(\s*"([^"]+)"', text):
            depth, i = 1, text.index("(", m.start()) + 1
            while depth and i < len(text):
                depth += {"(": 1, ")": -1}.get(text[i], 0)
                i += 1
            call = text[m.start():i]
            issued = any(re.search(r"\blet\s+" + name + r"\s*=[^\n]*Token\(", text) for name in re.findall(r"\\\((\w+)\)", call))
            writes.setdefault(m.group(1), []).append((call, issued))
    return writes


def cache_names():
    """Basenames of the token and refresh-token caches the tests hand to the code under test."""
    names = set()
    for path in sorted(TESTS.rglob("*.swift")):
        if "Corpus" in path.parts:
            continue
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if re.search(r"cache", line, re.I):
                for m in re.finditer(r'"([^"\s]*\.(?:json|token|cache))"', line):
                    names.add(os.path.basename(m.group(1)))
    return names


def relative_in_test_folder(path):
    """The path inside its TemporaryFolder (`hunt-tests-UUID/a/b` → `a/b`), or None."""
    parts = Path(path).parts
    for i, part in enumerate(parts):
        if part.startswith("hunt-tests-"):
            return "/".join(parts[i + 1:])
    return None


def allowed(finding, secrets_sources, writes, caches, constants_by_value):
    """The rule allowing a finding, or None for a leak. Each rule is narrow on purpose."""
    path, secret, kind, mode = finding["path"], finding["secret"], finding["kind"], finding["mode"]
    name = os.path.basename(path)
    inside = relative_in_test_folder(path)
    # 1. An input the test wrote itself, holding the secret in the very write call that made it.
    if inside is not None and inside in writes:
        names = [secret] + constants_by_value.get(secret, [])
        if any(any(n in call for n in names) for call, _ in writes[inside]):
            return "test input: the test wrote this secret into this file"
    # 1b. An input the test wrote with a token it was issued for the purpose (a fake `az`).
    if inside is not None and kind == "emulator access token" and any(issued for _, issued in writes.get(inside, [])):
        return "test input: the test wrote a token it was issued into this file (a fake az)"
    # 5. Swift Testing echoing a parameterized test's arguments in the log: the test's own input.
    if finding["origin"] == "log" and finding.get("line", "") and re.match(
            r"^\S+ Test case passing \d+ arguments? .* to \w+\(.*\) (started|passed|failed)", finding["line"]):
        return "test log: Swift Testing naming a parameterized test's arguments"
    # 2. Private key material in the key and certificate files the tests make with openssl.
    if inside is not None and kind in ("PEM private key", "PEM key line") and re.search(r"\.(pem|key)$", name):
        return "test key file (*.pem, *.key) made by openssl for the test"
    # 3. A token cache handed to the code under test, private to its owner (mode 0600).
    if inside is not None and name in caches and mode is not None and stat.S_IMODE(mode) == 0o600:
        return f"token cache {name} with mode 600, written by the credential that owns it"
    # 4. The private folder the client-assertion code hands openssl (mkdtemp, 0700; files 0600).
    if "/hunt-assertion-" in path and mode is not None and stat.S_IMODE(mode) == 0o600:
        return "client assertion's private openssl folder (files 600)"
    return None


ALLOWED = """\
1. test input     a file inside a TemporaryFolder whose relative path is the first argument of a
                  `.write("…", …)` call in the test sources that names the secret (or the constant
                  holding it): `folder.write("fabrikam.secret", "emulator-secret\\n")`.
2. test key file  PEM private keys (and their base64 lines) in *.pem and *.key files inside a
                  TemporaryFolder: the keys tests generate with openssl.
3. token cache    a file inside a TemporaryFolder, mode 600, named like a cache the tests hand to
                  a credential (refresh.json, *.token): the refresh token's intended home.
4. assertion dir  files of mode 600 in the client-assertion code's own mkdtemp folder.
5. test log       a line where Swift Testing names a parameterized test case's arguments
                  ("Test case passing 3 arguments … body → "…SECRET-CELL-7f3a…" to …"): the test's
                  input echoed, not output of the code under test. Issue and failure lines are not.
1b.               a fake script a test writes with a token it fetched from the emulator for it.
Anything else is a leak: reports, CSV/JSON, manifests, state files, logs, stdout, stderr."""


# ---------------------------------------------------------------------------------------------
# Scanning


class Scanner:
    def __init__(self, secrets):
        self.patterns = []
        for secret in secrets:
            for encoded, how in variants(secret).items():
                self.patterns.append((encoded, secret, how))
        self.key_lines = {}  # base64 lines of private keys seen, → the file they were first seen in
        self.lock = threading.Lock()

    def scan(self, data, path, mode, origin):
        findings = []
        for encoded, secret, how in self.patterns:
            start = data.find(encoded)
            while start >= 0:
                findings.append(dict(path=path, offset=start, secret=secret, kind="literal", encoding=how, mode=mode, origin=origin))
                start = data.find(encoded, start + 1)
        for kind, pattern in DYNAMIC:
            for m in pattern.finditer(data):
                findings.append(dict(path=path, offset=m.start(), secret=m.group(0).decode(errors="replace"), kind=kind, encoding="raw", mode=mode, origin=origin))
                if kind == "PEM private key":
                    end = data.find(b"-----END", m.end())
                    for line in data[m.end():end if end > 0 else None].split(b"\n"):
                        line = line.strip()
                        if len(line) >= 40:
                            with self.lock:
                                self.key_lines.setdefault(line, path)
        return findings

    def scan_key_lines(self, data, path, mode, origin):
        """Lines of private keys seen anywhere, found again in `data` (a key copied in pieces)."""
        findings = []
        with self.lock:
            lines = list(self.key_lines)
        for line in lines:
            start = data.find(line)
            if start >= 0 and b"PRIVATE KEY-----" not in data[max(0, start - 4096):start]:
                findings.append(dict(path=path, offset=start, secret=line[:12].decode() + "…", kind="PEM key line", encoding="raw", mode=mode, origin=origin))
        return findings


def read(path):
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode):
            return None, None
        with open(path, "rb") as f:
            return f.read(), info.st_mode
    except OSError:
        return None, None


# ---------------------------------------------------------------------------------------------
# Watching files that may be deleted before the end of the run (inotify, through ctypes)

IN_CLOSE_WRITE, IN_MOVED_TO, IN_CREATE, IN_ISDIR, IN_Q_OVERFLOW = 0x8, 0x80, 0x100, 0x40000000, 0x4000


class Watcher(threading.Thread):
    """Reads every file closed after writing (or moved in) under `root` as soon as inotify says
    so, and scans it: catches files the run deletes before it ends. Best effort: a file deleted
    before it is read is counted as missed."""

    def __init__(self, root, scanner):
        super().__init__(daemon=True)
        self.root, self.scanner = root, scanner
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        self.libc = libc
        self.fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        self.dirs = {}
        self.findings = []
        self.read_files = 0
        self.read_bytes = 0
        self.missed = 0
        self.overflows = 0
        self.stopping = threading.Event()
        self.add_tree(root)

    def add(self, directory):
        wd = self.libc.inotify_add_watch(self.fd, os.fsencode(directory), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE)
        if wd >= 0:
            self.dirs[wd] = directory

    def add_tree(self, directory):
        self.add(directory)
        for base, subdirs, files in os.walk(directory):
            for d in subdirs:
                self.add(os.path.join(base, d))
            for f in files:
                self.capture(os.path.join(base, f))

    def capture(self, path):
        data, mode = read(path)
        if data is None:
            self.missed += 1
            return
        if len(data) > CAPTURE_LIMIT:
            return
        self.read_files += 1
        self.read_bytes += len(data)
        self.findings += self.scanner.scan(data, path, mode, "watched")

    def run(self):
        import select
        poller = select.poll()
        poller.register(self.fd, select.POLLIN)
        while not self.stopping.is_set():
            if not poller.poll(200):
                continue
            try:
                buffer = os.read(self.fd, 1 << 20)
            except BlockingIOError:
                continue
            offset = 0
            while offset < len(buffer):
                wd, mask, _, length = struct.unpack_from("iIII", buffer, offset)
                name = buffer[offset + 16: offset + 16 + length].rstrip(b"\0").decode(errors="surrogateescape")
                offset += 16 + length
                if mask & IN_Q_OVERFLOW:
                    self.overflows += 1
                    continue
                directory = self.dirs.get(wd)
                if directory is None or not name:
                    continue
                path = os.path.join(directory, name)
                if mask & IN_ISDIR:
                    if mask & (IN_CREATE | IN_MOVED_TO):
                        self.add_tree(path)
                elif mask & (IN_CLOSE_WRITE | IN_MOVED_TO):
                    self.capture(path)

    def stop(self):
        self.stopping.set()
        self.join()
        os.close(self.fd)


# ---------------------------------------------------------------------------------------------


def run_suite(rundir, scratch, filter_, scanner):
    tmp = rundir / "tmp"
    artifacts = rundir / "artifacts"
    tmp.mkdir(parents=True)
    artifacts.mkdir()
    env = dict(os.environ, TMPDIR=str(tmp) + "/", HUNT_ARTIFACTS=str(artifacts), HUNT_KEEP_TEST_FILES="1")
    command = ["swift", "test"] + (["--scratch-path", scratch] if scratch else []) + (["--filter", filter_] if filter_ else [])
    print(f"secrets: running {' '.join(command)} with TMPDIR={tmp}", file=sys.stderr)
    watcher = None
    try:
        watcher = Watcher(str(tmp), scanner)
        watcher.start()
    except (OSError, AttributeError) as error:
        print(f"secrets: no inotify ({error}); scanning only what is left at the end", file=sys.stderr)
    started = time.time()
    with open(rundir / "test.log", "wb") as log:
        status = subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT).returncode
    if watcher:
        watcher.stop()
        (rundir / "watched.json").write_text(json.dumps(dict(
            findings=watcher.findings, files=watcher.read_files, bytes=watcher.read_bytes,
            missed=watcher.missed, overflows=watcher.overflows)))
    (rundir / "run.json").write_text(json.dumps(dict(started=started, finished=time.time(), status=status, command=command)))
    return status


SOURCE_EXTENSIONS = (".swift", ".py", ".md", ".mustache", ".kql", ".sh")


def files_to_scan(rundir, started):
    """Every file of the run folder, plus files under the package written since the run started
    (`.build/test-artifacts`, anything a test wrote next to the sources); source files and build
    products aside."""
    for base, _, files in os.walk(rundir):
        for f in files:
            if f not in ("watched.json", "run.json", "findings.json"):
                yield os.path.join(base, f)
    for base, dirs, files in os.walk(ROOT):
        rel = os.path.relpath(base, ROOT)
        dirs[:] = [d for d in dirs if not (rel == "." and (d.startswith(".build") or d == ".git")) or (rel == "." and d == ".build")]
        if rel == ".build":
            dirs[:] = [d for d in dirs if d == "test-artifacts"]
        for f in files:
            path = os.path.join(base, f)
            if f.endswith(SOURCE_EXTENSIONS) or path.startswith(str(rundir)):
                continue  # sources (others may be editing them) and the run folder, scanned above
            try:
                if os.lstat(path).st_mtime >= started:
                    yield path
            except OSError:
                pass


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-run", metavar="RUNDIR", help="scan the folder of an earlier run instead of running the suite")
    parser.add_argument("--scratch-path", help="passed to swift test")
    parser.add_argument("--filter", help="passed to swift test (a partial run scans only what it wrote)")
    parser.add_argument("--keep", action="store_true", help="keep the run folder (it holds everything the tests wrote)")
    parser.add_argument("--show-secrets", action="store_true", help="list the secrets collected from the sources and exit")
    args = parser.parse_args()

    sources = collect_secrets()
    secrets = sorted(sources)
    constants_by_value = {}
    for path in sorted(TESTS.rglob("*.swift")):
        if "Corpus" in path.parts:
            continue
        for m in re.finditer(r'\blet\s+(\w+)\s*=\s*"([^"\\]+)"', path.read_text(encoding="utf-8", errors="replace")):
            if m.group(2) in sources:
                constants_by_value.setdefault(m.group(2), []).append(m.group(1))
    if args.show_secrets:
        for secret in secrets:
            print(f"{secret!r:50} {sources[secret][0]}")
        print(f"{len(secrets)} secrets")
        return 0
    scanner = Scanner(secrets)

    if args.no_run:
        rundir = Path(args.no_run).resolve()
        try:
            info = json.loads((rundir / "run.json").read_text())
        except OSError:
            print(f"secrets: {rundir} is not the folder of a run (no run.json)", file=sys.stderr)
            return 2
    else:
        rundir = Path(tempfile.mkdtemp(prefix="hunt-secrets-"))
        run_suite(rundir, args.scratch_path, args.filter, scanner)
        info = json.loads((rundir / "run.json").read_text())

    findings = []
    watched = {}
    try:
        watched = json.loads((rundir / "watched.json").read_text())
        # Found while the run wrote them, with the secrets of that time: keep those still secrets.
        findings += [f for f in watched["findings"] if f["kind"] != "literal" or f["secret"] in sources]
    except OSError:
        pass
    scanned_files = scanned_bytes = 0
    outside = []
    paths = list(files_to_scan(rundir, info["started"]))
    contents = []
    for path in paths:
        data, mode = read(path)
        if data is None:
            continue
        scanned_files += 1
        scanned_bytes += len(data)
        origin = "log" if path == str(rundir / "test.log") else "run folder" if path.startswith(str(rundir)) else "package"
        if origin == "package":
            outside.append(os.path.relpath(path, ROOT))
        found = scanner.scan(data, path, mode, origin)
        if origin == "log":
            for f in found:
                start = data.rfind(b"\n", 0, f["offset"]) + 1
                end = data.find(b"\n", f["offset"])
                f["line"] = data[start:end if end >= 0 else None].decode(errors="replace")
        findings += found
        contents.append((path, mode, origin))
    for path, mode, origin in contents:  # second pass: pieces of the private keys seen anywhere
        data, _ = read(path)
        if data is not None:
            findings += scanner.scan_key_lines(data, path, mode, origin)

    writes, caches = test_writes(), cache_names()
    unique = {}
    for f in findings:
        unique.setdefault((f["path"], f["secret"], f["kind"], f["offset"], f["encoding"]), f)
    leaks, fine = [], {}
    for f in unique.values():
        rule = allowed(f, sources, writes, caches, constants_by_value)
        if rule:
            fine.setdefault(rule, set()).add(f["path"])
        else:
            leaks.append(f)
    (rundir / "findings.json").write_text(json.dumps(dict(leaks=leaks, allowed={k: sorted(v) for k, v in fine.items()}), indent=1))

    print(f"secrets: {len(secrets)} secrets from the test sources, searched as {len(scanner.patterns)} byte strings"
          f" (raw, URL, JSON, HTML, base64), plus {len(DYNAMIC)} shapes of generated secrets")
    print(f"secrets: the suite exited {info['status']}; scanned {scanned_files} files ({scanned_bytes / 1e6:.1f} MB) left by the run"
          + (f", and {watched.get('files', 0)} files ({watched.get('bytes', 0) / 1e6:.1f} MB) as they were written"
             f" ({watched.get('missed', 0)} gone before they could be read, {watched.get('overflows', 0)} inotify overflows)" if watched else ""))
    if outside:
        print(f"secrets: {len(outside)} files written outside TMPDIR: " + ", ".join(sorted(outside)[:10]) + (" …" if len(outside) > 10 else ""))
    for rule, paths in sorted(fine.items()):
        print(f"secrets: allowed ({rule}): {len(paths)} files")
    if leaks:
        print(f"secrets: {len(leaks)} LEAKS:")
        for f in sorted(leaks, key=lambda f: (f["path"], f["offset"])):
            shown = f["secret"] if f["kind"] != "literal" else f["secret"][:4] + "…" + f"({len(f['secret'])} chars)"
            print(f"  {f['path']}:{f['offset']}: {f['kind']} {shown} ({f['encoding']}, {f['origin']})")
    else:
        print("secrets: no leaks")
    if args.keep or args.no_run:
        print(f"secrets: run folder {rundir}")
    else:
        shutil.rmtree(rundir, ignore_errors=True)
    if info["status"] != 0:
        print("secrets: note: the test suite itself failed; its files were scanned all the same", file=sys.stderr)
    return 1 if leaks else 0


if __name__ == "__main__":
    sys.exit(main())
