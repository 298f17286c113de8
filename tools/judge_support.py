#!/usr/bin/env python3
"""Measure keel's judgment on hand-written support-channel data.

Usage: tools/judge_support.py [--keel PATH] [--config FILE] [--messages FILE]
                              [--conversations FILE] [--show-errors]

Runs `keel replay` on two fixtures (standard library only):

- tests/fixtures/support-messages.jsonl: single messages with `label`
  (1 = offensive per the OLID convention, profanity included) and `kind`.
  Each message gets its own channel and author, so it is judged alone.
  Prints, per kind, how many were labeled offensive and how many keel flagged
  `hostile`, then precision, recall and macro-F1 of the `hostile` flag (the
  same definitions as `keel eval`), with and without the
  `profanity-at-situation` kind, whose label is a convention.
- tests/fixtures/support-conversations.jsonl: whole conversations in the
  replay format; the first message of each carries `conversation_label`
  ("civil" or "derails") and, for a derailing one, `first_hostile` (the id of
  its first hostile message). Each conversation runs in its own replay.
  Prints, for each conversation, the first moderation action (nudge, boundary,
  timeout, escalate) and how many messages in it came, relative to the first
  hostile message. An action in a civil conversation is a false alarm.
  `offer_choices` is reported separately: it is not a moderation action.

Paths default to this repository (the parent of tools/); keel runs with the
repository as working directory, so it reads ./bot.toml and ./phrases unless
--config says otherwise.
"""
import argparse
import json
import os
import subprocess
import sys
from collections import OrderedDict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODERATION = ("nudge_moderators", "boundary", "timeout", "escalate")
SITUATIONAL = "profanity-at-situation"


def read_jsonl(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as e:
                    sys.exit("%s:%d: %s" % (path, n, e))
    return rows


def replay(args, lines):
    """Runs `keel replay -` on `lines` (dicts); returns the output dicts by id."""
    cmd = [args.keel, "replay"]
    if args.config:
        cmd += ["--config", args.config]
    cmd.append("-")
    data = "".join(json.dumps(l, ensure_ascii=False) + "\n" for l in lines)
    try:
        p = subprocess.run(cmd, input=data.encode("utf-8"), capture_output=True, cwd=ROOT)
    except OSError as e:
        sys.exit("cannot run %s: %s (build it with `cargo build --release`, or pass --keel)" % (args.keel, e))
    if p.returncode != 0:
        sys.stderr.write(p.stderr.decode("utf-8", "replace"))
        sys.exit("%s exited with status %d" % (" ".join(cmd), p.returncode))
    out = {}
    for line in p.stdout.decode("utf-8").splitlines():
        if line.strip():
            o = json.loads(line)
            out[str(o["id"])] = o
    missing = [l["id"] for l in lines if l["id"] not in out]
    if missing:
        sys.exit("keel gave no output for %d lines, e.g. %s" % (len(missing), missing[0]))
    return out


def ratio(a, b):
    return a / b if b else 0.0


def f1(p, r):
    return 2 * p * r / (p + r) if p + r else 0.0


class Confusion:
    def __init__(self):
        self.tp = self.fp = self.tn = self.fn = 0

    def add(self, flagged, label):
        if flagged and label:
            self.tp += 1
        elif flagged:
            self.fp += 1
        elif label:
            self.fn += 1
        else:
            self.tn += 1

    def summary(self):
        p = ratio(self.tp, self.tp + self.fp)
        r = ratio(self.tp, self.tp + self.fn)
        f_off = f1(p, r)
        f_not = f1(ratio(self.tn, self.tn + self.fn), ratio(self.tn, self.tn + self.fp))
        return "tp %d  fp %d  tn %d  fn %d  precision %.3f  recall %.3f  F1(off) %.3f  F1(not) %.3f  macro-F1 %.3f" % (
            self.tp, self.fp, self.tn, self.fn, p, r, f_off, f_not, (f_off + f_not) / 2)


def oneline(text, width=90):
    t = text.replace("\n", "⏎ ")
    return t if len(t) <= width else t[: width - 1] + "…"


def signals(o):
    return ", ".join("%s:%s" % (s["category"], s["phrase"]) for s in o.get("signals", [])) or "-"


def judge_messages(args):
    rows = read_jsonl(args.messages)
    lines = [
        {"id": r["id"], "channel": "single-" + r["id"], "author": "author-" + r["id"], "role": "customer", "text": r["text"]}
        for r in rows
    ]
    out = replay(args, lines)
    kinds = OrderedDict()
    overall, without_situational = Confusion(), Confusion()
    errors = []
    for r in rows:
        o = out[r["id"]]
        label, flagged = r["label"] == 1, bool(o["hostile"])
        acted = any(a["kind"] in MODERATION for a in o.get("actions", []))
        k = kinds.setdefault(r["kind"], {"n": 0, "labeled": 0, "flagged": 0, "agree": 0, "acted": 0, "score": 0.0})
        k["n"] += 1
        k["labeled"] += label
        k["flagged"] += flagged
        k["agree"] += flagged == label
        k["acted"] += acted
        k["score"] += o["score"]
        overall.add(flagged, label)
        if r["kind"] != SITUATIONAL:
            without_situational.add(flagged, label)
        if flagged != label:
            errors.append((r, o))

    print("== single messages: %s (%d) ==" % (os.path.relpath(args.messages, ROOT), len(rows)))
    print("%-24s %4s %8s %8s %6s %6s %6s" % ("kind", "n", "label=1", "hostile", "agree", "acted", "score"))
    for name, k in kinds.items():
        print("%-24s %4d %8d %8d %6d %6d %6.2f" % (name, k["n"], k["labeled"], k["flagged"], k["agree"], k["acted"], k["score"] / k["n"]))
    print("(acted: the message alone, in a fresh conversation, got a nudge, boundary, timeout or escalation)")
    print("all:                    " + overall.summary())
    print("without %s: " % SITUATIONAL + without_situational.summary())
    if args.show_errors:
        for title, want in (("false alarms (label 0, hostile)", False), ("missed (label 1, not hostile)", True)):
            print("\n%s:" % title)
            for r, o in errors:
                if (r["label"] == 1) == want:
                    print("  %.2f  %-22s %-20s %s   [%s]" % (o["score"], r["id"], r["kind"], oneline(r["text"]), signals(o)))
    return overall


def judge_conversations(args):
    rows = read_jsonl(args.conversations)
    convs = OrderedDict()
    for r in rows:
        convs.setdefault(r["channel"], []).append(r)
    print("\n== conversations: %s (%d, %d messages) ==" % (os.path.relpath(args.conversations, ROOT), len(convs), len(rows)))
    print("%-32s %-8s %4s %7s %9s %6s %7s  %s" % ("conversation", "label", "msgs", "hostile", "1st act", "lag", "choices", "actions"))
    caught, lags, false_alarms, hard_alarms, n_derails, n_civil = 0, [], 0, 0, 0, 0
    staff_flagged = []
    traces = []
    for channel, msgs in convs.items():
        label = msgs[0].get("conversation_label", "?")
        out = replay(args, msgs)
        first_act, first_choice, kinds, hard = None, None, [], False
        for i, m in enumerate(msgs, 1):
            if m.get("role", "customer") != "customer" and out[m["id"]]["hostile"]:
                staff_flagged.append((m, out[m["id"]]))
            for a in out[m["id"]].get("actions", []):
                hard = hard or a["kind"] in ("boundary", "timeout", "escalate")
                kinds.append(a["kind"] if a["kind"] != "boundary" else "boundary%d" % a.get("tier", 0))
                if a["kind"] in MODERATION and first_act is None:
                    first_act = i
                if a["kind"] == "offer_choices" and first_choice is None:
                    first_choice = i
        hostile_at = None
        if msgs[0].get("first_hostile"):
            hostile_at = [m["id"] for m in msgs].index(msgs[0]["first_hostile"]) + 1
        lag = "-"
        if label == "derails":
            n_derails += 1
            if first_act is not None:
                caught += 1
                if hostile_at is not None:
                    lags.append(first_act - hostile_at)
                    lag = "%+d" % (first_act - hostile_at)
            ok = first_act is not None
        else:
            n_civil += 1
            false_alarms += first_act is not None
            hard_alarms += hard
            ok = first_act is None
        counted = OrderedDict()
        for k in kinds:
            counted[k] = counted.get(k, 0) + 1
        print("%-32s %-8s %4d %7s %9s %6s %7s  %s%s" % (
            channel, label, len(msgs), hostile_at or "-", first_act or "none", lag, first_choice or "-",
            " ".join("%s×%d" % kv for kv in counted.items()) or "-", "" if ok else "   <-- " + ("missed" if label == "derails" else "false alarm")))
        traces.append((channel, label, ok, msgs, out))
    print("(hostile: message number of the first hostile message; 1st act: first nudge/boundary/timeout/escalate;"
          " lag: messages from the first hostile one to the first action; choices: first offer_choices)")
    lag_text = ""
    if lags:
        s = sorted(lags)
        lag_text = ", lag after the first hostile message: median %+d, worst %+d" % (s[len(s) // 2], s[-1])
    print("derailing conversations with an action: %d/%d%s" % (caught, n_derails, lag_text))
    print("civil conversations with an action (false alarms): %d/%d, of which with a boundary, timeout or escalation: %d"
          % (false_alarms, n_civil, hard_alarms))
    print("staff or moderator messages flagged hostile: %d" % len(staff_flagged))
    for m, o in staff_flagged:
        print("  %.2f  %s  %s   [%s]" % (o["score"], m["id"], oneline(m["text"], 70), signals(o)))
    if args.show_errors:
        for channel, label, ok, msgs, out in traces:
            if ok and label != "derails":
                continue
            print("\n%s (%s%s):" % (channel, label, "" if ok else ", misjudged"))
            for i, m in enumerate(msgs, 1):
                o = out[m["id"]]
                acts = " ".join(a["kind"] + (str(a["tier"]) if a["kind"] == "boundary" else "") for a in o.get("actions", []))
                print("  %2d %-9s %.2f %-3s %-8s %-8s %-28s %s" % (
                    i, m.get("role", "customer"), o["score"], "H" if o["hostile"] else "", o["level"], o["channel_level"],
                    acts, oneline(m["text"], 70)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--keel", default=os.path.join(ROOT, "target", "release", "keel"), help="keel binary (default: target/release/keel)")
    ap.add_argument("--config", help="bot.toml to pass to keel (default: keel's own default)")
    ap.add_argument("--messages", default=os.path.join(ROOT, "tests", "fixtures", "support-messages.jsonl"))
    ap.add_argument("--conversations", default=os.path.join(ROOT, "tests", "fixtures", "support-conversations.jsonl"))
    ap.add_argument("--show-errors", action="store_true", help="list misjudged messages and trace derailing or misjudged conversations")
    args = ap.parse_args()
    args.keel = os.path.abspath(args.keel)
    if args.config:
        args.config = os.path.abspath(args.config)
    args.messages = os.path.abspath(args.messages)
    args.conversations = os.path.abspath(args.conversations)
    judge_messages(args)
    judge_conversations(args)


if __name__ == "__main__":
    main()
