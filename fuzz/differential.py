#!/usr/bin/env python3
"""Differential fuzzer: ory-actions against the engines Kratos runs.

Templates: mutants of the repository's Jsonnet bodies go through go-jsonnet (the `gojsonnet`
package, the engine Kratos embeds) and through `check_body` (the example program
`core/examples/body_verdicts.rs`). Both must accept, or both refuse at the same first error
line and column.

Kratos configuration files: mutants of the repository's YAML and JSON files go through a YAML 1.2
parser (ruamel.yaml's safe pure loader) or Python's `json`, and through the command line
(`examples/config_verdicts.rs`: `plan --json`, `explain --json`, `export`, and `apply --yes` on a
copy). A file the parser refuses must be refused by every command with an error; a file it
accepts must be read with the hook lists the parser finds (and applied without touching anything
else), or refused for a Kratos-level reason; plan and apply must agree; nothing may crash
(exit 101, a signal) or hang.

Run it through `fuzz/run`, which makes the virtual environment and builds the two programs.
Every disagreement not declared below (DECLARED) is minimised and written to `fuzz/out/`;
the exit code is 1 when there is any. See fuzz/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import pickle
import random
import re
import resource
import selectors
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

warnings.simplefilter("ignore")  # ruamel.yaml's warnings on reused anchors and the like

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------------------------------------
# Deliberate disagreements: what ory-actions does on purpose unlike the engine. Each name is
# used by the classifiers below; the README explains each.
DECLARED = {
    "imports": "`import`, `importstr`, `importbin`: go-jsonnet resolves them (lazily; an unused "
    "one never fails), Kratos's VM refuses every import, so check_body refuses them up front",
    "extvar-native": "`std.extVar` and `std.native`: Kratos's VM defines no external variables "
    "and no native functions; check_body refuses them even where go-jsonnet, never calling "
    "them, evaluates the template",
    "returns-function": "a function of ctx that returns a function: go-jsonnet fails at run "
    "time (it cannot manifest a function); check_body refuses it before",
    "kratos-call": "a top-level function without a `ctx` parameter, or with another parameter "
    "without a default: go-jsonnet fails at run time when Kratos calls it; check_body refuses it",
    "size": "templates over 64 KiB (MAX_BODY_BYTES) are refused whatever go-jsonnet says",
    "depth": "templates nested deeper than check_body's documented depth bound are refused with "
    "a message saying so, where go-jsonnet (on a 1 GB goroutine stack) reads them",
    "url-body": "a body starting with http://, https://, file:// or base64:// is refused as a "
    "URL (with the way to write one) rather than as a syntax error",
    "duplicate-keys": "duplicate keys in YAML or JSON: the YAML parser refuses them, Python's "
    "json keeps the last, Kratos's reader keeps the last; ory-actions may do either (refuse, "
    "or keep the last as a JSON value does), so only crashes and plan/apply agreement are checked",
    "yaml-undecided": "what the YAML parser cannot judge the way Kratos does: tags it has no "
    "constructor for (`!custom`, `!!binary`, `!!set`, …), complex keys, and the characters "
    "NEL, LS and PS (line breaks in YAML 1.1, ordinary characters in 1.2; ruamel.yaml takes "
    "them as breaks): only crashes and plan/apply agreement are checked",
    "oracle-exhausted": "a YAML file the parser could not judge within ORACLE_MEMORY (4 GiB) "
    "and ORACLE_SECONDS (60 s): only crashes and plan/apply agreement are checked",
    "surrogates": "strings with a lone or paired UTF-16 surrogate escape (`\"\\ud83d\"`) in a "
    "YAML or JSON file: Python keeps the surrogate, Go replaces it with U+FFFD; ory-actions may "
    "refuse the file or read U+FFFD",
    "non-finite": "NaN and Infinity literals in a JSON file: Python's json takes them, JSON "
    "(RFC 8259) and Go do not; ory-actions may refuse",
    "depth-limit": "a valid file nested deeper than 127 levels (the bound of every reader of a "
    "configuration, serde_json's for JSON): refused by every command with a message that says "
    "the collections nest too deep",
    "number-range": "a JSON number beyond a 64-bit float (`1e400`): Python reads it as "
    "infinity; serde_json and Go's encoding/json (Kratos's reader) refuse it; refused by every "
    "command with a message that says the number is out of range",
    "bom-in-document": "a byte order mark inside a YAML document (not at the start of the "
    "stream): YAML 1.2 allows one only before a document, and the reference refuses it with a "
    "message that says so; ruamel.yaml and yaml.v3 read it as content",
    "quoted-indentation": "a quoted scalar whose next line is not indented past its mapping's "
    "keys (`a: 'x\\ny'`): YAML 1.2 requires the indentation and the reference refuses it with "
    "a message that says so; ruamel.yaml and yaml.v3 do not check",
    "editor-limit": "valid YAML the lossless editor that writes the file cannot read as the "
    "parser does (`%TAG`, `%YAML 1.1`, a tagged mapping `!!map {…}` in a list, `!!map` with "
    "an empty key, …): refused by every command with a message that says so, never half-read",
}

# Limits: valid files ory-actions refuses on purpose, each declared above. A refusal is allowed
# only when plan, explain, export and apply all refuse with a message that names the limit
# (the pattern), and only where the file is past it (the test, on the text, whether it is JSON
# and the parsed document). The fragment is what `--promote` writes as the case's `refusal`,
# which tests/fuzz_regressions.rs requires in the message of every command.
LIMITS = {
    "depth-limit": (r"nest deeper than 127|nest too deep", "nest",
                    lambda text, is_json, doc: nesting(doc) > 127),
    "number-range": (r"number out of range", "number out of range",
                     lambda text, is_json, doc: is_json and contains(doc, is_infinite)),
    "bom-in-document": (r"a byte order mark must not appear inside a document",
                        "a byte order mark must not appear inside a document",
                        lambda text, is_json, doc: not is_json and "\ufeff" in text[1:]),
    "quoted-indentation": (r"invalid indentation in quoted scalar",
                           "invalid indentation in quoted scalar",
                           lambda text, is_json, doc: not is_json and ("'" in text or '"' in text)),
    "editor-limit": (r"the editor that writes it cannot read it",
                     "the editor that writes it cannot read it",
                     lambda text, is_json, doc: not is_json),
}


def nesting(value):
    """How many collections deep `value` nests (without recursion: up to 10 000 levels)."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        v, depth = pending.pop()
        if depth > 20_000:  # aliases that make a cycle: deep enough
            return depth
        if isinstance(v, (dict, list)):
            deepest = max(deepest, depth)
            pending.extend((c, depth + 1) for c in (v.values() if isinstance(v, dict) else v))
    return deepest


def is_infinite(value):
    return isinstance(value, float) and math.isinf(value)


def declared_limit(text, is_json, doc, ours):
    """The name of the limit whose refusal every command gives on this valid file, if any."""
    errors = [ours[cmd].get("error") or "" for cmd in ["plan", "explain", "export", "apply"]]
    if not all(refused(ours[cmd]) for cmd in ["plan", "explain", "export", "apply"]):
        return None
    for name, (pattern, _, applies) in LIMITS.items():
        if all(re.search(pattern, e) for e in errors) and applies(text, is_json, doc):
            return name
    return None

# The hook lists of core::scope (Scope::ALL), as paths in a Kratos configuration.
KRATOS_LISTS = [f"/selfservice/flows/{p}/hooks" for p in [
    "login/before", "login/after", "login/after/password", "login/after/oidc", "login/after/code",
    "login/after/webauthn", "login/after/passkey", "login/after/totp", "login/after/lookup_secret",
    "registration/before", "registration/after", "registration/after/password",
    "registration/after/oidc", "registration/after/code", "registration/after/webauthn",
    "registration/after/passkey", "recovery/before", "recovery/after", "settings/before",
    "settings/after", "settings/after/password", "settings/after/oidc", "settings/after/webauthn",
    "settings/after/passkey", "settings/after/totp", "settings/after/lookup_secret",
    "settings/after/profile", "verification/before", "verification/after"]]
SAML_LISTS = [f"/selfservice/flows/{p}/saml/hooks" for p in ["login/after", "registration/after", "settings/after"]]
HOOK_URL = "https://fuzz.example.com/registered"
OUR_LIST = "/selfservice/flows/registration/after/password/hooks"


# ---------------------------------------------------------------------------------------------
# Running a program over many inputs, one JSON line each, surviving crashes and hangs.

CRASH = "crash"
HANG = "hang"


class Worker:
    """A verdict program kept running: one JSON line in, one JSON line out. A process that dies
    or stays silent for `timeout` seconds charges the input it was on
    ({"_fail": "crash"|"hang", "detail": …, "stderr": …}) and is started again."""

    def __init__(self, cmd, timeout, preexec=None):
        self.cmd = cmd
        self.timeout = timeout
        self.preexec = preexec
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, preexec_fn=self.preexec)
        self.errs = []
        proc = self.proc
        threading.Thread(target=lambda: self.errs.append(proc.stderr.read()), daemon=True).start()
        self.buffer = b""

    def stop(self):
        if self.proc is not None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def run(self, inputs):
        results = []
        start = 0
        while start < len(inputs):
            if self.proc is None or self.proc.poll() is not None:
                self.start()
            proc = self.proc
            pending = inputs[start:]

            def feed():
                try:
                    for line in pending:
                        proc.stdin.write(line.encode("utf-8", "surrogatepass") + b"\n")
                    proc.stdin.flush()
                except (BrokenPipeError, OSError, ValueError):
                    pass

            writer = threading.Thread(target=feed, daemon=True)
            writer.start()
            fd = proc.stdout.fileno()
            deadline = time.monotonic() + self.timeout
            failed = None
            with selectors.DefaultSelector() as sel:
                sel.register(fd, selectors.EVENT_READ)
                while start < len(inputs):
                    while b"\n" in self.buffer and start < len(inputs):
                        line, self.buffer = self.buffer.split(b"\n", 1)
                        results.append(json.loads(line))
                        start += 1
                        deadline = time.monotonic() + self.timeout
                    if start >= len(inputs):
                        break
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        failed = HANG
                        break
                    if not sel.select(timeout=remaining):
                        continue
                    chunk = os.read(fd, 1 << 16)
                    if not chunk:
                        failed = CRASH
                        break
                    self.buffer += chunk
            if failed is None:
                writer.join()
                continue
            proc.kill()
            proc.wait()
            writer.join(timeout=5)
            time.sleep(0.05)
            self.proc = None
            self.buffer = b""
            code = proc.returncode
            detail = f"no answer in {self.timeout:g}s" if failed == HANG else (
                f"signal {-code}" if code is not None and code < 0 else f"exit {code}")
            stderr = (self.errs[0] if self.errs else b"").decode("utf-8", "replace").strip().splitlines()
            tail = next((l for l in stderr if "overflow" in l or "panicked" in l),
                        stderr[-1] if stderr else "")
            results.append({"_fail": failed, "detail": detail, "stderr": tail[:300]})
            start += 1
        return results


class Pool:
    """`jobs` workers of one program; answers in input order."""

    def __init__(self, cmd, timeout, jobs):
        self.workers = [Worker(cmd, timeout) for _ in range(max(1, jobs))]

    def map(self, inputs):
        if not inputs:
            return []
        n = min(len(self.workers), len(inputs))
        size = math.ceil(len(inputs) / n)
        parts = [inputs[i : i + size] for i in range(0, len(inputs), size)]
        answers = [None] * len(parts)

        def work(i):
            answers[i] = self.workers[i].run(parts[i])

        threads = [threading.Thread(target=work, args=(i,)) for i in range(len(parts))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return [a for part in answers for a in part]

    def stop(self):
        for w in self.workers:
            w.stop()


# ---------------------------------------------------------------------------------------------
# go-jsonnet, in worker processes (`--go-worker`), so that a template that runs for ever or
# kills the Go runtime costs one case.

LOCATION = re.compile(r"^body\.jsonnet:\(?(\d+):(\d+)")


def go_verdict(source):
    import _gojsonnet as g

    try:
        g.evaluate_snippet("body.jsonnet", source, tla_codes={"ctx": "{}"})
        return {"verdict": "ok"}
    except RuntimeError as error:
        first = str(error).split("\n")[0]
        if first.startswith("RUNTIME ERROR"):
            return {"verdict": "runtime", "message": first}
        found = LOCATION.match(first)
        if not found:
            return {"verdict": "static", "line": None, "column": None, "message": first}
        line, byte_column = int(found.group(1)), int(found.group(2))
        lines = source.split("\n")
        text = lines[line - 1] if line - 1 < len(lines) else ""
        raw = text.encode("utf-8", "surrogatepass")[: byte_column - 1]
        column = len(raw.decode("utf-8", "replace")) + 1
        return {"verdict": "static", "line": line, "column": column, "message": first}


def go_worker():
    while True:
        line = sys.stdin.readline()
        if not line:
            break
        source = json.loads(line)
        try:
            answer = go_verdict(source)
        except Exception as e:  # the binding refused the text itself (surrogates, NUL)
            answer = {"verdict": "unusable", "message": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


# ---------------------------------------------------------------------------------------------
# Template corpus and mutations.

TOKEN = re.compile(
    r"""
 (?P<ws>[ \t\r\n]+)
|(?P<comment>//[^\n]*|\#[^\n]*|/\*.*?\*/)
|(?P<textblock>\|\|\|-?[^\n]*\n.*?\n[ \t]*\|\|\|)
|(?P<str>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|@"(?:[^"]|"")*"|@'(?:[^']|'')*')
|(?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
|(?P<id>[A-Za-z_][A-Za-z0-9_]*)
|(?P<op>[!$:~+\-&|^=<>*/%]+)
|(?P<punct>[{}\[\](),.;])
|(?P<other>.)
""",
    re.S | re.X,
)


def tokens(source):
    return [m.group(0) for m in TOKEN.finditer(source)]


def template_corpus():
    seeds = []
    expected = ROOT / "core/tests/gojsonnet/expected.json"
    if expected.exists():
        seeds += [e["source"] for e in json.loads(expected.read_text(encoding="utf-8"))]
    for folder in ["core/tests/gojsonnet/kratos", "tests/templates", "examples"]:
        for path in sorted((ROOT / folder).rglob("*.jsonnet")):
            seeds.append(path.read_text(encoding="utf-8"))
    body = re.compile(r'body(?:\(|:)\s*(r#*"|")')
    for path in sorted((ROOT / "examples").rglob("*.rs")):
        text = path.read_text(encoding="utf-8")
        for m in body.finditer(text):
            opener = m.group(1)
            start = m.end()
            if opener.startswith("r"):
                end = text.find('"' + "#" * (len(opener) - 2), start)
                if end > 0:
                    seeds.append(text[start:end])
            else:
                end = start
                while end < len(text) and text[end] != '"':
                    end += 2 if text[end] == "\\" else 1
                try:
                    seeds.append(json.loads('"' + text[start:end] + '"'))
                except json.JSONDecodeError:
                    pass
    unique = []
    seen = set()
    for s in seeds:
        if s not in seen:
            seen.add(s)
            unique.append(s)
    return unique


SPECIAL_TOKENS = [
    "local", "function", "if", "then", "else", "for", "in", "super", "self", "$", "error",
    "assert", "import", "importstr", "tailstrict", "null", "true", "false", "ctx", "std",
    "(", ")", "[", "]", "{", "}", ",", ";", ":", "::", ":::", "+:", ".", "=", "==", "!=", "+",
    "-", "*", "/", "%", "!", "~", "<<", ">>", "&&", "||", "|", "&", "^", "<", ">=", "...",
    "in super", "x", "a", "0", "1e999", "1.5", "0x1", "01", "1_0",
    '"\\x41"', '"\\ud83d"', '"\\ude00"', '"\\ud83d\\ude00"', '"\\uD83D"', '"\\u00g9"', '"\\u12"',
    '"\\q"', '"\\/"', "'\\''", '@"a""b"', "@'x'", '"\\u0000"', '"a\\', "|||\n  a\n|||",
    "|||-\n  a\n|||", "|||\n\ta\n|||", "|||\n  a", "/* c */", "/*", "// c\n", "# c\n", "é", "😀",
    "\u2028", "\u200b", "\ufeff", "\x00", "\x01", "\x0b", "\x0c", "\r", "\t", "\x7f", "\ufffd",
]

NEST_OPEN = ["[", "{a:", "(", "-", "!", "~", "{a: {b: ", "[[", "local a = 1; ", "if true then ",
             "function(x) ", "1 + ", "assert true; ", "error ", "{} + "]
CLOSE_FOR = {"[": "]", "{a:": "}", "(": ")", "{a: {b: ": "}}", "[[": "]]"}
POSTFIX = [".a", "[0]", "(1)", "{}", ".b.c", "[1:2]", "()", "[x]", " tailstrict", "[::2]"]


def mutate_template(rng, source, corpus):
    toks = tokens(source)
    if not toks:
        toks = [""]
    choice = rng.randrange(16)
    idx = rng.randrange(len(toks))
    if choice == 0:  # delete a token
        del toks[idx]
    elif choice == 1:  # insert a token
        toks.insert(idx, rng.choice(SPECIAL_TOKENS + tokens(rng.choice(corpus)) or ["x"]))
    elif choice == 2:  # duplicate
        toks.insert(idx, toks[idx])
    elif choice == 3:  # swap
        j = rng.randrange(len(toks))
        toks[idx], toks[j] = toks[j], toks[idx]
    elif choice == 4:  # splice with another template
        other = tokens(rng.choice(corpus)) or [""]
        toks = toks[:idx] + other[rng.randrange(len(other)) :]
    elif choice == 5:  # deep nesting around a token or the whole
        depth = rng.choice([10, 40, 64, 100, 200, 500, 1000, 3000, 10000])
        opener = rng.choice(NEST_OPEN)
        closer = CLOSE_FOR.get(opener, "")
        if rng.random() < 0.2:
            closer = ""  # unbalanced
        inner = "".join(toks) if rng.random() < 0.5 else rng.choice(["1", "x", "ctx", "{}"])
        return opener * depth + inner + closer * depth
    elif choice == 6:  # long postfix chain
        depth = rng.choice([10, 100, 500, 1000, 3000, 10000, 30000])
        base = rng.choice(["x", "ctx", "{a: 1}", "std", "[1]", "self", "$"])
        chain = rng.choice(POSTFIX) * depth
        text = base + chain
        if rng.random() < 0.5:
            text = "function(ctx) " + text.replace("x", "ctx", 1)
        return text
    elif choice == 7:  # an escape into a string token
        strings = [i for i, t in enumerate(toks) if t[:1] in "\"'"]
        esc = rng.choice(["\\ud83d", "\\ude00", "\\ud83d\\ude00", "\\uDBFF\\uDFFF", "\\x41", "\\q",
                          "\\u00g9", "\\u12", "\\0", "\\U0041", "\\", "\\u0000", "\\'", "\\/"])
        if strings:
            i = rng.choice(strings)
            t = toks[i]
            pos = rng.randrange(1, max(2, len(t)))
            toks[i] = t[:pos] + esc + t[pos:]
        else:
            toks.insert(idx, '"' + esc + '"')
    elif choice == 8:  # text block
        block = rng.choice(["|||\n  a\n|||", "|||-\n  a\n  b\n|||", "|||\n\ta\n  b\n|||",
                            "|||\n  a\n", "|||\n\n  a\n|||", "||| x\n  a\n|||", "|||\na\n|||",
                            "|||\n  \\x\n|||", "|||\r\n  a\r\n|||"])
        toks.insert(idx, block)
    elif choice == 9:  # comment
        toks.insert(idx, rng.choice(["/* c */", "/*", "// c\n", "# c\n", "/* */ /*", "/***/",
                                     "/* \n */", "//", "#"]))
    elif choice == 10:  # unicode or a control character
        ch = rng.choice(["é", "😀", "\u2028", "\u200b", "\ufeff", "\x00", "\x01", "\x0b", "\x0c",
                         "\r", "\t", "\x7f", "\u00a0", "\u3000", "ａ", "\x1b"])
        text = "".join(toks)
        pos = rng.randrange(len(text) + 1)
        return text[:pos] + ch + text[pos:]
    elif choice == 11:  # a character deleted or replaced
        text = "".join(toks)
        if not text:
            return rng.choice(SPECIAL_TOKENS)
        pos = rng.randrange(len(text))
        if rng.random() < 0.5:
            return text[:pos] + text[pos + 1 :]
        return text[:pos] + rng.choice("{}[]()\"'|:;,.=+-*/!$@#\\ \n0aé") + text[pos + 1 :]
    elif choice == 12:  # super / self / $ in odd places
        toks.insert(idx, rng.choice([" in super", "super.b", "self", "$", "super", " in super.b",
                                     "super[x]", "$.a", "self.x"]))
    elif choice == 13:  # a binary chain
        depth = rng.choice([50, 300, 2000, 10000])
        op = rng.choice(["+", "-", "&&", "||", "==", "*", " in ", "%"])
        return op.join(["1"] * depth)
    elif choice == 14:  # wrap with a function of ctx
        return "function(ctx) " + "".join(toks)
    else:  # several at once
        text = "".join(toks)
        for _ in range(rng.randrange(2, 4)):
            text = mutate_template(rng, text, corpus)
            if len(text) > 200_000:
                break
        return text
    return "".join(toks)


def depth_of(source):
    depth = deepest = 0
    for ch in source:
        if ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]}":
            depth = max(0, depth - 1)
    return deepest


def normal_message(message):
    """A message without its places and quoted bits: the kind of error it is."""
    m = re.sub(r"^body\.jsonnet:\S+\s+(body\.jsonnet:\S+\s+)?", "", message or "")
    m = re.sub(r"line \d+, column \d+:?", "", m)
    m = re.sub(r"`[^`]*`|\"[^\"]*\"|'[^']*'|\([^)]*\)", "_", m)
    m = re.sub(r"literal: \\.", "literal: \\_", m)
    m = re.sub(r"malformed: .*", "malformed: _", m)
    m = re.sub(r"/tmp/\S+", "FILE", m)
    m = re.sub(r"\d+", "N", m)
    return " ".join(m.split())[:90]


def classify_template(source, go, ours):
    """None when they agree (or the difference is declared: returns ("declared", name)), else
    (kind, detail) of the disagreement."""
    if ours.get("_fail"):
        return (f"ours-{ours['_fail']}", normal_message(ours.get("stderr", "")))
    gv = go.get("verdict")
    if go.get("_fail") or gv == "unusable":
        return ("declared", "go-unusable")
    ov = ours["verdict"]
    if ov == "input":  # not text Rust can hold (a lone surrogate character)
        return ("declared", "go-unusable")
    omsg = ours.get("message") or ""
    # The documented depth bound: a long template refused with a message that says so.
    deep = re.search(r"deep|nest|depth|levels", omsg, re.I) and len(source) >= 200
    if ov == "kratos" and "bytes; at most" in omsg:
        return ("declared", "size")
    if gv == "static":
        if ov == "static":
            if go.get("line") is None or (go["line"], go["column"]) == (ours["line"], ours["column"]):
                return None
            if deep:
                return ("declared", "depth")
            return ("refused-elsewhere", normal_message(go["message"]))
        if deep:
            return ("declared", "depth")
        if ov == "kratos" and omsg.startswith("`body` is Jsonnet source, not a"):
            return ("declared", "url-body")
        return (f"go-refuses/ours-{ov}", normal_message(go["message"]))
    # go-jsonnet reads it (and evaluates it, or fails while evaluating).
    if ov == "ok":
        return None
    if deep:
        return ("declared", "depth")
    if ov == "static":
        return (f"go-{gv}/ours-refuses", normal_message(omsg))
    if ov == "kratos":
        if re.search(r"uses `(import|importstr|importbin)`", omsg):
            return ("declared", "imports")
        if re.search(r"uses `std\.(extVar|native)`", omsg):
            return ("declared", "extvar-native")
        if "returns a function" in omsg:
            return ("declared", "returns-function")
        if gv == "runtime" and ("parameter" in omsg or "argument `ctx`" in omsg):
            return ("declared", "kratos-call")
        return (f"go-{gv}/ours-kratos", normal_message(omsg))
    return (f"go-{gv}/ours-{ov}", normal_message(omsg))


# ---------------------------------------------------------------------------------------------
# Configuration files: the oracle.


def yaml_loader():
    from ruamel.yaml import YAML

    y = YAML(typ="safe", pure=True)
    return y


def check_yaml_12():
    y = yaml_loader()
    doc = y.load("a: yes\nb: 0o17\nc: on\n")
    assert doc == {"a": "yes", "b": 15, "c": "on"}, f"the YAML loader is not YAML 1.2: {doc}"


class Undecided(Exception):
    pass


SURROGATE = re.compile("[\ud800-\udfff]")


def has_surrogate(value):
    if isinstance(value, str):
        return bool(SURROGATE.search(value))
    if isinstance(value, dict):
        return any(has_surrogate(k) or has_surrogate(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(has_surrogate(v) for v in value)
    return False


def big_stack(fn, *args):
    """Deep files and templates are walked recursively: the whole run is on a thread with a
    large stack (see `if __name__`), so this only calls fn."""
    return fn(*args)


# What the YAML parser may use on one file, and for how long. Some mutants (deep, broken flow
# collections) make ruamel.yaml's pure parser grow past 10 GB; such a file is "oracle-exhausted"
# (undecided) instead of stopping the run. The parser runs in a worker process of its own
# (`--oracle-worker`, limited with RLIMIT_AS), started again when it dies.
ORACLE_MEMORY = 4 << 30
ORACLE_SECONDS = 60
ORACLE_STACK = 1 << 30
_oracle_worker = None


def oracle_worker_limits():
    # Address space: the large stack of the parsing thread plus what the parser may use.
    limit = ORACLE_STACK + ORACLE_MEMORY
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def oracle_worker():
    """Answers one file per line ({"text", "json"}) with its verdict, pickled and base64-coded."""
    import base64

    while True:
        line = sys.stdin.readline()
        if not line:
            break
        case = json.loads(line)
        verdict = oracle_here(case["text"], case["json"])
        data = base64.b64encode(pickle.dumps(verdict, protocol=pickle.HIGHEST_PROTOCOL))
        sys.stdout.write(json.dumps({"verdict": data.decode("ascii")}) + "\n")
        sys.stdout.flush()


def oracle(text, is_json):
    """("refuse", reason) | ("undecided", declared name) | ("accept", document). A YAML file is
    parsed by the oracle worker, within ORACLE_MEMORY and ORACLE_SECONDS."""
    global _oracle_worker
    if is_json:
        return oracle_here(text, is_json)
    import base64

    if _oracle_worker is None:
        _oracle_worker = Worker([sys.executable, str(Path(__file__).resolve()), "--oracle-worker"],
                                ORACLE_SECONDS, preexec=oracle_worker_limits)
    line = json.dumps({"text": text, "json": is_json}, ensure_ascii=True)
    answer = _oracle_worker.run([line])[0]
    if "verdict" not in answer:
        return ("undecided", "oracle-exhausted")
    return pickle.loads(base64.b64decode(answer["verdict"]))


def oracle_here(text, is_json):
    if is_json:
        duplicates = []

        def pairs(items):
            keys = [k for k, _ in items]
            if len(set(keys)) != len(keys):
                duplicates.append(True)
            return dict(items)

        def constant(name):
            raise Undecided("non-finite")

        try:
            doc = big_stack(
                lambda: json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
            )
        except Undecided as e:
            return ("undecided", str(e))
        except (ValueError, RecursionError) as e:
            return ("refuse", f"json: {type(e).__name__}: {str(e).splitlines()[0][:80]}")
        if duplicates:
            return ("undecided", "duplicate-keys")
        if has_surrogate(doc):
            return ("undecided", "surrogates")
        return ("accept", doc)
    if re.search("[\x85\u2028\u2029]", text):
        return ("undecided", "yaml-undecided")
    if depth_of(text) > 10_000:
        # yaml.v3 (Kratos's reader) stops at 10 000 levels; ruamel.yaml takes minutes there.
        return ("refuse", "yaml: nested deeper than 10000 levels")
    from ruamel.yaml.constructor import ConstructorError, DuplicateKeyError

    try:
        doc = big_stack(yaml_loader().load, text)
    except DuplicateKeyError:
        return ("undecided", "duplicate-keys")
    except ConstructorError as e:
        if "could not determine a constructor" in str(e) or "found unhashable key" in str(e):
            return ("undecided", "yaml-undecided")
        return ("refuse", f"yaml: ConstructorError: {str(e).splitlines()[0][:80]}")
    except RecursionError:
        return ("refuse", "yaml: too deep for the parser")
    except Exception as e:  # ruamel's scanner, parser, reader and composer errors
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        return ("refuse", f"yaml: {type(e).__name__}: {str(problem)[:80]}")
    if expanded_size(doc) > MAX_EXPANDED:
        # yaml.v3 (Kratos's reader) refuses a document whose aliases expand it this much.
        return ("refuse", "yaml: excessive aliasing")
    if has_surrogate(doc):
        return ("undecided", "surrogates")
    if contains(doc, lambda v: isinstance(v, (bytes, set, tuple)) or (
            isinstance(v, dict) and any(isinstance(k, (tuple, bytes)) for k in v))):
        return ("undecided", "yaml-undecided")
    return ("accept", doc)


MAX_EXPANDED = 1_000_000


def expanded_size(doc):
    """How many values the document holds once its aliases are expanded (shared values are
    counted once per reference, computed once per value)."""
    sizes = {}

    def size(v):
        if not isinstance(v, (dict, list)):
            return 1
        if id(v) in sizes:
            return sizes[id(v)]
        children = v.values() if isinstance(v, dict) else v
        total = 1 + sum(size(c) for c in children)
        sizes[id(v)] = min(total, MAX_EXPANDED + 1)
        return sizes[id(v)]

    return size(doc)


def contains(value, pred, depth=0):
    if pred(value):
        return True
    if isinstance(value, dict):
        return any(contains(v, pred, depth + 1) for v in value.values())
    if isinstance(value, list):
        return any(contains(v, pred, depth + 1) for v in value)
    return False


def normal(value, depth=0):
    """A value as JSON would hold it, comparable: keys as strings, floats by repr."""
    if isinstance(value, dict):
        return {key_text(k): normal(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normal(v, depth + 1) for v in value]
    if isinstance(value, float):
        return ("float", repr(value))
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    return ("other", repr(value))


def key_text(k):
    if k is None:
        return "null"
    if isinstance(k, bool):
        return "true" if k else "false"
    return str(k)


def lookup(doc, pointer):
    """(status, value): status "absent", "ok", or "problem: …" as Kratos's paths meet it."""
    node = doc
    parts = pointer.strip("/").split("/")
    for i, part in enumerate(parts):
        if node is None and i == 0:
            return ("absent", None)
        if not isinstance(node, dict):
            return (f"problem: {'/'.join(parts[:i])} is {type(node).__name__}", None)
        found = [v for k, v in node.items() if key_text(k) == part]
        if not found:
            return ("absent", None)
        node = found[-1]
    if not isinstance(node, list):
        return (f"problem: {pointer} is {type(node).__name__}", None)
    return ("ok", node)


def entry_key(entry):
    if not isinstance(entry, dict):
        return ("?", None)
    hook = entry.get("hook")
    config = entry.get("config")
    url = config.get("url") if isinstance(config, dict) and hook == "web_hook" else None
    return (hook if isinstance(hook, str) else "?", without_userinfo(url) if isinstance(url, str) else None)


def without_userinfo(url):
    """A URL without its user information: explain shows `https://user:****@host`, not the
    password (nor a user alone as written), so URLs are compared without it."""
    return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@", r"\1", url)


def entry_oddity(entry):
    if not isinstance(entry, dict):
        return "an entry that is not a mapping"
    if not isinstance(entry.get("hook"), str):
        return "an entry without a string `hook`"
    config = entry.get("config")
    if entry["hook"] == "web_hook":
        if not isinstance(config, dict):
            return "a web_hook without a config mapping"
        if not isinstance(config.get("url"), str):
            return "a web_hook without a string url"
        for key in ["method", "body"]:
            if key in config and not isinstance(config[key], str):
                return f"a web_hook whose {key} is not a string"
        for key, value in config.items():
            if key_text(key) not in {"url", "method", "body", "auth", "response", "can_interrupt",
                                     "emit_analytics_event", "headers"}:
                return f"a web_hook with an unknown config key {key_text(key)}"
            if key in {"auth", "response", "headers"} and not isinstance(value, dict):
                return f"a web_hook whose {key} is not a mapping"
            if key == "response" and not all(
                    key_text(k) in {"ignore", "parse"} and isinstance(v, bool) for k, v in value.items()):
                return "a web_hook whose response is not `ignore` / `parse` booleans"
            if key == "headers" and not all(isinstance(v, str) for v in value.values()):
                return "a web_hook with a header that is not a string"
            if key == "auth" and not (isinstance(value.get("type"), str)
                                      and isinstance(value.get("config", {}), dict)):
                return "a web_hook whose auth has no string type or a config that is not a mapping"
            if key in {"can_interrupt", "emit_analytics_event"} and not isinstance(value, bool):
                return f"a web_hook whose {key} is not a boolean"
    elif config is not None and not isinstance(config, dict):
        return "a config that is not a mapping"
    return None


def kratos_view(doc, pointers):
    """(structural problem or None, entry oddity or None, {pointer: [(hook, url)]})."""
    if doc is not None and not isinstance(doc, dict):
        return (f"the document is {type(doc).__name__}", None, {})
    lists = {}
    problem = oddity = None
    for pointer in pointers:
        status, value = lookup(doc, pointer)
        if status.startswith("problem") and problem is None:
            problem = status
        if status == "ok":
            lists[pointer] = [entry_key(e) for e in value]
            for e in value:
                oddity = oddity or entry_oddity(e)
    return (problem, oddity, lists)


def explained_lists(explain_json):
    lists = {}
    for chain in explain_json or []:
        for hook in chain.get("chain", []):
            if hook.get("list") is None:
                continue
            entries = lists.setdefault(hook["list"], {})
            url = hook.get("url")
            entries[hook["index"]] = (hook.get("hook", "?"), without_userinfo(url) if isinstance(url, str) else url)
    return {k: [v[i] for i in sorted(v)] for k, v in lists.items()}


def drop_ours(lists):
    out = {}
    for k, v in lists.items():
        kept = [e for e in v if e[1] != HOOK_URL]
        if kept:
            out[k] = kept
    return out


def without_our_list(doc):
    """The document without registration.after.password.hooks, and with the mappings on the
    way to it that are left empty removed."""
    doc = normal(doc)
    if not isinstance(doc, dict):
        return doc
    parts = OUR_LIST.strip("/").split("/")
    trail = [doc]
    node = doc
    for part in parts[:-1]:
        if not isinstance(node, dict) or not isinstance(node.get(part), dict):
            return doc
        node = node[part]
        trail.append(node)
    if isinstance(node, dict):
        node.pop(parts[-1], None)
    for i in range(len(parts) - 2, -1, -1):
        parent = trail[i]
        child = parent.get(parts[i])
        if isinstance(child, dict) and not child:
            del parent[parts[i]]
        else:
            break
    return doc


def refused(run):
    return run.get("code") == 1


def classify_file(text, is_json, ours, pointers):
    """None, ("declared", name), or (kind, detail)."""
    return big_stack(classify_file_here, text, is_json, ours, pointers)


def classify_file_here(text, is_json, ours, pointers):
    if ours.get("_fail"):
        return (f"ours-{ours['_fail']}", normal_message(ours.get("stderr", "")))
    for cmd in ["plan", "explain", "export", "apply"]:
        code = ours[cmd].get("code")
        if code not in (0, 1, 2):
            return (f"{cmd}-exit-{code}", (ours[cmd].get("error") or "")[:80])
        if code == 1 and not (ours[cmd].get("error") or "").startswith("error"):
            return (f"{cmd}-refuses-without-error", (ours[cmd].get("error") or "")[:80])
    if refused(ours["plan"]) != refused(ours["apply"]):
        return ("plan-apply-disagree", f"plan {ours['plan']['code']} apply {ours['apply']['code']}")
    for cmd in ["explain", "export"]:
        if refused(ours["plan"]) != refused(ours[cmd]):
            return (f"plan-{cmd}-disagree", (ours["plan"].get("error") or ours[cmd].get("error") or "")[:80])
    verdict = oracle(text, is_json)
    if verdict[0] == "undecided":
        return ("declared", verdict[1])
    if verdict[0] == "refuse":
        if refused(ours["plan"]):
            return None
        return ("accepts-invalid", re.sub(r"\d+", "N", verdict[1]))
    doc = verdict[1]
    problem, oddity, lists = kratos_view(doc, pointers)
    if refused(ours["plan"]):
        if problem or oddity:
            return None
        limit = declared_limit(text, is_json, doc, ours)
        if limit:
            return ("declared", limit)
        return ("refuses-valid", normal_message(ours["plan"].get("error")))
    if problem:
        return ("accepts-kratos-problem", re.sub(r"/[\w/]+", "PATH", problem))
    if oddity:
        # An entry Kratos's schema refuses: how it is shown is not compared.
        return None
    seen = explained_lists(ours.get("explain_json"))
    if drop_ours(seen) != {k: v for k, v in lists.items() if v and k in KRATOS_LISTS}:
        return ("lists-differ", "")
    if not any(e[1] == HOOK_URL for e in seen.get(OUR_LIST, [])):
        return ("our-hook-not-planned", "")
    applied = ours.get("applied")
    if applied is None:
        return ("apply-lost-file", "")
    after = oracle(applied, is_json)
    if after[0] == "refuse":
        return ("apply-wrote-invalid", re.sub(r"\d+", "N", after[1]))
    if after[0] == "accept":
        status, new_list = lookup(after[1], OUR_LIST)
        if status != "ok":
            return ("apply-list-missing", status)
        old_status, old_list = lookup(doc, OUR_LIST)
        ours_in = [e for e in new_list if entry_key(e)[1] == HOOK_URL]
        rest = [normal(e) for e in new_list if entry_key(e)[1] != HOOK_URL]
        if len(ours_in) != 1 or rest != normal(old_list or []):
            return ("apply-changed-list", "")
        if without_our_list(after[1]) != without_our_list(doc):
            return ("apply-changed-outside", "")
    return None


# ---------------------------------------------------------------------------------------------
# Configuration corpus and mutations.


def file_corpus(extra_dirs):
    files = []
    for pattern_root, patterns in [
        ("examples", ["**/*.yaml", "**/*.yml", "**/*.json"]),
        ("tests", ["**/*.yaml", "**/*.yml", "**/*.json"]),
        ("runtime", ["**/*.yaml", "**/*.yml", "**/*.json"]),
        ("reference", ["*.yaml", "*.yml", "*.json"]),
    ]:
        base = ROOT / pattern_root
        if not base.exists():
            continue
        for pattern in patterns:
            files += sorted(base.glob(pattern))
    for d in extra_dirs:
        for pattern in ["*.yaml", "*.yml", "*.json"]:
            files += sorted(Path(d).glob(pattern))
    seeds = []
    for f in files:
        if "fuzz_regressions" in f.parts or f.stat().st_size > 400_000:
            continue
        if f.name.endswith("schema.json") or f.name == "ory-console-api.subset.json":
            continue
        seeds.append((f.suffix.lower() == ".json", f.read_text(encoding="utf-8")))
    # Files with hook lists in the places mutations hit most.
    seeds.append((False, HOOKS_YAML))
    seeds.append((True, json.dumps(json.loads(json.dumps(yaml_loader().load(HOOKS_YAML))), indent=2)))
    return seeds


HOOKS_YAML = """selfservice:
  flows:
    registration:
      after:
        password:
          hooks:
            - hook: session
        hooks:
          - hook: web_hook
            config:
              url: https://a.example.com/x
              method: POST
              body: "function(ctx) { id: ctx.identity.id }"
    login:
      before:
        hooks:
          - hook: web_hook
            config:
              url: "https://b.example.com/y"
              method: GET
              response:
                ignore: true
      after:
        password:
          hooks: []
"""

YAML_SNIPPETS = [
    "hooks: - hook: session", "url: a: b", "a: \x01", "%YAML 1.2\n---", "%YAML 1.1\n---", "%TAG ! tag:x,2000:\n---",
    "%FOO bar\n---", "---", "...", "--- |\n  text", "a: &x {hook: session}", "b: *x", "<<: {hook: session}",
    "<<: *x", "hook: !!str session", "hook: !custom session", "hook: !!binary aGVsbG8=",
    "n: 1e400", "n: 0x1F", "n: 0o17", "n: .inf", "n: .nan", "n: -0", "n: 1_000", "n: 0b101",
    "hooks: ~", "hooks: null", "hooks:", "hooks: {}", "hooks: []", "hooks: \"x\"", "hooks: [~]",
    "hooks: [{hook: session}]", "hooks: [{hook: web_hook, config: {url: 'https://x.example', method: POST}}]",
    "url: \"\\x41\"", "url: \"\\ud83d\"", "url: \"\\U0001F600\"", "url: 'it''s'", "url: \"a\\\n  b\"",
    "url: \"unterminated", "url: 'unterminated", "body: |\n  function(ctx) {}", "body: >-\n  x",
    "? complex\n: key", "? [a, b]\n: c", "a: b\n\tc: d", "a:\tb", "\ufeffa: 1", "a: \u2028b",
    "a: {b: c", "a: [b, c", "a: b #comment", "a: 'b' c", "- a\n- b", "a: b\n a: c", "a: !!int x",
    "a: !!map {}", "a: !!seq []", "a: *undefined", "&a a: b", "a: @b", "a: `b`", "a: %b", "a: |0\n  x",
]


def deep_flow(depth):
    return "[" * depth + "]" * depth


def alias_bomb(levels):
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, levels):
        prev = f"*a{i-1}"
        lines.append(f"a{i}: &a{i} [{','.join([prev] * 9)}]")
    return "\n".join(lines) + "\n"


def mutate_yaml(rng, text, corpus):
    lines = text.split("\n")
    if not lines:
        lines = [""]
    choice = rng.randrange(18)
    i = rng.randrange(len(lines))
    if choice == 0:  # indentation shift of a line
        lines[i] = " " * rng.choice([1, 2, 4]) + lines[i] if rng.random() < 0.5 else lines[i][rng.choice([1, 2]) :]
    elif choice == 1:  # tabs
        lines[i] = lines[i].replace("  ", "\t", 1)
    elif choice == 2:  # duplicate a line (duplicate keys)
        lines.insert(i, lines[i])
    elif choice == 3:  # delete a line
        del lines[i]
    elif choice == 4:  # swap lines
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif choice == 5:  # a snippet, indented like the line
        indent = len(lines[i]) - len(lines[i].lstrip(" "))
        snippet = rng.choice(YAML_SNIPPETS)
        lines.insert(i, "\n".join(" " * indent + s for s in snippet.split("\n")))
    elif choice == 6:  # replace a value
        m = re.match(r"^(\s*(?:- )?[\w<]+:)\s*(.*)$", lines[i])
        if m:
            value = rng.choice(["~", "null", "", "{}", "[]", "1e400", "0x1F", "0o17", "yes", "'x'",
                                "\"\\ud83d\"", "\"\\x01\"", "!!str 1", "*nope", "&a x", "[[[[x]]]]",
                                deep_flow(rng.choice([127, 128, 129, 200, 1000, 12000])),
                                "{a: b", "a: b", "- x", "| \n  x", "\"a\\q\"", "'", "\"", "#x"])
            lines[i] = f"{m.group(1)} {value}"
    elif choice == 7:  # directives and documents
        head = rng.choice(["%YAML 1.2\n---\n", "%YAML 1.1\n---\n", "---\n", "%YAML 1.2\n", "--- !!map\n",
                           "%YAML 2.0\n---\n", "\ufeff", "# c\n---\n", "%TAG !e! tag:e,2000:\n---\n"])
        tail = rng.choice(["", "\n---\na: 1\n", "\n...\n", "\n---\n", "\n--- \n- x\n"])
        return head + text + tail
    elif choice == 8:  # control characters and unicode
        ch = rng.choice(["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028",
                         "\ufeff", "\ufffe", "é", "😀", "\r", "\t", "\u00a0"])
        pos = rng.randrange(len(text) + 1)
        return text[:pos] + ch + text[pos:]
    elif choice == 9:  # flow style for a block: the whole file as JSON-ish flow
        try:
            doc = yaml_loader().load(text)
            if expanded_size(doc) > MAX_EXPANDED:
                # An alias bomb written out whole is gigabytes: not a file anyone has.
                return text
            return json.dumps(doc, default=str) + "\n"
        except Exception:
            return text
    elif choice == 10:  # one-line block sequence and nested mappings on one line
        m = re.match(r"^(\s*)(hooks|- hook):\s*$", lines[i])
        if m and i + 1 < len(lines):
            lines[i] = lines[i] + " " + lines.pop(i + 1).strip()
        else:
            lines[i] = lines[i] + rng.choice([" - hook: session", " a: b", " [", " {", " &a", " *a", " !t"])
    elif choice == 11:  # an alias bomb or a deep flow collection
        if rng.random() < 0.5:
            return alias_bomb(rng.choice([3, 5, 7, 9])) + text
        depth = rng.choice([64, 127, 128, 129, 300, 2000, 12000])
        lines.insert(i, "deep: " + deep_flow(depth))
    elif choice == 12:  # anchors and merge keys on hook entries
        for j, l in enumerate(lines):
            if l.strip().startswith("- hook:"):
                indent = l[: len(l) - len(l.lstrip())]
                lines[j] = l.replace("- hook:", "- &h hook:" if rng.random() < 0.3 else "- hook:", 1)
                lines.insert(j + 1, indent + rng.choice(["- *h", "- <<: *h", "- {<<: {hook: session}}", "- !!map {hook: session}"]))
                break
        else:
            lines.insert(i, rng.choice(YAML_SNIPPETS))
    elif choice == 13:  # a character inserted
        pos = rng.randrange(len(text) + 1)
        return text[:pos] + rng.choice(":-#&*!|>{}[],?%@`'\"\\ \n") + text[pos:]
    elif choice == 14:  # splice with another file
        other = rng.choice(corpus)[1].split("\n")
        j = rng.randrange(len(other))
        lines = lines[:i] + other[j : j + rng.randrange(1, 12)] + lines[i:]
    elif choice == 15:  # a quoted scalar's edge
        m = re.match(r"^(\s*(?:- )?\w+:)\s*(.*)$", lines[i])
        if m:
            lines[i] = m.group(1) + " " + rng.choice([
                '"\\x41"', '"\\u00e9"', '"\\ud83d\\ude00"', '"\\ud83d"', '"\\N"', '"\\_"', '"\\L"',
                '"\\q"', "'a''b'", '"a\\\n  b"', '"multi\n  line"', "'multi\n  line'", '"\\0"',
                '"\\t\\e\\a"', '"' + m.group(2).strip("'\"") + '"', "'" + m.group(2).strip("'\"") + "'"])
    elif choice == 16:  # hooks written in odd shapes
        lines.insert(i, rng.choice([
            "selfservice: {flows: {login: {before: {hooks: [{hook: web_hook, config: {url: 'https://z.example', method: POST}}]}}}}",
            "selfservice:\n  flows:\n    login:\n      before:\n        hooks: - hook: session",
            "selfservice:\n  flows:\n    login:\n      before:\n        hooks:\n        - hook: web_hook\n          config: {url: https://z.example, method: GET}",
        ]))
    else:  # several
        for _ in range(rng.randrange(2, 4)):
            text = mutate_yaml(rng, text, corpus)
        return text
    return "\n".join(lines)


def mutate_json(rng, text, corpus):
    choice = rng.randrange(10)
    if choice == 0:  # lone surrogate, or a pair, in a string
        pos = [m.start() + 1 for m in re.finditer(r'"', text)]
        if pos:
            p = rng.choice(pos)
            return text[:p] + rng.choice(["\\ud83d", "\\ude00", "\\ud83d\\ude00", "\\u0000", "\\x41", "\\q"]) + text[p:]
    if choice == 1:  # huge numbers
        m = list(re.finditer(r":\s*(\"[^\"]*\"|true|false|null|-?\d+(\.\d+)?)", text))
        if m:
            hit = rng.choice(m)
            return text[: hit.start(1)] + rng.choice(["1e400", "-1e400", "123456789012345678901234567890", "1e-400",
                                                      "0.1e99999", "NaN", "Infinity", "-0", "1.", "01", "0x1F"]) + text[hit.end(1):]
    if choice == 2:  # deep nesting in a hook entry or elsewhere
        depth = rng.choice([127, 128, 129, 500, 3000, 20000])
        deep = "[" * depth + "]" * depth if rng.random() < 0.5 else '{"a":' * depth + "1" + "}" * depth
        m = list(re.finditer(r'"hook"\s*:\s*"[^"]*"', text))
        if m:
            hit = rng.choice(m)
            return text[: hit.end()] + ', "config": ' + deep + text[hit.end():] if rng.random() < 0.5 else text[: hit.end()] + ', "deep": ' + deep + text[hit.end():]
        p = text.find("{")
        if p >= 0:
            return text[: p + 1] + '"deep": ' + deep + "," + text[p + 1 :]
    if choice == 3:  # duplicate keys
        m = list(re.finditer(r'\n(\s*"[^"]+"\s*:[^\n]*)', text))
        if m:
            hit = rng.choice(m)
            return text[: hit.end()] + "\n" + hit.group(1).rstrip(",") + "," + text[hit.end():]
    if choice == 4:  # trailing comma, comments, BOM
        p = rng.randrange(len(text) + 1)
        return text[:p] + rng.choice([",", "// c\n", "/* c */", "\ufeff", "\x00", "\x01", "'", "}", "]"]) + text[p:]
    if choice == 5:  # a hook list of another type
        m = list(re.finditer(r'"hooks"\s*:\s*', text))
        if m:
            hit = rng.choice(m)
            return text[: hit.end()] + rng.choice(['null, "x":', '{}, "x":', '"x", "y":', "1, \"z\":"]) + text[hit.end():]
    if choice == 6:  # YAML's view: the document re-written as YAML, or as JSON of one line
        try:
            return json.dumps(json.loads(text))
        except Exception:
            return text
    if choice == 7:  # a control character in a string
        pos = [m.start() + 1 for m in re.finditer(r'"', text)]
        if pos:
            p = rng.choice(pos)
            return text[:p] + rng.choice(["\x01", "\t", "\n", "\x7f", "é", "\u2028"]) + text[p:]
    if choice == 8:  # a character deleted
        if text:
            p = rng.randrange(len(text))
            return text[:p] + text[p + 1 :]
    return mutate_json(rng, mutate_json(rng, text, corpus), corpus) if rng.random() < 0.3 else text + rng.choice(["", "\n{}", " x", "\n\n"])


# ---------------------------------------------------------------------------------------------
# Minimising: delta debugging over tokens (templates) or lines then characters (files), each
# round's candidates judged in one batch.


def ddmin(parts, still_fails, budget):
    """Smallest sub-list of `parts` (by removing chunks) for which still_fails(list of candidate
    lists) -> index of the first failing candidate or None. At most `budget` candidates."""
    n = 2
    spent = 0
    while len(parts) >= 2 and spent < budget:
        size = math.ceil(len(parts) / n)
        candidates = []
        for start in range(0, len(parts), size):
            candidates.append(parts[:start] + parts[start + size :])
        candidates = candidates[: max(1, budget - spent)]
        spent += len(candidates)
        hit = still_fails(candidates)
        if hit is not None:
            parts = candidates[hit]
            n = max(n - 1, 2)
        else:
            if n >= len(parts):
                break
            n = min(len(parts), n * 2)
    return parts


def shrink_repeats(text, still_fails):
    """Deep inputs: halves long runs of one repeated unit while the disagreement stays."""
    for _ in range(20):
        m = max(
            (m for m in re.finditer(r"((.{1,8}?)\2{15,})", text, re.S)),
            key=lambda m: len(m.group(1)),
            default=None,
        )
        if not m:
            return text
        unit = m.group(2)
        count = len(m.group(1)) // len(unit)
        candidates = []
        for keep in [count // 2, count * 3 // 4]:
            candidates.append(text[: m.start()] + unit * keep + text[m.end():])
        hit = still_fails(candidates)
        if hit is None:
            return text
        text = candidates[hit]
    return text


def shrink_json(text, still_fails, budget):
    """JSON files: removes members and items of the document (written back in its style, one
    line or indented) while the disagreement stays; raw-text bugs (1e400, surrogates) keep
    their text, since a rewritten candidate loses them and is not taken."""
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return text
    indent = 2 if "\n" in text.strip() else None

    def dump(d):
        out = json.dumps(d, indent=indent, ensure_ascii=True)
        # Numbers too large for a float come back as they were written.
        out = re.sub(r"(?<![\w\"])(-?)Infinity(?![\w\"])", r"\g<1>1e400", out)
        return out + ("\n" if text.endswith("\n") else "")

    def removals(d):
        """Every document with one member or item fewer, shallow ones first."""
        queue = [((), d)]
        found = []
        while queue and len(found) < 40:
            path, node = queue.pop(0)
            children = list(node.items()) if isinstance(node, dict) else list(enumerate(node)) if isinstance(node, list) else []
            for k, v in children:
                found.append(path + (k,))
                queue.append((path + (k,), v))
        for path in found:
            copy = json.loads(json.dumps(d))
            node = copy
            for k in path[:-1]:
                node = node[k]
            del node[path[-1]]
            yield copy

    spent = 0
    current = dump(doc)
    if still_fails([current]) is None:
        return text
    while spent < budget:
        candidates = [dump(c) for c in removals(doc)]
        if not candidates:
            break
        spent += len(candidates)
        hit = still_fails(candidates)
        if hit is None:
            break
        current = candidates[hit]
        doc = json.loads(current)
    return current


# ---------------------------------------------------------------------------------------------
# The runs.


class Runner:
    def __init__(self, args):
        self.args = args
        self.bin = Path(args.bin_dir)
        self.body_cmd = [str(self.bin / "body_verdicts")]
        self.config_cmd = [str(self.bin / "config_verdicts")]
        self.go_cmd = [sys.executable, str(Path(__file__).resolve()), "--go-worker"]
        self.work = Path(tempfile.mkdtemp(prefix="ory-actions-fuzz-"))
        self.counter = 0
        self.go = Pool(self.go_cmd, args.timeout, args.jobs)
        self.body = Pool(self.body_cmd, args.timeout, args.jobs)
        self.config = Pool(self.config_cmd, args.timeout, args.jobs)

    def stop(self):
        for pool in [self.go, self.body, self.config]:
            pool.stop()

    # templates
    def template_verdicts(self, sources):
        lines = [json.dumps(s, ensure_ascii=True) for s in sources]
        both = {}

        def go():
            both["go"] = self.go.map(lines)

        def ours():
            both["ours"] = self.body.map(lines)

        threads = [threading.Thread(target=go), threading.Thread(target=ours)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return list(zip(both["go"], both["ours"]))

    def judge_templates(self, sources):
        return [classify_template(s, g, o) for s, (g, o) in zip(sources, self.template_verdicts(sources))]

    def minimise_template(self, source, key):
        budget = self.args.min_budget if key[0] != "ours-hang" else 6

        def still(cands):
            texts = ["".join(c) if isinstance(c, list) else c for c in cands]
            for i, v in enumerate(self.judge_templates(texts)):
                if v == key:
                    return i
            return None

        if key[0] != "ours-hang":
            source = shrink_repeats(source, still)
        toks = [t for t in tokens(source)]
        toks = ddmin(toks, still, budget)
        source = "".join(toks)
        chars = ddmin(list(source), still, budget // 2) if len(source) < 400 else list(source)
        return "".join(chars)

    # files
    def write_case(self, text, is_json):
        self.counter += 1
        path = self.work / f"case{self.counter}.{'json' if is_json else 'yaml'}"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        return path

    def file_verdicts(self, cases):
        paths = [str(self.write_case(t, j)) for t, j in cases]
        answers = self.config.map(paths)
        for p in paths:
            for q in [p, str(Path(p).with_name("apply-copy-" + Path(p).name))]:
                try:
                    os.remove(q)
                except OSError:
                    pass
        return answers

    def judge_files(self, cases):
        answers = self.file_verdicts(cases)
        return [classify_file(t, j, a, self.pointers) for (t, j), a in zip(cases, answers)]

    def baseline_pointers(self):
        """The hook lists explain shows: every Kratos list of core::scope (the `saml` lists are
        Ory Network's; they are checked for their shape only)."""
        self.pointers = KRATOS_LISTS + SAML_LISTS

    def minimise_file(self, text, is_json, key):
        budget = self.args.min_budget if key[0] != "ours-hang" else 6

        def still(cands):
            texts = ["".join(c) if isinstance(c, list) else c for c in cands]
            for i, v in enumerate(self.judge_files([(t, is_json) for t in texts])):
                if v == key:
                    return i
            return None

        if key[0] != "ours-hang":
            text = shrink_repeats(text, still)
            if is_json:
                text = shrink_json(text, still, budget)
        lines = [l + "\n" for l in text.split("\n")]
        lines[-1] = lines[-1][:-1]
        lines = ddmin(lines, still, budget)
        text = "".join(lines)
        if len(text) < 300:
            text = "".join(ddmin(list(text), still, budget // 2))
        return text


def slug(key):
    s = re.sub(r"[^a-z0-9]+", "-", " ".join(str(k) for k in key).lower()).strip("-")[:60]
    return s + "-" + hashlib.sha1(repr(key).encode("utf-8", "surrogatepass")).hexdigest()[:6]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="about a minute on 2 cores")
    parser.add_argument("--templates", type=int, default=None, help="template cases")
    parser.add_argument("--files", type=int, default=None, help="configuration file cases")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=None, help="seconds per case (10; 5 with --quick)")
    parser.add_argument("--min-budget", type=int, default=None, help="candidates per minimisation")
    parser.add_argument("--out", default=str(ROOT / "fuzz/out"))
    parser.add_argument("--bin-dir", default=str(ROOT / "target/debug/examples"))
    parser.add_argument("--corpus", action="append", default=[], help="another folder of seed files")
    parser.add_argument("--promote", action="store_true",
                        help="turn the findings in --out into regression test cases, and stop")
    parser.add_argument("--go-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--oracle-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.go_worker:
        go_worker()
        return 0
    if args.oracle_worker:
        oracle_worker()
        return 0
    if args.promote:
        return big_stack(promote, args.out, args.bin_dir)
    if args.timeout is None:
        args.timeout = 5.0 if args.quick else 10.0
    if args.quick:
        args.templates = 2500 if args.templates is None else args.templates
        args.files = 120 if args.files is None else args.files
        args.min_budget = 60 if args.min_budget is None else args.min_budget
    args.templates = 20000 if args.templates is None else args.templates
    args.files = 2000 if args.files is None else args.files
    args.min_budget = 300 if args.min_budget is None else args.min_budget
    seed = args.seed if args.seed is not None else int(time.time()) % 1_000_000
    rng = random.Random(seed)
    started = time.monotonic()
    check_yaml_12()
    out = Path(args.out)
    runner = Runner(args)
    print(f"differential: seed {seed}; go-jsonnet {gojsonnet_version()}, ruamel.yaml {ruamel_version()}", flush=True)

    findings = {}  # key -> dict
    declared_counts = {}
    undeclared_total = {"templates": 0, "files": 0}
    # Templates.
    corpus = template_corpus()
    cases = list(corpus) + [mutate_template(rng, rng.choice(corpus), corpus)
                            for _ in range(max(0, args.templates - len(corpus)))]
    cases = cases[: args.templates] if args.templates >= len(corpus) else cases[: args.templates]
    t0 = time.monotonic()
    verdicts = runner.template_verdicts(cases)
    template_keys = {}
    for source, (go, ours) in zip(cases, verdicts):
        key = classify_template(source, go, ours)
        if key is None:
            continue
        if key[0] == "declared":
            declared_counts[key[1]] = declared_counts.get(key[1], 0) + 1
            continue
        undeclared_total["templates"] += 1
        template_keys.setdefault(key, []).append((source, go, ours))
    print(f"templates: {len(cases)} cases in {time.monotonic() - t0:.1f}s, "
          f"{undeclared_total['templates']} disagreements of {len(template_keys)} kinds", flush=True)
    for key, examples in sorted(template_keys.items()):
        source = min(examples, key=lambda e: len(e[0]))[0]
        raw = out / "raw" / f"template-{slug(key)}.jsonnet"
        raw.parent.mkdir(parents=True, exist_ok=True)
        raw.write_text(source, encoding="utf-8", errors="surrogatepass")
        print(f"  minimising template {' / '.join(str(k) for k in key)} (x{len(examples)}; raw: {raw})", flush=True)
        small = runner.minimise_template(source, key)
        (go, ours), = runner.template_verdicts([small])
        findings[("template",) + key] = {"kind": "template", "key": list(key), "count": len(examples),
                                         "source": small, "gojsonnet": go, "ours": ours}
    # Files.
    t1 = time.monotonic()
    runner.baseline_pointers()
    fcorpus = file_corpus(args.corpus)
    fcases = list(fcorpus)
    for _ in range(max(0, args.files - len(fcorpus))):
        is_json, text = rng.choice(fcorpus)
        mutated = mutate_json(rng, text, fcorpus) if is_json else mutate_yaml(rng, text, fcorpus)
        fcases.append((is_json, mutated))
    fcases = fcases[: args.files]
    judged = runner.judge_files([(t, j) for j, t in fcases])
    file_keys = {}
    for (is_json, text), key in zip(fcases, judged):
        if key is None:
            continue
        if key[0] == "declared":
            declared_counts[key[1]] = declared_counts.get(key[1], 0) + 1
            continue
        undeclared_total["files"] += 1
        file_keys.setdefault((key, is_json), []).append(text)
    print(f"files: {len(fcases)} cases in {time.monotonic() - t1:.1f}s, "
          f"{undeclared_total['files']} disagreements of {len(file_keys)} kinds", flush=True)
    for (key, is_json), texts in sorted(file_keys.items(), key=lambda kv: repr(kv[0])):
        text = min(texts, key=len)
        raw = out / "raw" / f"file-{slug(key)}.{'json' if is_json else 'yaml'}"
        raw.parent.mkdir(parents=True, exist_ok=True)
        raw.write_text(text, encoding="utf-8", errors="surrogatepass")
        print(f"  minimising file {' / '.join(str(k) for k in key)} (x{len(texts)}; raw: {raw})", flush=True)
        small = runner.minimise_file(text, is_json, key)
        answer = runner.file_verdicts([(small, is_json)])[0]
        verdict = oracle(small, is_json)
        findings[("file",) + key + (is_json,)] = {
            "kind": "file", "key": list(key), "count": len(texts), "json": is_json, "text": small,
            "oracle": verdict[0] if verdict[0] != "accept" else "accept",
            "oracle_reason": verdict[1] if verdict[0] != "accept" else None,
            "ours": {c: answer.get(c) for c in ["plan", "explain", "export", "apply"]} if not answer.get("_fail") else answer,
        }
    # Output.
    if findings:
        (out / "templates").mkdir(parents=True, exist_ok=True)
        (out / "files").mkdir(parents=True, exist_ok=True)
    for key, f in findings.items():
        name = slug(key[1:])
        if f["kind"] == "template":
            (out / "templates" / f"{name}.json").write_text(
                json.dumps(f, indent=1, ensure_ascii=True) + "\n", encoding="utf-8")
        else:
            ext = "json" if f["json"] else "yaml"
            (out / "files" / f"{name}.{ext}").write_text(f["text"], encoding="utf-8", errors="surrogatepass")
            meta = dict(f)
            meta["file"] = f"{name}.{ext}"
            (out / "files" / f"{name}.meta.json").write_text(
                json.dumps(meta, indent=1, ensure_ascii=True) + "\n", encoding="utf-8")
    for key, f in sorted(findings.items(), key=lambda kv: repr(kv[0])):
        shown = f.get("source", f.get("text"))
        print(f"  {f['kind']} {' / '.join(str(k) for k in f['key'])} (x{f['count']}): {json.dumps(shown[:160], ensure_ascii=True)}"
              + (" ..." if len(shown) > 160 else ""))
    if declared_counts:
        print("declared (allowed) differences: " + ", ".join(f"{k} {v}" for k, v in sorted(declared_counts.items())))
    runner.stop()
    if _oracle_worker is not None:
        _oracle_worker.stop()
    shutil.rmtree(runner.work, ignore_errors=True)
    elapsed = time.monotonic() - started
    total_cases = len(cases) + len(fcases)
    failed = undeclared_total["templates"] + undeclared_total["files"]
    print(f"templates: {len(cases)} cases, {undeclared_total['templates']} disagreements "
          f"({len(template_keys)} distinct); files: {len(fcases)} cases, "
          f"{undeclared_total['files']} disagreements ({len(file_keys)} distinct); {elapsed:.0f}s; seed {seed}")
    if findings:
        print(f"minimised disagreements written to {out}")
    print(f"differential: {total_cases - failed} passed, {failed} failed")
    return 1 if failed else 0


def ours_on(path, bin_dir):
    """What the command line makes of the file at `path` (config_verdicts), or None when the
    program is not built or gives no answer."""
    program = Path(bin_dir) / "config_verdicts"
    if not program.exists():
        return None
    with tempfile.TemporaryDirectory(prefix="ory-actions-promote-") as work:
        copy = Path(work) / path.name
        shutil.copyfile(path, copy)
        try:
            done = subprocess.run([str(program), str(copy)], capture_output=True, timeout=60)
        except subprocess.TimeoutExpired:
            return None
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        try:
            return json.loads(line)
        except ValueError:
            continue
    return None


def promote(out, bin_dir):
    """Turns the minimised findings in `out` into regression cases: templates into
    core/tests/fuzz_regressions/templates.json (go-jsonnet's verdict as the expected value),
    files into tests/fuzz_regressions/ with the parser's verdict in expected.json. A valid file
    the command line refuses for one of the declared limits (LIMITS; the verdict programs must
    be built, as fuzz/run does) gets that limit's fragment as `refusal`: the test then requires
    every command to refuse it with that fragment. Cases of the same name are replaced."""
    out = Path(out)
    tpath = ROOT / "core/tests/fuzz_regressions/templates.json"
    templates = json.loads(tpath.read_text(encoding="utf-8")) if tpath.exists() else []
    by_name = {t["name"]: t for t in templates}
    for f in sorted((out / "templates").glob("*.json")):
        finding = json.loads(f.read_text(encoding="utf-8"))
        go = go_verdict(finding["source"])
        case = {"name": f.stem, "found": " / ".join(finding["key"]), "source": finding["source"],
                "verdict": go["verdict"], "line": go.get("line"), "column": go.get("column"),
                "gojsonnet": go.get("message")}
        by_name[f.stem] = case
    tpath.parent.mkdir(parents=True, exist_ok=True)
    tpath.write_text(json.dumps(sorted(by_name.values(), key=lambda c: c["name"]), indent=1,
                                ensure_ascii=True) + "\n", encoding="utf-8")
    fdir = ROOT / "tests/fuzz_regressions"
    epath = fdir / "expected.json"
    files = json.loads(epath.read_text(encoding="utf-8")) if epath.exists() else []
    by_file = {c["file"]: c for c in files}
    for meta_path in sorted((out / "files").glob("*.meta.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        text = (out / "files" / meta["file"]).read_text(encoding="utf-8", errors="surrogatepass")
        verdict = oracle(text, meta["json"])
        case = {"file": meta["file"], "json": meta["json"], "found": " / ".join(str(k) for k in meta["key"]),
                "oracle": verdict[0], "reason": verdict[1] if verdict[0] != "accept" else None}
        if verdict[0] == "accept":
            problem, oddity, lists = kratos_view(verdict[1], KRATOS_LISTS + SAML_LISTS)
            case["refusal_allowed"] = bool(problem or oddity)
            case["lists"] = {k: [list(e) for e in v] for k, v in lists.items() if k in KRATOS_LISTS}
            ours = ours_on(out / "files" / meta["file"], bin_dir)
            limit = ours and declared_limit(text, meta["json"], verdict[1], ours)
            if limit:
                case["refusal"] = LIMITS[limit][1]
        fdir.mkdir(parents=True, exist_ok=True)
        (fdir / meta["file"]).write_text(text, encoding="utf-8", errors="surrogatepass")
        by_file[meta["file"]] = case
    epath.write_text(json.dumps(sorted(by_file.values(), key=lambda c: c["file"]), indent=1,
                                ensure_ascii=True) + "\n", encoding="utf-8")
    print(f"{len(by_name)} template cases in {tpath.relative_to(ROOT)}, "
          f"{len(by_file)} file cases in {epath.relative_to(ROOT)}")
    return 0


def gojsonnet_version():
    try:
        from importlib.metadata import version

        return version("gojsonnet")
    except Exception:
        return "?"


def ruamel_version():
    try:
        from importlib.metadata import version

        return version("ruamel.yaml")
    except Exception:
        return "?"


if __name__ == "__main__":
    if "--go-worker" in sys.argv:
        sys.exit(main())
    # Deep documents are walked recursively (the YAML parser too): a large stack, and a
    # recursion limit it can hold.
    threading.stack_size(1024 * 1024 * 1024)
    sys.setrecursionlimit(400_000)
    status = []
    runner_thread = threading.Thread(target=lambda: status.append(main()))
    runner_thread.start()
    runner_thread.join()
    threading.stack_size(0)
    sys.exit(status[0] if status else 2)
