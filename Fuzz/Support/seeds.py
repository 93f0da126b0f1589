#!/usr/bin/env python3
"""Seed helpers for Fuzz/run (run at fuzz time, nothing here is stored in the repository).

  seeds.py copy DEST FILE...            copy files into DEST, each named by the SHA-1 of its
                                        contents (libFuzzer's own naming, so reruns add nothing twice)
  seeds.py mustache-spec DEST JSON...   the `template` and `partials` strings of Mustache spec files
  seeds.py swift-json DEST SWIFT...     JSON bodies written in Swift test sources: raw strings
                                        #"{…}"# without interpolation, multi-line \"\"\" blocks that
                                        start with `{`, and one-column bodies built from the
                                        ("Type", #"cell"#, …) tables of ResponseDecoderTests
Prints how many new files were written.
"""
import hashlib
import json
import os
import re
import sys


def write(dest, data):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    name = os.path.join(dest, hashlib.sha1(data).hexdigest())
    if os.path.exists(name):
        return 0
    with open(name, "wb") as f:
        f.write(data)
    return 1


def copy(dest, files):
    n = 0
    for path in files:
        try:
            with open(path, "rb") as f:
                n += write(dest, f.read())
        except OSError as e:
            print(f"seeds.py: skipping {path}: {e}", file=sys.stderr)
    return n


def mustache_spec(dest, files):
    n = 0
    for path in files:
        try:
            with open(path, encoding="utf-8") as f:
                spec = json.load(f)
        except (OSError, ValueError) as e:
            print(f"seeds.py: skipping {path}: {e}", file=sys.stderr)
            continue
        for test in spec.get("tests", []):
            if isinstance(test.get("template"), str):
                n += write(dest, test["template"])
            for partial in (test.get("partials") or {}).values():
                if isinstance(partial, str):
                    n += write(dest, partial)
    return n


# A Swift multi-line string: the opening """ ends its line; the closing """ is on its own line and
# its indentation is removed from every line.
MULTILINE = re.compile(r'"""[ \t]*\n(.*?)\n([ \t]*)"""', re.S)
RAW_ONE_LINE = re.compile(r'#"(.*?)"#')
CELL_ROW = re.compile(r'^\s*\("([A-Za-z0-9]+)",\s*#"(.*?)"#\s*,', re.M)


def swift_unescape(text):
    """Decodes the escapes of a (non-raw) Swift string literal."""
    def repl(m):
        e = m.group(1)
        if e.startswith("u{"):
            return chr(int(e[2:-1], 16))
        return {"n": "\n", "r": "\r", "t": "\t", "0": "\0", "\\": "\\", '"': '"', "'": "'"}.get(e, e)
    return re.sub(r'\\(u\{[0-9A-Fa-f]+\}|.)', repl, text)


def swift_json(dest, files):
    n = 0
    for path in files:
        try:
            with open(path, encoding="utf-8") as f:
                source = f.read()
        except OSError as e:
            print(f"seeds.py: skipping {path}: {e}", file=sys.stderr)
            continue
        for m in MULTILINE.finditer(source):
            indent = m.group(2)
            lines = [line[len(indent):] if line.startswith(indent) else line.lstrip() for line in m.group(1).split("\n")]
            body = "\n".join(lines)
            if body.lstrip().startswith("{") and "\\(" not in body:
                n += write(dest, swift_unescape(body))
        for m in RAW_ONE_LINE.finditer(source):
            body = m.group(1)
            if body.startswith("{") and "\\#(" not in body:
                n += write(dest, body)
        for m in CELL_ROW.finditer(source):
            type_name, cell = m.group(1), m.group(2)
            n += write(dest, '{"schema":[{"name":"A","type":"%s"}],"results":[{"A":%s}]}' % (type_name, cell))
    return n


def main(argv):
    if len(argv) < 3 or argv[1] not in ("copy", "mustache-spec", "swift-json"):
        print(__doc__, file=sys.stderr)
        return 2
    command, dest, files = argv[1], argv[2], argv[3:]
    os.makedirs(dest, exist_ok=True)
    n = {"copy": copy, "mustache-spec": mustache_spec, "swift-json": swift_json}[command](dest, files)
    print(n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
