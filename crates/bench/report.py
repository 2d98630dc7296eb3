#!/usr/bin/env python3
"""Merge a peer-bench run with its raw-floor runs and print the ratios against the targets.

    python3 report.py MAIN.jsonl [FLOOR.jsonl [FLOOR_VALUE.jsonl]] --out MERGED.jsonl

MAIN is the harness's run (js, python, rust); FLOOR the same harness run with
`RUST_CMD="peer-bench --raw"`, FLOOR_VALUE with `--raw=value`.  Their records are relabelled
`floor` / `floor+Value` (field `harness_sdk`) so that the harness's table.py shows them as
columns of one table; their meta lines become `floor_start` / `floor_end` (table.py ignores
them).  Prints the ratio table (markdown) on stdout.
"""
import argparse
import json


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def index(recs):
    out = {}
    for r in recs:
        if r.get("sdk") not in ("meta", "nginx"):
            out[(r.get("harness_sdk") or r.get("sdk"), r.get("scenario"))] = r
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("main")
    ap.add_argument("floors", nargs="*")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    merged = load(a.main)
    for path, label in zip(a.floors, ["floor", "floor+Value"]):
        for r in load(path):
            if r.get("sdk") == "nginx":
                continue
            if r.get("sdk") == "meta":
                r["scenario"] = "floor_" + r["scenario"]
            else:
                r["harness_sdk"] = label
            merged.append(r)
    with open(a.out, "w") as f:
        for r in merged:
            f.write(json.dumps(r) + "\n")

    ix = index(merged)

    def get(sdk, scn, field):
        r = ix.get((sdk, scn))
        if not r or r.get("failed") or r.get(field) is None:
            return None
        return float(r[field])

    def ratio(x, y):
        return None if x is None or y in (None, 0) else x / y

    rows = [
        # label, value, target text, passes(value)
        ("seq calls/s: rust / js", ratio(get("rust", "seq", "calls_per_s"), get("js", "seq", "calls_per_s")), ">= 10", lambda v: v >= 10),
        ("seq calls/s: rust / floor", ratio(get("rust", "seq", "calls_per_s"), get("floor", "seq", "calls_per_s")), ">= 0.7", lambda v: v >= 0.7),
        ("seq CPU s per 1000 calls: rust / js", ratio(get("rust", "seq", "cpu_s_per_1k"), get("js", "seq", "cpu_s_per_1k")), "<= 0.1", lambda v: v <= 0.1),
        ("conc calls/s (64 in flight): rust / js", ratio(get("rust", "conc", "calls_per_s"), get("js", "conc", "calls_per_s")), ">= 10", lambda v: v >= 10),
        ("conc calls/s: rust / floor", ratio(get("rust", "conc", "calls_per_s"), get("floor", "conc", "calls_per_s")), "(info)", None),
        ("conc CPU s per 1000 calls: rust / js", ratio(get("rust", "conc", "cpu_s_per_1k"), get("js", "conc", "cpu_s_per_1k")), "(info)", None),
        ("big s per call: js / rust (speed-up)", ratio(get("js", "big", "mean_s"), get("rust", "big", "mean_s")), ">= 4", lambda v: v >= 4),
        ("big peak RSS (VmHWM): rust / js", ratio(get("rust", "big", "peak_rss_mb"), get("js", "big", "peak_rss_mb")), "<= 0.333", lambda v: v <= 1 / 3),
        ("big peak RSS (time -v): rust / js", ratio(get("rust", "big", "ext_max_rss_mb"), get("js", "big", "ext_max_rss_mb")), "<= 0.333", lambda v: v <= 1 / 3),
        ("big s per call: rust / floor (no parsing)", ratio(get("rust", "big", "mean_s"), get("floor", "big", "mean_s")), "(info)", None),
        ("big s per call: rust typed / floor+Value (untyped)", ratio(get("rust", "big", "mean_s"), get("floor+Value", "big", "mean_s")), "(info)", None),
    ]
    print("| ratio (same run) | value | target | met |")
    print("| --- | ---: | --- | --- |")
    for label, v, target, ok in rows:
        if v is None:
            print(f"| {label} | - | {target} | - |")
            continue
        met = "" if ok is None else ("yes" if ok(v) else "**no**")
        print(f"| {label} | {v:.2f} | {target} | {met} |")
    errs = [(k, r.get("errors")) for k, r in ix.items() if r.get("errors") or r.get("failed") or r.get("rc")]
    for k, e in errs:
        print(f"\nWARNING: {k[0]} {k[1]}: errors={e}")


if __name__ == "__main__":
    main()
