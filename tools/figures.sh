#!/usr/bin/env bash
# Measures keel and writes docs/figures.md: the one place the figures quoted
# by README.md and docs/performance.md live, with the date, the commit and
# the machine they were measured on. Re-run it instead of editing numbers by
# hand.
#
#   bash tools/figures.sh                  # everything: about 15 minutes on 2 cores
#                                          # after the release build
#   FIGURES_SKIP=live,store,train bash tools/figures.sh   # leave parts out
#   FIGURES_OUT=/tmp/f.md bash tools/figures.sh           # write elsewhere
#
# Parts (names for FIGURES_SKIP): judgment (support set and conversations),
# val and train (TweetEval, only when ../shared/data or $KEEL_DATA has them),
# heldout (the held-out 15% of extra/convabuse and extra/toxichat, by id
# hash: `keel eval --split held-out`), evasion (`keel eval --perturb` on
# TweetEval val, extra/convabuse and tests/fixtures/benign-symbols.jsonl,
# and the look-alike suite tests/fixtures/lookalikes.jsonl),
# analyze, tracker, reader (benches), store, live (benches), replay (1,000,000
# and 100,000 generated messages, phrases alone), replay-reader (5,000
# messages with the context reader). The context reader's parts need its
# base model (bash tools/fetch-model.sh); without it they are reported as
# not measured. Criterion benches run with short measurement times: the
# figures are for orders of magnitude and ratios on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${FIGURES_OUT:-docs/figures.md}"
data="${KEEL_DATA:-../shared/data}"
skip=",${FIGURES_SKIP:-},"
raw="$(mktemp -d)"
trap 'rm -rf "$raw"' EXIT
keel=target/release/keel

step() { echo "== $*" >&2; }
wanted() { [[ "$skip" != *",$1,"* ]]; }
timed() { # timed NAME CMD...: wall seconds and peak RSS of CMD into $raw/NAME.time
    local name="$1"
    shift
    /usr/bin/time -f "%e s %M KiB" -o "$raw/$name.time" "$@"
}

{
    date -u '+%Y-%m-%d %H:%M UTC'
    echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    awk '/MemTotal/ {printf "%.1f GB of memory\n", $2 / 1048576}' /proc/meminfo
    echo "$(uname -sr), $(rustc --version)"
    echo "commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src benches examples Cargo.toml phrases bot.toml models || echo ' (with uncommitted changes)')"
    cut -d' ' -f1-3 /proc/loadavg
} > "$raw/machine"

step "release build (keel, gen_transcript, benches)"
start=$(date +%s)
cargo build --release --quiet --bin keel --example gen_transcript --benches
echo $(($(date +%s) - start)) > "$raw/build-seconds"
stat -c %s "$keel" > "$raw/binary-bytes"
du -sb target | cut -f1 > "$raw/target-bytes"
du -sb target/release | cut -f1 > "$raw/target-release-bytes"

# The bundled configuration with only the reader switched off.
mkdir "$raw/phrases-only"
ln -s "$PWD/phrases" "$raw/phrases-only/phrases"
sed '/^\[context\]/,/^\[/ s/^enabled = true$/enabled = false/' bot.toml > "$raw/phrases-only/bot.toml"
grep -q '^enabled = false' "$raw/phrases-only/bot.toml" || { echo "bot.toml: no [context] enabled = true to switch off" >&2; exit 1; }
phrases_only="$raw/phrases-only/bot.toml"
if "$keel" check --config bot.toml | grep -q "context reader on"; then reader=1; else reader=0; fi
echo "$reader" > "$raw/reader"

if wanted judgment; then
    step "judgment: the support set and conversations"
    "$keel" eval --config bot.toml --phrases-only tests/fixtures/support-messages.jsonl > "$raw/support-phrases.eval"
    [ "$reader" = 1 ] && "$keel" eval --config bot.toml tests/fixtures/support-messages.jsonl > "$raw/support-reader.eval"
    python3 tools/judge_support.py --keel "$keel" > "$raw/judge.txt"
fi
for split in val train; do
    file="$data/tweeteval-offensive-$split.jsonl"
    if wanted "$split" && [ -f "$file" ]; then
        step "judgment: TweetEval $split"
        "$keel" eval --config bot.toml --phrases-only "$file" > "$raw/$split-phrases.eval"
        [ "$reader" = 1 ] && "$keel" eval --config bot.toml "$file" > "$raw/$split-reader.eval"
    fi
done

for set in convabuse toxichat; do
    file="$data/extra/$set-train.jsonl"
    if wanted heldout && [ -f "$file" ]; then
        step "judgment: the held-out 15% of $set"
        "$keel" eval --config bot.toml --split held-out --phrases-only "$file" > "$raw/$set-phrases.eval"
        [ "$reader" = 1 ] && "$keel" eval --config bot.toml --split held-out "$file" > "$raw/$set-reader.eval"
    fi
done
if wanted evasion; then
    step "judgment: the evasion suite and the look-alike suite"
    for file in "$data/tweeteval-offensive-val.jsonl" "$data/extra/convabuse-train.jsonl" tests/fixtures/benign-symbols.jsonl; do
        [ -f "$file" ] || continue
        name="$(basename "$file" .jsonl)"
        "$keel" eval --config bot.toml --perturb --phrases-only --json "$file" > "$raw/perturb-$name-phrases.json"
        [ "$reader" = 1 ] && "$keel" eval --config bot.toml --perturb --json "$file" > "$raw/perturb-$name-reader.json"
    done
    if [ -f tests/fixtures/lookalikes.jsonl ]; then
        "$keel" eval --config bot.toml --phrases-only tests/fixtures/lookalikes.jsonl > "$raw/lookalikes-phrases.eval"
        [ "$reader" = 1 ] && "$keel" eval --config bot.toml tests/fixtures/lookalikes.jsonl > "$raw/lookalikes-reader.eval"
    fi
fi

short=(--warm-up-time 1 --measurement-time 2)
if wanted analyze; then
    step "cargo bench --bench analyze"
    cargo bench --quiet --bench analyze -- "${short[@]}" > "$raw/analyze.txt" 2>&1
fi
if wanted tracker; then
    step "cargo bench --bench tracker"
    cargo bench --quiet --bench tracker -- "${short[@]}" > "$raw/tracker.txt" 2>&1
fi
if wanted reader && [ "$reader" = 1 ]; then
    step "cargo bench --bench reader"
    cargo bench --quiet --bench reader -- --warm-up-time 1 --measurement-time 5 > "$raw/reader.txt" 2>&1
fi
if wanted store; then
    step "cargo bench --bench store"
    cargo bench --quiet --bench store > "$raw/store.txt" 2>&1
fi
if wanted live; then
    step "cargo bench --bench live"
    cargo bench --quiet --bench live > "$raw/live.txt" 2>&1
fi

gen() { ./target/release/examples/gen_transcript "$1" > "$2"; }
if wanted replay; then
    step "keel replay: 1,000,000 and 100,000 generated messages, phrases alone"
    gen 1000000 "$raw/t1m.jsonl"
    gen 100000 "$raw/t100k.jsonl"
    stat -c %s "$raw/t1m.jsonl" > "$raw/t1m.bytes"
    timed replay-1m "$keel" replay --config "$phrases_only" "$raw/t1m.jsonl" > /dev/null
    timed replay-100k "$keel" replay --config "$phrases_only" "$raw/t100k.jsonl" > /dev/null
    rm -f "$raw/t1m.jsonl" "$raw/t100k.jsonl"
fi
if wanted replay-reader && [ "$reader" = 1 ]; then
    step "keel replay: 5,000 generated messages with the context reader"
    gen 5000 "$raw/t5k.jsonl"
    timed replay-5k-reader "$keel" replay --config bot.toml "$raw/t5k.jsonl" > /dev/null
    timed replay-5k-phrases "$keel" replay --config "$phrases_only" "$raw/t5k.jsonl" > /dev/null
fi
cut -d' ' -f1-3 /proc/loadavg > "$raw/loadavg-end"

step "writing $out"
python3 - "$raw" > "$out.part" <<'PY'
import json, os, re, sys

raw = sys.argv[1]


def read(name):
    path = os.path.join(raw, name)
    return open(path, encoding="utf-8").read() if os.path.exists(path) else None


def find(text, pattern, group=1):
    m = re.search(pattern, text or "", re.M)
    return m.group(group) if m else None


NOT = "not measured"
machine = read("machine").splitlines()
reader = read("reader").strip() == "1"
why_reader = "not measured (the reader's base model is missing: bash tools/fetch-model.sh)"


def eval_row(name, label, command):
    t = read(name)
    if t is None:
        return None
    n = find(t, r"^messages: (\d+)")
    tp, fp, tn, fn = (find(t, r"^tp (\d+)  fp (\d+)  tn (\d+)  fn (\d+)", g) for g in (1, 2, 3, 4))
    p = find(t, r"^offensive:\s+precision ([0-9.]+)")
    r = find(t, r"^offensive:\s+precision [0-9.]+  recall ([0-9.]+)")
    f1 = find(t, r"^macro-F1: ([0-9.]+)")
    alarms = "%s of %d" % (fp, int(fp) + int(tn))
    return "| %s | %s | %s | %s | **%s** | %s | `%s` |" % (label, n, p, r, f1, alarms, command)


def timing(name):
    t = read(name + ".time")
    if t is None:
        return None
    secs, kib = re.match(r"([0-9.]+) s (\d+) KiB", t).groups()
    return float(secs), int(kib) / 1024


lines = ["# keel's figures", ""]
lines += [
    "Generated by `bash tools/figures.sh`; do not edit by hand (re-run it). README.md and",
    "docs/performance.md quote these figures and link here.",
    "",
    "| measured | |",
    "|---|---|",
    "| date | %s |" % machine[0],
    "| machine | %s, %s |" % (machine[1], machine[2]),
    "| system | %s |" % machine[3],
    "| code | %s |" % machine[4],
    "| load average (1, 5, 15 min) | %s at the start, %s at the end (a shared machine: figures move by several percent between runs) |"
    % (machine[5], (read("loadavg-end") or "?").strip()),
    "| context reader | %s |" % ("on (models/all-MiniLM-L6-v2 present)" if reader else "off: base model missing"),
    "",
    "## Judgment",
    "",
    "Precision and recall of the offensive class and macro-F1 of keel's `hostile` flag, each",
    "message judged alone as a customer's (`keel eval`). False alarms: messages labeled not",
    "offensive that keel flags hostile.",
    "",
    "| labeled set | messages | precision | recall | macro-F1 | false alarms | command |",
    "|---|---|---|---|---|---|---|",
]
support = "tests/fixtures/support-messages.jsonl"
rows = [
    ("support-reader.eval", "support set, phrases and context reader", "keel eval %s" % support),
    ("support-phrases.eval", "support set, phrases alone", "keel eval --phrases-only %s" % support),
    ("val-reader.eval", "TweetEval val, phrases and context reader", "keel eval ../shared/data/tweeteval-offensive-val.jsonl"),
    ("val-phrases.eval", "TweetEval val, phrases alone", "keel eval --phrases-only ../shared/data/tweeteval-offensive-val.jsonl"),
    ("train-reader.eval", "TweetEval train (85% seen by the reader), phrases and reader", "keel eval ../shared/data/tweeteval-offensive-train.jsonl"),
    ("train-phrases.eval", "TweetEval train, phrases alone", "keel eval --phrases-only ../shared/data/tweeteval-offensive-train.jsonl"),
    ("convabuse-reader.eval", "convabuse held-out 15%, phrases and context reader", "keel eval --split held-out ../shared/data/extra/convabuse-train.jsonl"),
    ("convabuse-phrases.eval", "convabuse held-out 15%, phrases alone", "keel eval --split held-out --phrases-only ../shared/data/extra/convabuse-train.jsonl"),
    ("toxichat-reader.eval", "toxichat held-out 15%, phrases and context reader", "keel eval --split held-out ../shared/data/extra/toxichat-train.jsonl"),
    ("toxichat-phrases.eval", "toxichat held-out 15%, phrases alone", "keel eval --split held-out --phrases-only ../shared/data/extra/toxichat-train.jsonl"),
]
missing = []
for name, label, command in rows:
    row = eval_row(name, label, command)
    if row:
        lines.append(row)
    else:
        missing.append(label)
lines.append("")
if missing:
    lines += ["Not measured in this run: %s (TweetEval needs `../shared/data`, the reader its base model)." % "; ".join(missing), ""]
suites = [(n, m) for n in ("tweeteval-offensive-val", "convabuse-train", "benign-symbols") for m in ("phrases", "reader")]
suites = [(n, m, json.loads(read("perturb-%s-%s.json" % (n, m)))) for n, m in suites if read("perturb-%s-%s.json" % (n, m))]
if suites:
    families = [f["family"] for f in suites[0][2]["families"]]
    lines += [
        "Evasion suite (`keel eval --perturb`, seed 12, see docs/evasion.md): the share of clean recall kept when only",
        "the listed insults and profanities are rewritten, per family (target >= 0.95), and the false alarms that",
        "the rewriting adds (target: none).",
        "",
        "| file | judged by | rows with a listed word (caught clean) | %s | new false alarms |" % " | ".join(families),
        "|---|---|---|%s---|" % ("---|" * len(families)),
    ]
    for name, mode, s in suites:
        kept = ["%.3f" % f["retained"] if f["retained"] is not None else "-" for f in s["families"]]
        new = sum(f["new_false_alarms"] for f in s["families"])
        lines.append("| %s | %s | %d (%d) | %s | %d (false alarms clean: %d of %d) |" % (
            name, "phrases alone" if mode == "phrases" else "phrases and reader", s["offensive_listed"],
            s["caught_clean"], " | ".join(kept), new, s["false_alarms_clean"], s["negatives"]))
    lines.append("")
for mode, label in (("phrases", "phrases alone"), ("reader", "phrases and context reader")):
    t = read("lookalikes-%s.eval" % mode)
    if t:
        n = find(t, r"^messages: (\d+)")
        fp = find(t, r"^tp \d+  fp (\d+)")
        lines.append("Look-alike suite (`keel eval%s tests/fixtures/lookalikes.jsonl`), %s: %s of %s flagged hostile (target 0)." % (
            " --phrases-only" if mode == "phrases" else "", label, fp, n))
if read("lookalikes-phrases.eval"):
    lines.append("")

judge = read("judge.txt")
if judge:
    derail = find(judge, r"^derailing conversations with an action: (.*)$")
    civil = find(judge, r"^civil conversations with an action \(false alarms\): (.*)$")
    lines += [
        "Whole conversations (`python3 tools/judge_support.py`, `tests/fixtures/support-conversations.jsonl`,",
        "context reader %s): derailing conversations with a moderation action %s; civil conversations"
        % ("on" if reader else "off", derail),
        "with one (false alarms) %s." % civil,
        "",
    ]

lines += ["## Speed and memory", "", "Release build, `target/release/keel`.", "", "| what | figure | command |", "|---|---|---|"]


def row(what, figure, command):
    lines.append("| %s | %s | %s |" % (what, figure if figure else NOT, command))


a = read("analyze.txt")
d, b, slow = (find(a, r"^\s+%s\s+([0-9.]+)" % k) for k in ("default pack:", r"\+10,000 phrases:", "slowdown:"))
row("scoring (normalize, match, score), default pack, one core", d and "%s MB/s (target >= 50 MB/s; best of 5 x 200 passes)" % d, "`cargo bench --bench analyze`")
row("the same with 10,000 extra phrases", b and "%s MB/s: %sx slower (target <= 1.5x)" % (b, slow), "the same")
engine = find(a, r"^engine/process_into\s*time:.*\n\s*thrpt:\s*\[[0-9.]+\s+\S+\s+([0-9.]+)\s*(\w+)/s")
unit = find(a, r"^engine/process_into\s*time:.*\n\s*thrpt:\s*\[[0-9.]+\s+\S+\s+([0-9.]+)\s*(\w+)/s", 2)
if engine:
    scale = {"Kelem": 1e3, "Melem": 1e6, "elem": 1}[unit]
    engine = "{:,.0f} messages/s".format(float(engine) * scale)
row("full engine (scoring, tracking, decisions)", engine, "the same (`engine/process_into`)")
t = read("tracker.txt")
per = find(t, r"^\s+([0-9.]+) bytes/conversation")
flat = find(t, r"max / at-cap = ([0-9.]+)")
never = find(t, r"max len\(\) = \d+ \(cap \d+\): (never exceeded)")
row("tracker memory", per and "%s bytes per tracked conversation; 1,000,000 conversations through a cap of 100,000: cap %s, heap at most %sx its size at the cap" % (per, never, flat), "`cargo bench --bench tracker`")
big = timing("replay-1m")
size = read("t1m.bytes")
if big:
    row("`keel replay`, 1,000,000 generated messages (%.0f MB), phrases alone" % (int(size) / 1e6), "%.2f s wall (%s messages/s), %.1f MB peak RSS" % (big[0], "{:,.0f}".format(1e6 / big[0]), big[1]), "`gen_transcript -- 1000000`, `/usr/bin/time`")
else:
    row("`keel replay`, 1,000,000 generated messages, phrases alone", None, "")
small = timing("replay-100k")
row("`keel replay`, 100,000 messages, phrases alone", small and "%.2f s wall, %.1f MB peak RSS (the tracker still filling: memory does not grow with the input)" % small, "the same")
rd = read("reader.txt")
rate = find(rd, r"^reader/read\s*time:.*\n\s*thrpt:\s*\[[0-9.]+\s+\S+\s+([0-9.]+)\s+elem/s")
eng = re.search(r"engine, phrases alone: (\d+) messages/s; with the reader: (\d+) messages/s \((\d+) of (\d+) messages read", rd or "")
row("the context reader", rate and "%.0f messages/s read (%.1f ms per message)" % (float(rate), 1000 / float(rate)) if reader else why_reader, "`cargo bench --bench reader`")
row("the engine with the reader", eng and "{:,} messages/s; it reads {} of {} customer messages; phrases alone on the same messages {:,}/s".format(int(eng.group(2)), eng.group(3), eng.group(4), int(eng.group(1))) if reader else why_reader, "the same")
r5 = timing("replay-5k-reader")
p5 = timing("replay-5k-phrases")
row("`keel replay` with the context reader, 5,000 generated messages", r5 and "%.1f s wall (%.0f messages/s), %.0f MB peak RSS (the model in memory); phrases alone: %.2f s, %.0f MB" % (r5[0], 5000 / r5[0], r5[1], p5[0], p5[1]) if reader else why_reader, "`gen_transcript -- 5000`, `/usr/bin/time`")
s = read("store.txt")
ev = find(s, r"store/burst: .* = (\d+) events/s")
ns = find(s, r"callers spent (\d+) ns per send")
row("memory: a burst of 100,000 judged messages through the store's writer", ev and "{:,} events/s stored; callers spend {} ns per send on average".format(int(ev), ns), "`cargo bench --bench store`")
mb = find(s, r"= ([0-9.]+) MB per 10,000 cases \((\d+) B per case\)")
pc = find(s, r"= ([0-9.]+) MB per 10,000 cases \((\d+) B per case\)", 2)
op = find(s, r"took ([0-9.]+) ms; a report")
rp = find(s, r"cases ([0-9.]+) ms")
row("memory: database size", mb and "%s MB per 10,000 cases of 12 events (%s B per case); opening the file %s ms, a report over all of them %s ms" % (mb, pc, op, rp), "the same")
l = read("live.txt")
thr = find(l, r"throughput: (\d+) events/s")
p50 = find(l, r"bot receipt -> boundary reply: p50 ([0-9.]+) ms, p99 ([0-9.]+) ms")
p99 = find(l, r"bot receipt -> boundary reply: p50 ([0-9.]+) ms, p99 ([0-9.]+) ms", 2)
d50 = find(l, r"dispatch -> boundary reply .*: p50 ([0-9.]+) ms, p99 ([0-9.]+) ms")
d99 = find(l, r"dispatch -> boundary reply .*: p50 ([0-9.]+) ms, p99 ([0-9.]+) ms", 2)
rss = find(l, r"peak RSS .*: ([0-9.]+) MB")
row("live bot with its SQLite memory, 10,000 MESSAGE_CREATE through the fake Discord", thr and "{:,} events/s; event reaching the handler -> boundary reply p50 {} ms, p99 {} ms (target <= 20 ms); dispatch -> reply p50 {} ms, p99 {} ms; peak RSS of fake and bot {} MB".format(int(thr), p50, p99, d50, d99, rss), "`cargo bench --bench live`")
lines.append("")

mib = lambda name: int(read(name)) / 2**20
lines += [
    "## Building",
    "",
    "| what | figure |",
    "|---|---|",
    "| `target/release/keel` | %.0f MiB (release profile: `debug = \"line-tables-only\"`) |" % mib("binary-bytes"),
    "| `target/` after this run | %.1f GiB, of which `target/release/` %.1f GiB |" % (mib("target-bytes") / 1024, mib("target-release-bytes") / 1024),
    "| this run's release build | %s s (incremental: most of it was already built) |" % read("build-seconds").strip(),
    "",
    "A build from scratch was not timed by this script. Measured earlier on the same kind of",
    "machine (issue 11): about 12 minutes for `cargo build --release` on 2 cores, 1.7 GB of",
    "memory at its peak, and 13 GB in `target/` once the debug build, the tests and the",
    "release build are all there. The release binary was 237.8 MB (226.8 MiB) with `debug = 1`,",
    "before the release profile kept line tables only.",
    "",
    "## Raw output",
    "",
    "<details><summary>what the commands printed</summary>",
    "",
]
for name in ["support-reader.eval", "support-phrases.eval", "val-reader.eval", "val-phrases.eval", "train-reader.eval",
             "train-phrases.eval", "convabuse-reader.eval", "convabuse-phrases.eval", "toxichat-reader.eval",
             "toxichat-phrases.eval", "lookalikes-phrases.eval", "lookalikes-reader.eval", "judge.txt", "analyze.txt", "tracker.txt", "reader.txt", "store.txt", "live.txt",
             "replay-1m.time", "replay-100k.time", "replay-5k-reader.time", "replay-5k-phrases.time"]:
    t = read(name)
    if t is not None:
        keep = [x for x in t.splitlines() if x.strip() and not x.startswith(("Benchmarking", "Gnuplot", "Warning"))]
        lines += ["`%s`:" % name, "", "```text"] + keep + ["```", ""]
lines += ["</details>"]
print("\n".join(lines))
PY
mv "$out.part" "$out"
echo "$out written" >&2
