#!/usr/bin/env python3
"""Set the weight of phrases in a keel phrase file, keeping its comments.

Usage: tools/set_weight.py [--keel CMD] [--no-check] FILE CATEGORY PHRASE=WEIGHT [PHRASE=WEIGHT ...]

  tools/set_weight.py phrases/lexicon.toml insult clown=0.7 "jerk=0.55"

A phrase listed in the category's `phrases = [...]` list is taken out of the
list and given its own `[[phrase]]` entry with the new weight, right after
the category; a phrase that already has a `[[phrase]]` entry gets its
`weight` replaced in place. Comments, order and blank lines are kept; only
the lines of the phrases named change.

A weight is a number from 0 to 1, or from -1 to 1 in a category of kind
"cue" (the range `keel check` accepts). Nothing is written unless every
PHRASE=WEIGHT is valid. After writing, `keel check` runs in the folder above
FILE's folder (where bot.toml normally sits); if it finds a problem the file
is put back as it was and the exit status is 1.

  --keel CMD   how to run keel (default: $KEEL, else `cargo run --quiet
               --manifest-path <this repo>/Cargo.toml --`)
  --no-check   write without running `keel check`
"""
import argparse
import math
import os
import re
import shlex
import subprocess
import sys
import tomllib

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Refused(Exception):
    """A request that cannot be applied; the message says why."""


# --- a small TOML line scanner: string tokens and comments, so that keys and
# --- phrases are only ever looked for in code, never in comments or strings.


class Line:
    """One line of the file as the scanner saw it."""

    def __init__(self, text, in_string):
        self.text = text
        self.in_string = in_string  # the line starts inside a multi-line string
        self.code_end = len(text)  # where a comment starts, else the line's end
        self.strings = []  # (start, end, value) of strings that begin on this line
        self.brackets = 0  # net `[` minus `]` outside strings and comments


def scan(text):
    """Splits TOML text into `Line`s (each keeps its newline)."""
    lines, open_ml = [], None  # open_ml: the delimiter of an unfinished multi-line string
    for raw in text.splitlines(keepends=True):
        line = Line(raw, open_ml is not None)
        i, n = 0, len(raw)
        if open_ml:
            end = raw.find(open_ml)
            if end < 0:
                lines.append(line)
                continue
            i, open_ml = end + 3, None
        while i < n:
            c = raw[i]
            if c == "#":
                line.code_end = i
                break
            if c in "\"'":
                delim = raw[i : i + 3]
                if delim in ('"""', "'''"):
                    end = raw.find(delim, i + 3)
                    if end < 0:
                        open_ml = delim
                        break
                    line.strings.append((i, end + 3, raw[i + 3 : end]))
                    i = end + 3
                    continue
                j = i + 1
                while j < n and raw[j] != c and raw[j] != "\n":
                    j += 2 if c == '"' and raw[j] == "\\" else 1
                value = raw[i + 1 : j]
                if c == '"':
                    value = tomllib.loads("v = " + raw[i : j + 1])["v"]
                line.strings.append((i, j + 1, value))
                i = j + 1
                continue
            if c == "[":
                line.brackets += 1
            elif c == "]":
                line.brackets -= 1
            i += 1
        if open_ml:
            line.code_end = len(raw)
        lines.append(line)
    return lines


def code(line):
    """The line's code (no comment), or "" when it is inside a multi-line string."""
    return "" if line.in_string else line.text[: line.code_end]


def blocks(lines):
    """(header, first, end) for every table header: `[[phrase]]` covers lines first..end-1."""
    starts = [(i, code(l).strip()) for i, l in enumerate(lines) if code(l).lstrip().startswith("[")]
    # A key's array that opens with `[` on its own line is not a header: headers are at depth 0.
    heads, depth = [], 0
    header_at = dict(starts)
    for i, l in enumerate(lines):
        if depth == 0 and i in header_at and re.match(r"^\[\[?[A-Za-z0-9_.\- ]+\]\]?$", header_at[i]):
            heads.append((header_at[i], i))
        elif not l.in_string:
            depth += l.brackets
    return [(h, i, heads[k + 1][1] if k + 1 < len(heads) else len(lines)) for k, (h, i) in enumerate(heads)]


def key_line(lines, first, end, key):
    """The index of the line `key = ...` inside a block, or None."""
    pat = re.compile(r"^\s*%s\s*=" % re.escape(key))
    for i in range(first + 1, end):
        if pat.match(code(lines[i])):
            return i
    return None


def string_value(lines, i):
    """The first string on line i (a key's value), or None."""
    return lines[i].strings[0][2] if i is not None and lines[i].strings else None


# --- the pack's structure, from tomllib, for the checks


def category_kinds(path):
    """Category name -> kind, over every phrase file beside `path`."""
    kinds = {}
    folder = os.path.dirname(os.path.abspath(path))
    for name in sorted(os.listdir(folder)):
        if name.endswith(".toml"):
            with open(os.path.join(folder, name), "rb") as f:
                try:
                    data = tomllib.load(f)
                except tomllib.TOMLDecodeError as e:
                    raise Refused("%s is not valid TOML (%s): fix it first (keel check)" % (name, e))
            for c in data.get("category", []):
                kinds[c.get("name")] = c.get("kind", "hostile")
    return kinds


def parse_weight(category, phrase, value, kinds):
    """The weight as a float, or Refused with the range keel accepts."""
    if category not in kinds:
        raise Refused("no category %r in %s (categories: %s)" % (category, "this pack", ", ".join(sorted(kinds))))
    low = -1.0 if kinds[category] == "cue" else 0.0
    try:
        w = float(value)
    except ValueError:
        w = math.nan
    if not math.isfinite(w) or not low <= w <= 1.0:
        why = "" if low < 0 else ' (only categories of kind "cue" take weights below 0)'
        raise Refused(
            "%s=%s: the weight must be a number from %g to 1 in category %s%s" % (phrase, value, low, category, why)
        )
    return w


# --- the edit


def set_weight(text, category, phrase, weight):
    """Returns `text` with `phrase` of `category` at `weight`."""
    lines = scan(text)
    found_elsewhere = []
    for header, first, end in blocks(lines):
        if header != "[[phrase]]":
            continue
        cat = string_value(lines, key_line(lines, first, end, "category"))
        at_text = key_line(lines, first, end, "text")
        if string_value(lines, at_text) != phrase:
            continue
        if cat != category:
            found_elsewhere.append(cat)
            continue
        at_weight = key_line(lines, first, end, "weight")
        if at_weight is None:
            indent = re.match(r"\s*", lines[at_text].text).group(0)
            new_line = "%sweight = %s\n" % (indent, format_weight(weight))
            out = [l.text for l in lines]
            out.insert(at_text + 1, new_line)
            return "".join(out)
        l = lines[at_weight]
        m = re.match(r"^(\s*weight\s*=\s*)(.*?)(\s*)$", l.text[: l.code_end])
        out = [x.text for x in lines]
        out[at_weight] = m.group(1) + format_weight(weight) + m.group(3) + l.text[l.code_end :]
        return "".join(out)
    for header, first, end in blocks(lines):
        if header != "[[category]]":
            continue
        name = string_value(lines, key_line(lines, first, end, "name"))
        at_list = key_line(lines, first, end, "phrases")
        if at_list is None:
            continue
        hit, close, depth = None, None, 0
        for i in range(at_list, end):
            if hit is None:
                for s, e, v in lines[i].strings:
                    if v == phrase and s < lines[i].code_end:
                        hit = (i, s, e)
                        break
            depth += 0 if lines[i].in_string else lines[i].brackets
            if depth <= 0:
                close = i
                break
        if hit is None:
            continue
        if name != category:
            found_elsewhere.append(name)
            continue
        return remove_and_add(lines, hit, close, category, phrase, weight)
    if found_elsewhere:
        raise Refused("phrase %r is in category %s, not %s" % (phrase, " and ".join(found_elsewhere), category))
    raise Refused("phrase %r is not in category %s of this file" % (phrase, category))


def format_weight(w):
    """0.7 as `0.7`, 1 as `1.0`: always a TOML float."""
    return repr(float(w))


def remove_and_add(lines, hit, close, category, phrase, weight):
    """Takes the phrase out of its list and adds a `[[phrase]]` entry after the list."""
    out = [l.text for l in lines]
    i, s, e = hit
    t = out[i]
    rest = t[e:]
    m = re.match(r"\s*,[ \t]*", rest)
    if m:
        rest = rest[m.end() :]
        t = t[:s] + rest
    else:  # the last item: drop the comma before it, if any
        head = re.sub(r",\s*$", "", t[:s]) if t[:s].strip() else t[:s]
        t = head + rest
    out[i] = t if t.strip() else ""  # a line left empty goes (its index stays, holding "")
    entry = '\n[[phrase]]\ncategory = "%s"\ntext = %s\nweight = %s\n' % (category, toml_string(phrase), format_weight(weight))
    out[close] = out[close] if out[close].endswith("\n") else out[close] + "\n"
    out.insert(close + 1, entry)
    return "".join(out)


def toml_string(s):
    """A TOML basic string for `s`."""
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')


def verify(text, category, phrase, weight):
    """Checks the edit with a real TOML parser; raises Refused if it went wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise Refused("internal error: the edit would make the file invalid TOML (%s); nothing written" % e)
    for c in data.get("category", []):
        if c.get("name") == category and phrase in c.get("phrases", []):
            raise Refused("internal error: %r is still in the list of %s; nothing written" % (phrase, category))
    entries = [p for p in data.get("phrase", []) if p.get("category") == category and p.get("text") == phrase]
    if len(entries) != 1 or entries[0].get("weight") != weight:
        raise Refused("internal error: %r has %d entries after the edit; nothing written" % (phrase, len(entries)))


def keel_check(path, keel):
    """Runs `keel check` where the pack's bot.toml normally is; returns (ok, output)."""
    folder = os.path.dirname(os.path.dirname(os.path.abspath(path)))
    if keel:
        cmd = shlex.split(keel)
    elif os.environ.get("KEEL"):
        cmd = shlex.split(os.environ["KEEL"])
    else:
        cmd = ["cargo", "run", "--quiet", "--manifest-path", os.path.join(REPO, "Cargo.toml"), "--"]
    if os.sep in cmd[0] and not os.path.isabs(cmd[0]):
        cmd[0] = os.path.abspath(cmd[0])  # check runs in another folder
    try:
        r = subprocess.run(cmd + ["check"], cwd=folder, capture_output=True, text=True)
    except OSError as e:
        return False, "cannot run %s: %s" % (" ".join(cmd), e)
    return r.returncode == 0, r.stdout + r.stderr


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--keel", help="how to run keel (default: $KEEL, else cargo run)")
    ap.add_argument("--no-check", action="store_true", help="do not run keel check after writing")
    ap.add_argument("file")
    ap.add_argument("category")
    ap.add_argument("pairs", nargs="+", metavar="PHRASE=WEIGHT")
    args = ap.parse_args(argv)
    try:
        with open(args.file, encoding="utf-8") as f:
            original = f.read()
        kinds = category_kinds(args.file)
        text = original
        for pair in args.pairs:
            if "=" not in pair:
                raise Refused("%r: expected PHRASE=WEIGHT" % pair)
            phrase, value = pair.rsplit("=", 1)
            weight = parse_weight(args.category, phrase, value.strip(), kinds)
            text = set_weight(text, args.category, phrase, weight)
            verify(text, args.category, phrase, weight)
    except (Refused, OSError) as e:
        print("set_weight: %s" % e, file=sys.stderr)
        return 2
    with open(args.file, "w", encoding="utf-8") as f:
        f.write(text)
    print("%s: %s" % (args.file, ", ".join(args.pairs)))
    if args.no_check:
        return 0
    ok, output = keel_check(args.file, args.keel)
    if ok:
        print(output.strip())
        return 0
    with open(args.file, "w", encoding="utf-8") as f:
        f.write(original)
    print(output.strip(), file=sys.stderr)
    print("set_weight: keel check failed after the edit; %s is back as it was" % args.file, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
