"""Keep the service worker's asset list and version in step with the files of the app.

The app has no build step, and a service worker cannot hash files it has not fetched yet,
so ``sw.js`` carries a generated block: the list of files to precache and a version that is
the sha256 of their paths and bytes. Any change to a file changes ``sw.js``, which is how
browsers notice a new version. After editing anything under ``pwa/``, run::

    python pwa/tools/stamp.py          # rewrite the block
    python pwa/tools/stamp.py --check  # exit 1 when the block is stale (the tests do this)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

PWA = Path(__file__).resolve().parents[1]
EXCLUDED_DIRS = {"tools"}
EXCLUDED_FILES = {"sw.js", "jsconfig.json", "jsconfig.sw.json"}
BLOCK = re.compile(r"// <assets>.*?// </assets>\n", re.S)


def assets(pwa_dir: Path = PWA) -> list[str]:
    """URL paths of every file the app needs offline, sorted."""
    found = []
    for path in pwa_dir.rglob("*"):
        rel = path.relative_to(pwa_dir)
        if not path.is_file() or rel.parts[0] in EXCLUDED_DIRS or rel.name in EXCLUDED_FILES:
            continue
        if any(part.startswith(".") for part in rel.parts) or path.suffix in {".py", ".pyc", ".md"}:
            continue
        found.append("/" + rel.as_posix())
    return sorted(found)


def version(pwa_dir: Path = PWA) -> str:
    digest = hashlib.sha256()
    for url in assets(pwa_dir):
        digest.update(url.encode() + b"\0")
        digest.update((pwa_dir / url[1:]).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def block(pwa_dir: Path = PWA) -> str:
    listed = json.dumps(assets(pwa_dir), indent=2).replace("\n", "\n")
    return (
        "// <assets> written by pwa/tools/stamp.py from the files of the app: do not edit\n"
        f'const VERSION = "{version(pwa_dir)}";\n'
        f"const ASSETS = {listed};\n"
        "// </assets>\n"
    )


def stamp(pwa_dir: Path = PWA) -> bool:
    """Rewrite the block in sw.js; True when it changed."""
    sw = pwa_dir / "sw.js"
    text = sw.read_text(encoding="utf-8")
    if not BLOCK.search(text):
        raise SystemExit(f"{sw}: no '// <assets>' … '// </assets>' block")
    new = BLOCK.sub(lambda _: block(pwa_dir), text, count=1)
    if new != text:
        sw.write_text(new, encoding="utf-8")
    return new != text


def is_current(pwa_dir: Path = PWA) -> bool:
    match = BLOCK.search((pwa_dir / "sw.js").read_text(encoding="utf-8"))
    return match is not None and match.group(0) == block(pwa_dir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 when stale")
    parser.add_argument("dir", nargs="?", type=Path, default=PWA, help="the app's directory")
    args = parser.parse_args(argv)
    if args.check:
        if is_current(args.dir):
            return 0
        print(f"{args.dir / 'sw.js'} is stale: run python pwa/tools/stamp.py", file=sys.stderr)
        return 1
    changed = stamp(args.dir)
    print(f"sw.js {'updated' if changed else 'already current'}: version {version(args.dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
