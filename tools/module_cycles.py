#!/usr/bin/env python3
"""Lists the module dependency graph of a part of keel and its cycles.

Usage: tools/module_cycles.py [--root src] [--under bot] [--graph] [--forbid cli]

Every `.rs` file below `src/<under>` is a module (`foo.rs` and `foo/mod.rs`
are `foo`; a `#[path = "foo_tests.rs"] mod tests;` file is `foo::tests`).
A module depends on another when its text names it by path:
`crate::bot::x::y`, `super::x`, `self::x` or a child declared with
`mod x;` and then used as `x::...`. A child's `use super::*` (its tests)
is not a dependency of the parent on the child, so tests do not make
cycles. Test code is not part of the graph at all: a module declared
under `#[cfg(test)]` (a `tests` child, a shared `testing` fixture) and
an inline `#[cfg(test)] mod tests { ... }` block are left out, so a test
may import any fixture without making the product's modules a cycle. The graph is checked twice: module by module, and folder by
folder (every module below `bot::x` counted as `bot::x`), so two folders
that import each other are a cycle even when no two files are. A part of
the crate named with --forbid (default: `cli`) must not be imported at
all. Exits 1 and prints each cycle or forbidden import when there is one,
else prints `no cycles` (and, with --graph, every edge).
"""

import argparse
import os
import re
import sys


def modules(root, under):
    """Maps module path (tuple) -> file, for every file below root/under."""
    out = {}
    base = os.path.join(root, under)
    for dirpath, _, files in os.walk(base):
        for f in files:
            if not f.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, f), root)[: -len(".rs")]
            parts = tuple(rel.split(os.sep))
            if parts[-1] == "mod":
                parts = parts[:-1]
            out[parts] = os.path.join(dirpath, f)
    # Files reached through #[path = "..."] are children of their declarer.
    renamed = {}
    for mod, path in list(out.items()):
        text = open(path, encoding="utf-8").read()
        for m in re.finditer(r'#\[path\s*=\s*"([^"]+)"\]\s*(?:pub\s+)?mod\s+(\w+)\s*;', text):
            target = os.path.normpath(os.path.join(os.path.dirname(path), m.group(1)))
            for other, opath in out.items():
                if os.path.normpath(opath) == target:
                    renamed[other] = mod + (m.group(2),)
    for old, new in renamed.items():
        out[new] = out.pop(old)
    # Modules declared under #[cfg(test)] (and everything below them) are test code.
    test_only = set()
    for mod, path in out.items():
        text = open(path, encoding="utf-8").read()
        for m in re.finditer(r"#\[cfg\(test\)\]\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", text):
            test_only.add(mod + (m.group(1),))
    return {
        m: p for m, p in out.items() if not any(m[: len(t)] == t for t in test_only)
    }


def strip_test_blocks(text):
    """The text without its inline `#[cfg(test)] mod name { ... }` blocks."""
    out, pos = [], 0
    for m in re.finditer(r"#\[cfg\(test\)\]\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?mod\s+\w+\s*\{", text):
        if m.start() < pos:
            continue
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        out.append(text[pos : m.start()])
        pos = i
    out.append(text[pos:])
    return "".join(out)


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return "\n".join(line.split("//", 1)[0] for line in text.splitlines())


def resolve(path, mods):
    """The longest prefix of `path` that is a module, or None."""
    for n in range(len(path), 0, -1):
        if tuple(path[:n]) in mods:
            return tuple(path[:n])
    return None


def expand_use_groups(text):
    """`use a::{b, c::d}` -> paths a::b, a::c::d (one level of braces is enough here)."""
    paths = []
    for m in re.finditer(r"\buse\s+([^;]+);", text):
        body = re.sub(r"\s+", "", m.group(1))
        g = re.match(r"^(.*?)::\{(.*)\}$", body)
        if g:
            prefix, inner = g.group(1), g.group(2)
            depth, cur, items = 0, "", []
            for ch in inner:
                if ch == "{":
                    depth += 1
                elif ch == "}":
                    depth -= 1
                if ch == "," and depth == 0:
                    items.append(cur)
                    cur = ""
                else:
                    cur += ch
            items.append(cur)
            for it in items:
                it = re.sub(r"::\{.*\}$", "", it)
                paths.append(prefix + "::" + it)
        else:
            paths.append(body)
    return paths


def edges(mods, crate_root, outside):
    graph = {m: set() for m in mods}
    for mod, path in mods.items():
        text = strip_test_blocks(strip_comments(open(path, encoding="utf-8").read()))
        children = set(re.findall(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*[;{]", text, flags=re.M))
        found = []
        for m in re.finditer(r"\bcrate::((?:\w+::)*\w+)", text):
            found.append(m.group(1).split("::"))
        candidates = [p for p in expand_use_groups(text)]
        for m in re.finditer(r"(?<![\w:])((?:super::)+|self::)((?:\w+::)*\w+)", text):
            candidates.append(m.group(1) + m.group(2))
        for c in candidates:
            parts = c.split("::")
            if parts[0] == "crate":
                continue  # already in found
            here = list(mod)
            if parts[0] in ("super", "self"):
                while parts and parts[0] == "super":
                    here = here[:-1]
                    parts = parts[1:]
                if parts and parts[0] == "self":
                    parts = parts[1:]
                if c.startswith("super::") and len(mod) > 0 and parts and parts[0] == "*" and here == list(mod[:-1]):
                    continue  # a child's glob import of its parent (tests)
                found.append(here + [p for p in parts if p != "*"])
            elif parts[0] in children:
                found.append(list(mod) + parts)
        for p in found:
            if p and p[0] != mods_root(mods):
                outside.setdefault(p[0], set()).add(mod)
            target = resolve(p, mods)
            if target is None or target == mod:
                continue
            # A child naming its parent through super::* is its tests, not a dependency that counts.
            if mod[:-1] == target and mod[-1] == "tests":
                continue
            # A parent naming a child it declares (re-exports) is not a cycle-forming use
            # unless the child also names the parent; record it anyway.
            graph[mod].add(target)
    return graph


def cycles(graph):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def mods_root(mods):
    return next(iter(mods))[0]


def collapse(graph, depth):
    """The graph with every module cut to its first `depth` path parts."""
    out = {}
    for m, ts in graph.items():
        a = m[:depth]
        out.setdefault(a, set())
        for t in ts:
            b = t[:depth]
            out.setdefault(b, set())
            if a != b:
                out[a].add(b)
    return out


def name(m):
    return "::".join(m)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default="src")
    ap.add_argument("--under", default="bot")
    ap.add_argument("--graph", action="store_true", help="print every edge")
    ap.add_argument("--forbid", action="append", default=None, help="a crate module that must not be imported")
    args = ap.parse_args()
    forbid = args.forbid if args.forbid is not None else ["cli"]
    mods = modules(args.root, args.under)
    outside = {}
    graph = edges(mods, args.root, outside)
    if args.graph:
        for m in sorted(graph):
            for t in sorted(graph[m]):
                print(f"{name(m)} -> {name(t)}")
    bad = 0
    for label, g in (("module", graph), ("folder", collapse(graph, 2))):
        for comp in cycles(g):
            bad += 1
            members = set(comp)
            print(f"{label} cycle: " + ", ".join(name(m) for m in comp))
            for m in comp:
                for t in sorted(g[m] & members):
                    print(f"  {name(m)} -> {name(t)}")
    for f in forbid:
        for m in sorted(outside.get(f, ())):
            bad += 1
            print(f"forbidden: {name(m)} imports crate::{f}")
    if bad:
        return 1
    print(f"no cycles among {len(mods)} modules under {args.root}/{args.under}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
