#!/usr/bin/env python3
"""Trains keel's forecaster: the chance that a conversation turns abusive
within the next few messages (issue 14; src/core/forecast/).

    python3 tools/train_forecaster.py            # from the repository root

Needs numpy and scipy, and a release build of keel (cargo build --release).
Deterministic: the same data, phrase pack and reader give the same file.

What it reads, each cut into fit and held-out conversations by the id-hash
rule of keel_data (15% held out; held-out conversations are never fitted
and never used to choose anything):
  oss        ../shared/data/extra/oss-derailment-train.jsonl (GitHub threads,
             cut before their first toxic comment)
  convabuse  ../shared/data/extra/convabuse-train.jsonl  }  prefix -> "is the
  toxichat   ../shared/data/extra/toxichat-train.jsonl   }  next turn offensive?"
  support    tests/fixtures/support-conversations.jsonl (cut before the
             first hostile message)

keel itself computes every judged message's forecast features
(`keel eval --conversations --features`, the reader as bot.toml ships it),
so training and run time cannot drift apart. Each judged message of the
channel's conversation is one example: positive when the conversation turns
within the next HORIZON messages. Every conversation weighs the same
whatever its length (derailed threads are longer: without this the model
would learn length), and a large source weighs at most as much as the OSS
threads. An L2-regularised logistic regression is fitted
(L-BFGS); the regularisation and the heads-up level are chosen by 5-fold
cross-validation over the fit conversations (folds by id hash): the
regularisation by the OSS threads' conversation-level ROC-AUC, the level as
the lowest whose false alarms on civil OSS threads stay at most
FALSE_ALARM_CAP (a nudge that cries wolf teaches moderators to ignore keel).

Writes models/keel-forecaster.toml (built into keel; src/config/forecast.rs).
"""
import argparse, json, os, subprocess, sys, tempfile

import numpy as np
import scipy.optimize

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keel_data import ROOT, fnv1a64, held_out  # noqa: E402

FEATURES = ["last", "mean", "peak", "rise", "frustration", "opener", "question", "civility", "shouting",
            "team_share", "after_team", "calm_after_team"]
HORIZON = 3
FALSE_ALARM_CAP = 0.15
LAMBDAS = [0.1, 1.0, 10.0, 30.0, 100.0]
FOLDS = 5
TEAM_AUTHORS = {"agent"}  # convabuse's bot, the one being abused: the "team"


def oss():
    for line in open(os.path.join(ROOT, "../shared/data/extra/oss-derailment-train.jsonl"), encoding="utf-8"):
        if line.strip():
            r = json.loads(line)
            yield {"id": r["id"], "label": r["label"], "derail_index": r.get("derail_index"),
                   "messages": [{"author": m["author"], "text": m["text"],
                                 "author_association": m.get("author_association")} for m in r["messages"]]}


def prefixes(rel):
    """Message rows with context: the context, then the row's message as the turn forecast."""
    for line in open(os.path.join(ROOT, rel), encoding="utf-8"):
        if not line.strip():
            continue
        r = json.loads(line)
        ctx = r.get("context") or []
        if not ctx:
            continue
        msgs = [{"author": m["author"], "text": m["text"],
                 "role": "staff" if m["author"] in TEAM_AUTHORS else "customer"} for m in ctx]
        msgs.append({"author": "next", "text": r["text"], "role": "customer"})
        yield {"id": r["id"], "label": int(r["label"] == 1), "derail_index": len(ctx), "messages": msgs}


def support():
    convs = {}
    for line in open(os.path.join(ROOT, "tests/fixtures/support-conversations.jsonl"), encoding="utf-8"):
        if line.strip():
            r = json.loads(line)
            convs.setdefault(r["channel"], []).append(r)
    for channel, rows in convs.items():
        turns = rows[0].get("conversation_label") == "derails"
        first = next((i for i, r in enumerate(rows) if r["id"] == rows[0].get("first_hostile")), None)
        yield {"id": channel, "label": int(turns), "derail_index": first if turns else None,
               "messages": [{"author": r["author"], "text": r["text"], "role": r.get("role", "customer")} for r in rows]}


SOURCES = [("oss", oss), ("convabuse", lambda: prefixes("../shared/data/extra/convabuse-train.jsonl")),
           ("toxichat", lambda: prefixes("../shared/data/extra/toxichat-train.jsonl")), ("support", support)]


def features(convs, keel, config, tmp, name):
    path = os.path.join(tmp, f"{name}.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for c in convs:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    cmd = [keel, "eval", "--conversations", "--features", "--config", config, path]
    out = subprocess.run(cmd, capture_output=True, check=True, text=True, cwd=ROOT).stdout
    steps = {}
    for line in out.splitlines():
        s = json.loads(line)
        steps.setdefault(s["conversation"], []).append(s)
    return steps


def examples(convs, steps):
    """X (channel features), y, weight, conversation index per judged message."""
    X, y, w, g = [], [], [], []
    for k, c in enumerate(convs):
        ss = steps.get(c["id"], [])
        for s in ss:
            X.append(s["channel"])
            y.append(int(c["label"] == 1 and len(ss) - s["step"] <= HORIZON))
            w.append(1.0 / len(ss))
            g.append(k)
    return np.array(X, dtype=np.float64).reshape(-1, len(FEATURES)), np.array(y), np.array(w), np.array(g)


def fit(X, y, w, lam):
    def f(theta):
        z = X @ theta[1:] + theta[0]
        p = 1 / (1 + np.exp(-z))
        eps = 1e-12
        loss = -np.sum(w * (y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))) + 0.5 * lam * theta[1:] @ theta[1:]
        grad_z = w * (p - y)
        return loss, np.r_[grad_z.sum(), X.T @ grad_z + lam * theta[1:]]
    res = scipy.optimize.minimize(f, np.zeros(X.shape[1] + 1), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return res.x


def peaks(theta, X, g, n):
    """Each conversation's highest forecast (rounded as keel stores features: f32)."""
    p = 1 / (1 + np.exp(-(X @ theta[1:] + theta[0])))
    out = np.zeros(n)
    np.maximum.at(out, g, p)
    return out


def auc(pos, neg):
    if len(pos) == 0 or len(neg) == 0:
        return 0.5
    wins = sum((p > neg).sum() + 0.5 * (p == neg).sum() for p in pos)
    return wins / (len(pos) * len(neg))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--keel", default=os.path.join(ROOT, "target/release/keel"))
    ap.add_argument("--config", default=os.path.join(ROOT, "bot.toml"))
    ap.add_argument("--out", default=os.path.join(ROOT, "models/keel-forecaster.toml"))
    args = ap.parse_args()

    data = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in SOURCES:
            convs = [c for c in make() if not held_out(c["id"])]
            steps = features(convs, args.keel, args.config, tmp, name)
            data[name] = (convs, steps)
            print(f"{name}: {len(convs)} fit conversations ({sum(c['label'] for c in convs)} turn), "
                  f"{sum(len(s) for s in steps.values())} judged messages", file=sys.stderr)

    parts = {name: examples(convs, steps) for name, (convs, steps) in data.items()}
    fold_of = {name: np.array([fnv1a64(("fold:" + c["id"]).encode()) % FOLDS for c in convs])
               for name, (convs, _) in data.items()}

    def stack(select):
        Xs, ys, ws = [], [], []
        for name, (X, y, w, g) in parts.items():
            keep = select(name, fold_of[name][g])
            # A large source weighs at most as much as the OSS threads, the task
            # forecast; a small one keeps one conversation's worth per conversation.
            scale = min(1.0, len(data["oss"][0]) / max(1, len(data[name][0])))
            Xs.append(X[keep]); ys.append(y[keep]); ws.append(w[keep] * scale)
        return np.vstack(Xs), np.concatenate(ys), np.concatenate(ws)

    X_oss, _, _, g_oss = parts["oss"]
    convs_oss = data["oss"][0]
    turns = np.array([c["label"] == 1 for c in convs_oss])
    nudged = np.array([any(s["nudged"] for s in data["oss"][1].get(c["id"], [])) for c in convs_oss])
    cv = {}
    for lam in LAMBDAS:
        peak = np.zeros(len(convs_oss))
        for k in range(FOLDS):
            theta = fit(*stack(lambda n, f: f != k), lam)
            in_fold = fold_of["oss"] == k
            peak[in_fold] = peaks(theta, X_oss, g_oss, len(convs_oss))[in_fold]
        cv[lam] = (auc(peak[turns], peak[~turns]), peak)
        print(f"l2 {lam:g}: cross-validated OSS ROC-AUC {cv[lam][0]:.3f}", file=sys.stderr)
    lam = max(LAMBDAS, key=lambda l: (round(cv[l][0], 3), -l))
    peak = cv[lam][1]
    level = None
    for cut in np.round(np.arange(0.05, 0.96, 0.01), 2):
        warned = nudged | (peak >= cut)
        if warned[~turns].mean() <= FALSE_ALARM_CAP:
            level = float(cut)
            break
    level = level or 0.95
    warned = nudged | (peak >= level)
    print(f"chosen: l2 {lam:g}, level {level:.2f}: cross-validated recall {warned[turns].mean():.3f}, "
          f"false alarms {warned[~turns].mean():.3f}", file=sys.stderr)

    theta = fit(*stack(lambda n, f: np.ones_like(f, dtype=bool)), lam)
    lines = [
        "# keel's forecaster (issue 14): written by tools/train_forecaster.py; do not edit by hand.",
        "# forecast = sigmoid(bias + sum of weight * feature); features: src/core/forecast/state.rs.",
        f"bias = {theta[0]:.6f}",
        f"level = {level:.2f}",
        "",
        "[weights]",
    ] + [f"{n} = {v:.6f}" for n, v in zip(FEATURES, theta[1:])] + [
        "",
        "[trained]",
        f"sources = {json.dumps([n for n, _ in SOURCES])}",
        f"fit_conversations = {sum(len(c) for c, _ in data.values())}",
        f"horizon = {HORIZON}",
        f"l2 = {lam:g}",
        f"cv_oss_roc_auc = {cv[lam][0]:.4f}",
        f"cv_oss_recall = {warned[turns].mean():.4f}",
        f"cv_oss_false_alarms = {warned[~turns].mean():.4f}",
    ]
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
