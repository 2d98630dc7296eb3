#!/usr/bin/env python3
"""Writes the seed corpus of the `models` and `json_value` fuzz targets (fuzz/corpus/) from real
answers of the simulator (crates/simulator, logged in as its default user): one file per
response type of the SDK's default API groups, `Type\\nbody` (`Type[]` for an array of the
model), with the body the simulator answers the first GET operation that returns that type.
Response types no GET operation returns get `{}` (or `[{}]`); so do bodies over 16 KiB (a seed
corpus should be small; libFuzzer mutates what is there). A few mid-sized bodies also seed
`json_value`.

    python3 fuzz/make-seeds.py [path/to/purecloud-simulator]

Without a path it runs `cargo run -p purecloud-simulator`. Only needed when the spec or the
default features change; the seeds are committed. The other targets' seeds are hand-written.
"""

import base64
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = os.path.join(ROOT, "spec", "platform-api-v2.json")
OUT_MODELS = os.path.join(ROOT, "fuzz", "corpus", "models")
OUT_JSON = os.path.join(ROOT, "fuzz", "corpus", "json_value")
MAX_BODY = 16 * 1024
# The simulator's default user (crates/simulator/src/config.rs, DEFAULT_USER_ID).
SIM_USER_ID = "6f0d1c3e-2b7a-4e55-9a1f-3c5d7e9b1a20"
# json_value gets a few of the bodies: mid-sized ones, by type name.
JSON_SEEDS = 8


def default_groups():
    """The SDK's default features that are API groups, as spec tags (`users` -> `Users`)."""
    text = open(os.path.join(ROOT, "crates", "sdk", "Cargo.toml")).read()
    default = re.search(r'^default = \[(.*)\]$', text, re.M).group(1)
    features = [f.strip().strip('"') for f in default.split(",")]
    return {f for f in features if f not in ("reqwest", "rustls")}


def tag_feature(tag):
    return re.sub(r"[^a-z0-9]+", "-", tag.lower()).strip("-")


def response_type(schema):
    """The name the `models` target knows a 200 schema by, or None when it has no body."""
    if schema is None:
        return "()"
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[1]
    t = schema.get("type")
    if t == "array":
        inner = response_type(schema.get("items", {}))
        return inner + "[]" if inner not in (None, "()") else "Value[]"
    if t == "string":
        return "String"
    if t == "integer":
        return "i64"
    if t == "object" and "additionalProperties" in schema:
        return "BTreeMap<String,Value>"
    return "Value"


def query(op):
    """A query string with the required parameters (sample values) and `pageSize=1` (small
    listings make small seeds)."""
    q = []
    for p in op.get("parameters", []):
        if p.get("in") != "query":
            continue
        if p["name"] == "pageSize":
            q.append("pageSize=1")
        elif p.get("required"):
            if p.get("enum"):
                v = p["enum"][0]
            else:
                v = {"integer": "1", "number": "1", "boolean": "true"}.get(p.get("type"), "seed1")
                if p.get("format") == "date-time":
                    v = "2024-05-01T12:00:00.000Z"
                elif p.get("format") == "date":
                    v = "2024-05-01"
            q.append(p["name"] + "=" + urllib.parse.quote(str(v)))
    return "?" + "&".join(q) if q else ""


def main():
    spec = json.load(open(SPEC))
    groups = default_groups()
    wanted = {}  # type -> first GET path (or None)
    for path, ops in sorted(spec["paths"].items()):
        for method, op in ops.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            if not {tag_feature(t) for t in op.get("tags", [])} & groups:
                continue
            # The SDK's response type: the schema of the lowest 2xx answer (crates/codegen).
            codes = sorted(c for c in op.get("responses", {}) if c.startswith("2"))
            ok = op["responses"][codes[0]] if codes else {}
            ty = response_type(ok.get("schema"))
            if method == "get" and wanted.get(ty) is None:
                wanted[ty] = path + query(op)
            else:
                wanted.setdefault(ty, None)

    sim = sys.argv[1] if len(sys.argv) > 1 else None
    cmd = [sim] if sim else ["cargo", "run", "--quiet", "-p", "purecloud-simulator", "--"]
    port = 19000 + os.getpid() % 1000
    proc = subprocess.Popen(cmd + ["--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        token = None
        for _ in range(600):
            try:
                req = urllib.request.Request(
                    base + "/oauth/token",
                    data=b"grant_type=password&username=sim.user%40example.com"
                    b"&password=sim-password",
                    headers={
                        "Authorization": "Basic "
                        + base64.b64encode(b"sim-client-id:sim-client-secret").decode()
                    },
                )
                token = json.load(urllib.request.urlopen(req))["access_token"]
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        if token is None:
            sys.exit("the simulator did not start")
        os.makedirs(OUT_MODELS, exist_ok=True)
        os.makedirs(OUT_JSON, exist_ok=True)
        written = json_seeds = 0
        for ty, path in sorted(wanted.items()):
            body = None
            if path is not None:
                url = base + re.sub(r"\{[^}]+\}", "seed1", path.replace("{userId}", SIM_USER_ID))
                req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
                try:
                    body = urllib.request.urlopen(req).read()
                except urllib.error.HTTPError as e:
                    print(f"{ty}: GET {path} answered {e.code}; seeding {{}}", file=sys.stderr)
            if body is not None and len(body) > MAX_BODY:
                print(f"{ty}: {len(body)} bytes from GET {path}; seeding {{}}", file=sys.stderr)
                body = None
            if body is None:
                body = b"[{}]" if ty.endswith("[]") else b"{}" if ty != "()" else b""
                path = None
            name = re.sub(r"[^A-Za-z0-9]+", "_", ty).strip("_") or "unit"  # `()`: no body
            if ty.endswith("[]"):
                name += "_array"
            with open(os.path.join(OUT_MODELS, name), "wb") as f:
                f.write(ty.encode() + b"\n" + body)
            if path is not None and 500 <= len(body) <= 6000 and json_seeds < JSON_SEEDS:
                json_seeds += 1
                with open(os.path.join(OUT_JSON, "sim_" + name + ".json"), "wb") as f:
                    f.write(body)
            written += 1
        print(f"{written} seeds of {len(wanted)} response types", file=sys.stderr)
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
