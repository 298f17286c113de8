"""The labeled data keel's trainers read, and the held-out rule they share.

Every source is cut into fit rows and dev rows by a hash of each row's id
(FNV-1a 64, 15% dev; docs/evasion.md): dev rows are never fitted, and every
choice a trainer makes (epochs, cuts, blends, bands) is made on them.
../shared/data/tweeteval-offensive-val.jsonl is gathered for reporting only.

Used by train_first_stage.py, train_reader.py and fit_stages.py; numpy is
the only dependency.
"""
import hashlib, json, os, subprocess, sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SOURCES = [
    ("tweeteval", "../shared/data/tweeteval-offensive-train.jsonl"),
    ("convabuse", "../shared/data/extra/convabuse-train.jsonl"),
    ("toxichat", "../shared/data/extra/toxichat-train.jsonl"),
    ("toxigen", "../shared/data/extra/toxigen-demos.jsonl"),
    ("support", "tests/fixtures/support-messages.jsonl"),
]
REPORT_ONLY = ("tweeteval-val", "../shared/data/tweeteval-offensive-val.jsonl")


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def held_out(rid):
    return rid is not None and fnv1a64(str(rid).encode("utf-8")) % 100 < 15


def gather():
    """Every labeled message: (source, id, text, label, dev)."""
    rows = []
    for name, rel in SOURCES + [REPORT_ONLY]:
        path = os.path.join(ROOT, rel)
        if not os.path.exists(path):
            sys.exit(f"{rel}: not found")
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                r = json.loads(line)
                rid = r.get("id")
                rid = None if rid is None else (rid if isinstance(rid, str) else json.dumps(rid))
                rows.append({"src": name, "id": rid, "text": r["text"], "label": int(r["label"] == 1),
                             "dev": held_out(rid)})
    return rows


def digest(paths, extra):
    """SHA-256 of `extra` and of every file under `paths` (names and bytes, in order)."""
    h = hashlib.sha256(extra)
    for p in paths:
        files = [p] if os.path.isfile(p) else sorted(os.path.join(d, f) for d, _, fs in os.walk(p) for f in fs)
        for q in files:
            h.update(os.path.relpath(q, ROOT).encode()); h.update(open(q, "rb").read())
    return h.hexdigest()[:16]


def run_normalizer(rows, cache_dir, normalizer, flags, inputs, prefix, extra=b""):
    """normalize_jsonl with `flags` over every row's text, cached by the hash of the
    messages, `extra` and the files under `inputs`: one parsed JSON object per row."""
    payload = "".join(json.dumps({"text": r["text"]}, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
    key = digest([os.path.join(ROOT, p) for p in inputs], payload + extra)
    os.makedirs(cache_dir, exist_ok=True)
    cached = os.path.join(cache_dir, f"{prefix}-{key}.jsonl")
    if not os.path.exists(cached):
        cmd = [normalizer] if normalizer else \
            ["cargo", "run", "--quiet", "--release", "--example", "normalize_jsonl", "--"]
        cmd += flags
        print(f"reading {len(rows)} messages ({' '.join(cmd)}) ...", file=sys.stderr)
        out = subprocess.run(cmd, input=payload, capture_output=True, check=True, cwd=ROOT).stdout
        with open(cached + ".tmp", "wb") as f:
            f.write(out)
        os.replace(cached + ".tmp", cached)
    with open(cached, encoding="utf-8") as f:
        got = [json.loads(l) for l in f]
    assert len(got) == len(rows), "normalize_jsonl skipped a line"
    return got


def macro_f1(y, pred):
    f = []
    for cls in (1, 0):
        tp = np.sum((pred == cls) & (y == cls)); fp = np.sum((pred == cls) & (y != cls))
        fn = np.sum((pred != cls) & (y == cls))
        p = tp / (tp + fp) if tp + fp else 0.0; r = tp / (tp + fn) if tp + fn else 0.0
        f.append(2 * p * r / (p + r) if p + r else 0.0)
    return sum(f) / 2
