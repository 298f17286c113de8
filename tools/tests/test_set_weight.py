"""tools/set_weight.py on a temporary copy of phrases/ (python3 -m unittest discover -s tools/tests).

The tests that run `keel check` after the edit use $KEEL, else
target/debug/keel or target/release/keel; without any of them they are
skipped (unittest prints them as skipped), unless KEEL_REQUIRE_BINARY is set.
"""
import difflib
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(REPO, "tools", "set_weight.py")


def keel_binary():
    if os.environ.get("KEEL"):
        return os.environ["KEEL"]
    for profile in ("debug", "release"):
        path = os.path.join(REPO, "target", profile, "keel")
        if os.access(path, os.X_OK):
            return path
    if os.environ.get("KEEL_REQUIRE_BINARY"):
        raise AssertionError("KEEL_REQUIRE_BINARY is set but there is no keel binary: cargo build")
    return None


class SetWeight(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        shutil.copytree(os.path.join(REPO, "phrases"), os.path.join(self.tmp, "phrases"))
        self.lexicon = os.path.join(self.tmp, "phrases", "lexicon.toml")
        with open(self.lexicon, encoding="utf-8") as f:
            self.before = f.read()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def run_tool(self, *args, keel=None):
        cmd = [sys.executable, SCRIPT]
        cmd += ["--keel", keel] if keel else ["--no-check"]
        return subprocess.run(cmd + [self.lexicon, *args], capture_output=True, text=True)

    def after(self):
        with open(self.lexicon, encoding="utf-8") as f:
            return f.read()

    def entries(self, category, text):
        data = tomllib.loads(self.after())
        listed = [c for c in data["category"] if c["name"] == category and text in c.get("phrases", [])]
        return listed, [p for p in data.get("phrase", []) if p["category"] == category and p.get("text") == text]

    def changed_lines(self):
        """(lines added, lines removed), from a line diff of the file."""
        diff = difflib.ndiff(self.before.splitlines(), self.after().splitlines())
        diff = list(diff)
        return [l[2:] for l in diff if l.startswith("+ ")], [l[2:] for l in diff if l.startswith("- ")]

    def test_a_listed_phrase_moves_to_its_own_entry_and_the_comments_stay(self):
        r = self.run_tool("insult", "clown=0.7")
        self.assertEqual(r.returncode, 0, r.stderr)
        listed, entries = self.entries("insult", "clown")
        self.assertEqual(listed, [], "clown is no longer in the insult list")
        self.assertEqual([e["weight"] for e in entries], [0.7])
        added, removed = self.changed_lines()
        self.assertEqual(len(removed), 1, removed)
        self.assertIn('"clown", "jerk"', removed[0])
        self.assertEqual(sorted(added), sorted(["", "[[phrase]]", 'category = "insult"', 'text = "clown"', "weight = 0.7",
                                                removed[0].replace('"clown", ', "")]))
        # The comment that names the category is untouched (the old script edited it).
        self.assertIn('#    name = "insult"         its name.', self.after())

    def test_an_existing_entry_gets_its_weight_replaced_in_place(self):
        r = self.run_tool("contempt", "clown show=0.5")
        self.assertEqual(r.returncode, 0, r.stderr)
        _, entries = self.entries("contempt", "clown show")
        self.assertEqual([e["weight"] for e in entries], [0.5])
        self.assertEqual(self.changed_lines(), (["weight = 0.5"], ["weight = 0.45"]))

    def test_weights_outside_what_keel_check_accepts_are_refused_and_nothing_is_written(self):
        for pair in ["clown=7", "clown=-0.1", "clown=1.01", "clown=nan", "clown=inf", "clown=high", "clown="]:
            with self.subTest(pair=pair):
                r = self.run_tool("insult", pair)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn("the weight must be a number from 0 to 1 in category insult", r.stderr)
                self.assertEqual(self.after(), self.before)

    def test_a_cue_category_takes_weights_down_to_minus_one(self):
        r = self.run_tool("civility-cue", "please=-0.1", "pls=-1")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([e["weight"] for e in self.entries("civility-cue", "please")[1]], [-0.1])
        self.assertEqual([e["weight"] for e in self.entries("civility-cue", "pls")[1]], [-1.0])
        r = self.run_tool("civility-cue", "plz=-1.5")
        self.assertEqual(r.returncode, 2)
        self.assertIn("from -1 to 1", r.stderr)

    def test_a_phrase_of_another_category_or_none_is_refused(self):
        r = self.run_tool("contempt", "clown=0.5")
        self.assertEqual(r.returncode, 2)
        self.assertIn("phrase 'clown' is in category insult, not contempt", r.stderr)
        r = self.run_tool("insult", "no such phrase=0.5")
        self.assertEqual(r.returncode, 2)
        self.assertIn("is not in category insult", r.stderr)
        r = self.run_tool("no-such-category", "clown=0.5")
        self.assertEqual(r.returncode, 2)
        self.assertIn("no category 'no-such-category'", r.stderr)
        # One bad pair of several: nothing is written.
        r = self.run_tool("insult", "jerk=0.5", "clown=7")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(self.after(), self.before)

    def test_keel_check_passes_after_the_edit(self):
        keel = keel_binary()
        if keel is None:
            self.skipTest("no keel binary (cargo build, or set KEEL)")
        r = self.run_tool("insult", "clown=0.7", "jerk=0.55", keel=keel)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("ok", r.stdout.lower())

    def test_a_failed_keel_check_puts_the_file_back(self):
        failing = "%s -c 'import sys; print(\"phrases/lexicon.toml:1: broken\"); sys.exit(1)'" % sys.executable
        r = self.run_tool("insult", "clown=0.7", keel=failing)
        self.assertEqual(r.returncode, 1)
        self.assertIn("keel check failed after the edit", r.stderr)
        self.assertIn("broken", r.stderr)
        self.assertEqual(self.after(), self.before)


if __name__ == "__main__":
    unittest.main()
