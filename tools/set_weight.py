#!/usr/bin/env python3
"""Set the weight of phrases in a keel phrase file, keeping its comments.

Usage: tools/set_weight.py FILE CATEGORY PHRASE=WEIGHT [PHRASE=WEIGHT ...]

A phrase listed in the category's `phrases = [...]` list is moved to its own
`[[phrase]]` entry with the new weight; an existing `[[phrase]]` entry gets
its weight replaced. Run `keel check` afterwards.
"""
import re
import sys


def set_weight(text, category, phrase, weight):
    # An existing [[phrase]] entry?
    entry = re.compile(
        r'(\[\[phrase\]\]\ncategory = "%s"\ntext = "%s"\n(?:targeted = \w+\n)?)weight = [0-9.]+'
        % (re.escape(category), re.escape(phrase))
    )
    if entry.search(text):
        return entry.sub(lambda m: m.group(1) + "weight = %s" % weight, text, count=1)
    # In the category's list: remove it there, add an entry after the list.
    start = text.find('name = "%s"' % category)
    if start < 0:
        raise SystemExit("no category %s" % category)
    lst = text.find("phrases = [", start)
    end = text.find("\n]", lst)
    body = text[lst:end]
    item = re.compile(r'"%s",?[ ]?' % re.escape(phrase))
    if not item.search(body):
        raise SystemExit("phrase %r not in category %s" % (phrase, category))
    body = item.sub("", body, count=1)
    new = '\n\n[[phrase]]\ncategory = "%s"\ntext = "%s"\nweight = %s\n' % (category, phrase, weight)
    return text[:lst] + body + text[end : end + 2] + new + text[end + 2 :]


def main():
    path, category, *pairs = sys.argv[1:]
    text = open(path).read()
    for pair in pairs:
        phrase, weight = pair.rsplit("=", 1)
        text = set_weight(text, category, phrase, weight)
    open(path, "w").write(text)


if __name__ == "__main__":
    main()
