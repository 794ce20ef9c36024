#!/usr/bin/env python3
"""Evaluates every case of cases.json with go-jsonnet (the engine Kratos runs) against the
context stored for it in contexts.json, the way Kratos does (the context as the top-level
argument `ctx`), and writes what Kratos would do into gojsonnet.json. tests/payloads.rs
compares ory-actions' payloads with that file.

    pip install gojsonnet==0.22.0
    ORY_ACTIONS_WRITE_CONTEXTS=1 cargo test --test payloads   # writes contexts.json
    python3 tests/payloads/gojsonnet.py                       # writes gojsonnet.json
"""
import json
import os
import re

import _gojsonnet

here = os.path.dirname(os.path.abspath(__file__))
cases = json.load(open(os.path.join(here, "cases.json")))
contexts = json.load(open(os.path.join(here, "contexts.json")))
results = {}
for case in cases:
    name = case["name"]
    try:
        text = _gojsonnet.evaluate_snippet(
            "body.jsonnet", case["template"], tla_codes={"ctx": json.dumps(contexts[name])}
        )
    except RuntimeError as error:
        message = str(error)
        if case["encoding"] == "json" and "RUNTIME ERROR: cancel" in message:
            results[name] = {"cancelled": True}
            continue
        first = message.splitlines()[0]
        place = re.search(r"body\.jsonnet:(\d+):(\d+)", message)
        results[name] = {
            "error": first,
            "line": int(place.group(1)) if place else None,
            "column": int(place.group(2)) if place else None,
        }
        continue
    payload = json.loads(text)
    if case["encoding"] == "form":
        # Kratos unmarshals a form body into map[string]string.
        if not isinstance(payload, dict) or not all(isinstance(v, str) for v in payload.values()):
            results[name] = {"error": "not a flat object of strings", "line": None, "column": None}
            continue
    results[name] = {"payload": payload}
with open(os.path.join(here, "gojsonnet.json"), "w") as out:
    json.dump(results, out, indent=2, ensure_ascii=False, sort_keys=True)
    out.write("\n")
print(f"{len(results)} cases written to gojsonnet.json")
