#!/usr/bin/env bash
# keel's golden outputs: what `keel replay`, `keel explain` and `keel check`
# print on fixed inputs, recorded once and compared after a change that must
# not change behaviour (a refactor, a dependency bump).
#
#   bash tools/golden.sh record    # (re)writes tests/golden/*.out
#   bash tools/golden.sh check     # compares; exit 1 and a diff on any change
#
# Inputs:
#   - keel replay on examples/*.jsonl, tests/fixtures/support-conversations.jsonl
#     and tests/fixtures/relapse.jsonl, with the context reader (bundled
#     bot.toml) and with phrases alone ([context] enabled = false);
#   - keel replay on a generated 100,000-message transcript, phrases alone
#     (kept as a SHA-256: the output is about 40 MB);
#   - keel explain on the 50 messages of tests/golden/explain-inputs.txt,
#     with the reader and with phrases alone;
#   - keel check on the bundled files and on broken copies of them.
#
# With the reader's base model missing (tools/fetch-model.sh), the reader's
# outputs are skipped with a note. Uses the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-check}"
case "$mode" in record|check) ;; *) echo "usage: $0 record|check" >&2; exit 2 ;; esac

cargo build --release --quiet --bin keel --example gen_transcript
keel="$PWD/target/release/keel"
golden="$PWD/tests/golden"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A copy of the bundled configuration with the reader off.
phrases_only="$work/phrases-only"
mkdir -p "$phrases_only"
cp -r phrases "$phrases_only/phrases"
# Only the [context] section's switch: choices, boundaries and follow-ups stay on.
awk '/^\[/ { section = $0 } section == "[context]" && $0 == "enabled = true" { $0 = "enabled = false" } { print }' \
  bot.toml > "$phrases_only/bot.toml"
[ "$(diff bot.toml "$phrases_only/bot.toml" | grep -c '^>')" = 1 ]

have_reader=1
[ -f models/all-MiniLM-L6-v2/model.safetensors ] || have_reader=0

out="$work/out"
mkdir -p "$out"
# Diagnostics name files by path: print them relative to the repository.
relative() { sed -e "s#$PWD/##g" -e "s#$work/##g"; }

for input in examples/calm.jsonl examples/escalating.jsonl tests/fixtures/support-conversations.jsonl tests/fixtures/relapse.jsonl; do
  name="$(basename "$input" .jsonl)"
  "$keel" replay --config "$phrases_only/bot.toml" "$input" > "$out/replay-$name.phrases.out" 2>/dev/null
  if [ "$have_reader" = 1 ]; then
    "$keel" replay --config bot.toml "$input" > "$out/replay-$name.reader.out" 2>/dev/null
  fi
done

cargo run --release --quiet --example gen_transcript -- 100000 > "$work/big.jsonl"
"$keel" replay --config "$phrases_only/bot.toml" "$work/big.jsonl" 2>/dev/null | sha256sum | cut -d' ' -f1 > "$out/replay-100k.phrases.sha256"

while IFS= read -r line; do
  printf '>>> %s\n' "$line"
  "$keel" explain --config "$phrases_only/bot.toml" "$line" 2>&1 | relative
done < "$golden/explain-inputs.txt" > "$out/explain.phrases.out"
if [ "$have_reader" = 1 ]; then
  while IFS= read -r line; do
    printf '>>> %s\n' "$line"
    "$keel" explain --config bot.toml "$line" 2>&1 | relative
  done < "$golden/explain-inputs.txt" > "$out/explain.reader.out"
fi

# keel check: the bundled files, then broken copies of them (one fault each).
check() { # name, then a command that breaks a fresh copy in $1
  local name="$1" dir="$work/check-$1"
  shift
  rm -rf "$dir"; mkdir -p "$dir"
  cp -r phrases "$dir/phrases"; cp bot.toml "$dir/bot.toml"
  (cd "$dir" && eval "$*")
  { "$keel" check --config "$dir/bot.toml" 2>&1 || echo "(exit $?)"; } | relative | sed -e "s#check-$name/##g"
}
{
  echo "=== bundled"; check bundled true
  echo "=== negative timeout"; check timeout "sed -i 's/^timeout_secs = 600/timeout_secs = -5/' bot.toml"
  echo "=== unknown level"; check level "sed -i '0,/^at = \"tense\"/s//at = \"angry\"/' bot.toml"
  echo "=== tense above heated"; check order "sed -i 's/^tense_at = .*/tense_at = 7/' bot.toml"
  echo "=== lexicon typo"; check typo "sed -i '0,/^name = \"threat\"/s//name = \"threat/' phrases/lexicon.toml"
  echo "=== bad regex"; check regex "printf '\n[[phrase]]\ncategory = \"insult\"\npattern = \"(unclosed\"\n' >> phrases/lexicon.toml"
  echo "=== weight out of range"; check weight "sed -i '0,/^weight = 0.6 /s//weight = 7 /' phrases/lexicon.toml"
  echo "=== missing phrases dir"; check nophrases "rm -rf phrases"
  echo "=== heated below tense"; check cross "sed -i 's/^heated_at = .*/heated_at = 0.2/' bot.toml"
  echo "=== bad script step"; check step "sed -i '0,/^steps = \\[/s//steps = [\"Hi {nme}\", /' phrases/scripts.toml"
  echo "=== required reader missing"; check required "sed -i 's/^required = false/required = true/; s#^model_dir = .*#model_dir = \"nowhere\"#' bot.toml"
  echo "=== missing config file"; { "$keel" check --config "$work/nowhere/bot.toml" 2>&1 || echo "(exit $?)"; } | relative
} > "$out/check.out"

if [ "$mode" = record ]; then
  cp "$out"/* "$golden/"
  echo "recorded $(ls "$out" | wc -l) golden files in tests/golden/"
  [ "$have_reader" = 1 ] || echo "note: the reader's base model is missing; its outputs were not recorded" >&2
  exit 0
fi

status=0
for f in "$out"/*; do
  name="$(basename "$f")"
  if [ ! -f "$golden/$name" ]; then
    echo "missing golden file tests/golden/$name (run: bash tools/golden.sh record)"; status=1
  elif ! cmp -s "$f" "$golden/$name"; then
    echo "CHANGED: tests/golden/$name"; { diff "$golden/$name" "$f" || true; } | head -20; status=1
  fi
done
for g in "$golden"/*.out "$golden"/*.sha256; do
  name="$(basename "$g")"
  case "$name" in *.reader.out) [ "$have_reader" = 1 ] || { echo "skipped (no reader model): $name"; continue; } ;; esac
  [ -f "$out/$name" ] || { echo "not produced: $name"; status=1; }
done
[ "$status" = 0 ] && echo "golden outputs: all $(ls "$out" | wc -l) identical"
exit "$status"
