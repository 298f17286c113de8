#!/usr/bin/env python3
"""Fits how the first-stage reader's probability blends with the phrase score,
and the band inside which the transformer reads instead (issue 13), and writes
both into the first stage's file (layout version 2, docs/first-stage.md).

keel judges a message with a reader by a logistic blend (`core::context::Blend`):
`sigmoid(model * logit(p) + lexicon * phrase_score + bias)`, which may raise the
phrase verdict to hostile, never lower it. The transformer's blend is fitted with
its adapter; this script fits the first stage's `model` and `bias` with the
transformer's `lexicon` weight kept, so that in the two-stage reader a first-stage
reading can be mapped into the transformer's scale exactly
(`logit(p') = (m1 * logit(p1) + b1 - b) / m`, see `src/reader/staged.rs`), and
the band `[lo, hi]` of first-stage probabilities where the transformer reads
(at most 15% of dev messages).

Every choice is made on the dev rows of `tools/train_first_stage.py`'s split (id
hash, 15%), by keel's verdict's macro-F1 over all dev rows pooled (each message
counts once, so TweetEval's 1,751 dev rows weigh what they are); the mean of the
sources' macro-F1 is reported beside it. `../shared/data/tweeteval-offensive-val.jsonl`
is scored only after every choice is made, for the report.

    python3 tools/fit_stages.py [--normalizer target/release/examples/normalize_jsonl]

Needs numpy. The readings (`normalize_jsonl --reading --stages`) are cached in
`target/first-stage/` like the trainer's.
"""
import argparse
import json
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_first_stage as tfs  # noqa: E402

ROOT = tfs.ROOT
V1 = tfs.HEADER
V2_TAIL = struct.Struct("<fffff")  # blend model, blend lexicon, blend bias, band lo, band hi
READ_AT_MOST = 0.15


def stage_readings(rows, cache_dir, normalizer):
    inputs = ("phrases", "models/keel-reader.safetensors", "bot.toml", "src/core", "src/reader",
              "examples/normalize_jsonl.rs")
    # The first stage's blend fields do not change its probabilities: hash the file's weights only.
    weights = weights_of(os.path.join(ROOT, "models/keel-first-stage.bin"))
    got = tfs.run_normalizer(rows, cache_dir, normalizer, ["--reading", "--stages"], inputs, "stages", weights)
    for r, g in zip(rows, got):
        r.update({k: g[k] for k in ("phrases", "hostile", "reads", "phrase_score", "cooling_factor", "first",
                                     "reading", "blend", "threshold")})


def weights_of(path):
    data = open(path, "rb").read()
    return data[V1.size if data[8:12] == struct.pack("<I", 1) else V1.size + V2_TAIL.size:]


def logit(p):
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def verdicts(rows, p, model, lexicon, bias):
    """keel's verdict with a reader of probabilities `p` and that blend (Blend::apply)."""
    phrases = np.array([r["phrases"] for r in rows], dtype=bool)
    reads = np.array([r["reads"] for r in rows], dtype=bool)
    s = np.array([r["phrase_score"] for r in rows])
    cool = np.array([r["cooling_factor"] for r in rows])
    thr = rows[0]["threshold"]
    blended = 1 / (1 + np.exp(-(model * logit(p) + lexicon * s + bias))) * cool
    return (phrases | (reads & (blended >= thr) & (blended > s))).astype(int)


def scores(y, pred, groups):
    return tfs.macro_f1(y, pred), tfs.mean_f1(groups, y, pred)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="models/keel-first-stage.bin")
    ap.add_argument("--cache", default="target/first-stage")
    ap.add_argument("--normalizer", help="a built normalize_jsonl binary (default: cargo run --release --example)")
    args = ap.parse_args()
    os.chdir(ROOT)

    rows = tfs.gather()
    dev = [r for r in rows if r["dev"] and r["src"] != tfs.REPORT_ONLY[0]]
    val = [r for r in rows if r["src"] == tfs.REPORT_ONLY[0]]
    stage_readings(dev + val, os.path.join(ROOT, args.cache), args.normalizer)
    m2, lex, b2 = dev[0]["blend"]
    names = [s for s, _ in tfs.SOURCES]

    def prep(rs):
        y = np.array([r["label"] for r in rs])
        groups = {s: np.array([i for i, r in enumerate(rs) if r["src"] == s]) for s in names if
                  any(r["src"] == s for r in rs)}
        p1 = np.array([0.0 if r["first"] is None else r["first"] for r in rs])
        p2 = np.array([0.0 if r["reading"] is None else r["reading"] for r in rs])
        return y, groups, p1, p2

    yd, gd, p1d, p2d = prep(dev)
    # The first stage's blend: model weight and bias on a grid, lexicon kept.
    best = None
    for m1 in np.round(np.arange(0.2, 3.01, 0.1), 2):
        for b1 in np.round(np.arange(-6.0, 2.01, 0.1), 2):
            f = tfs.macro_f1(yd, verdicts(dev, p1d, m1, lex, b1))
            if best is None or f > best[0] + 1e-12:
                best = (f, float(m1), float(b1))
    _, m1, b1 = best
    b1 += 0.0  # no "-0.00" in the report

    def staged(rs, p1, p2, lo, hi):
        inside = (p1 >= lo) & (p1 <= hi) & np.array([r["reads"] for r in rs], dtype=bool)
        first = verdicts(rs, p1, m1, lex, b1)
        second = verdicts(rs, p2, m2, lex, b2)
        return np.where(inside, second, first), inside

    bands = []
    reads_d = np.array([r["reads"] for r in dev], dtype=bool)
    for lo in np.round(np.arange(0.02, 0.9, 0.02), 2):
        for hi in np.round(np.arange(lo + 0.02, 0.99, 0.02), 2):
            pred, inside = staged(dev, p1d, p2d, lo, hi)
            share = inside.sum() / len(dev)
            if share <= READ_AT_MOST:
                bands.append((tfs.macro_f1(yd, pred), -share, float(lo), float(hi)))
    _, _, lo, hi = max(bands)

    write_v2(args.model, (m1, lex, b1, lo, hi))

    # Reporting only from here.
    lines = [f"Dev rows {len(dev)} (the trainer's id-hash split), TweetEval val {len(val)} rows (reporting only).",
             f"Transformer blend (its adapter's): model {m2:.4f}, lexicon {lex:.4f}, bias {b2:.4f}.",
             f"First-stage blend chosen on dev (pooled macro-F1, lexicon kept): model {m1:.2f}, bias {b1:.2f}.",
             f"Band chosen on dev (best pooled macro-F1 reading at most {READ_AT_MOST:.0%} of dev messages): "
             f"[{lo:.2f}, {hi:.2f}].", "",
             "keel's verdict, macro-F1 (pooled over the rows / mean of the sources), and the share the transformer reads:",
             "", "| rows | phrases | + transformer | + first stage | + two-stage | transformer reads |",
             "|---|---:|---:|---:|---:|---:|"]
    for label, rs in (("dev, all sources", dev),) + tuple((f"dev, {s}", [r for r in dev if r["src"] == s])
                                                          for s in names) + (("TweetEval val", val),):
        y, g, p1, p2 = prep(rs)
        phr = np.array([r["phrases"] for r in rs]).astype(int)
        tr = np.array([r["hostile"] for r in rs]).astype(int)
        fs = verdicts(rs, p1, m1, lex, b1)
        st, inside = staged(rs, p1, p2, lo, hi)
        cell = lambda pred: "%.3f / %.3f" % scores(y, pred, g) if len(g) > 1 else "%.3f" % tfs.macro_f1(y, pred)
        lines.append(f"| {label} ({len(rs)}) | {cell(phr)} | {cell(tr)} | {cell(fs)} | {cell(st)} | "
                     f"{inside.sum() / len(rs):.1%} |")
    text = "\n".join(lines)
    print(text)
    write_doc(os.path.join(ROOT, "docs/first-stage.md"), text)


def write_v2(path, tail):
    data = open(path, "rb").read()
    head = list(V1.unpack(data[:V1.size]))
    weights = weights_of(path)
    head[1] = 2
    with open(path + ".tmp", "wb") as f:
        f.write(V1.pack(*head))
        f.write(V2_TAIL.pack(*tail))
        f.write(weights)
    os.replace(path + ".tmp", path)


def write_doc(path, text):
    begin, end = "<!-- stages: tools/fit_stages.py -->", "<!-- end of stages -->"
    doc = open(path, encoding="utf-8").read()
    block = f"{begin}\n{text}\n{end}"
    if begin in doc:
        doc = doc[:doc.index(begin)] + block + doc[doc.index(end) + len(end):]
    else:
        doc = doc.rstrip("\n") + "\n\n## The blend and the band\n\n" + block + "\n"
    with open(path, "w", encoding="utf-8") as f:
        f.write(doc)


if __name__ == "__main__":
    main()
