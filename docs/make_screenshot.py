"""Make the README's hero image, docs/img/site.png, from a real ``arxivbot demo`` run.

    python docs/make_screenshot.py [--out docs/img/site.png] [--chromium /usr/bin/chromium]

The demo builds the digest of a packaged sample announcement day offline (no network, no
key) into a temporary folder; headless Chromium then photographs that site's index page at
1280x900. Nothing else is drawn or edited, so the image shows what a user gets.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "img" / "site.png"
WINDOW = "1280,900"


def find_chromium(given: str | None) -> str:
    for name in (given, "chromium", "chromium-browser", "google-chrome"):
        path = name and shutil.which(name)
        if path:
            return path
    sys.exit("no Chromium found: install it (apt-get install chromium) or pass --chromium")


def build_demo(folder: Path) -> Path:
    """Run ``arxivbot demo --out folder`` and return the site's index page."""
    subprocess.run(
        [sys.executable, "-m", "arxivbot.cli", "demo", "--out", str(folder)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    index = folder / "output" / "index.html"
    if not index.is_file():
        sys.exit(f"arxivbot demo wrote no {index}")
    return index


def screenshot(chromium: str, page: Path, out: Path, profile: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            f"--user-data-dir={profile}",
            f"--window-size={WINDOW}",
            f"--screenshot={out}",
            page.as_uri(),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=120,
    )
    if not out.is_file():
        sys.exit(f"Chromium wrote no {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--chromium", default=None)
    args = parser.parse_args()
    chromium = find_chromium(args.chromium)
    with tempfile.TemporaryDirectory(prefix="arxivbot-shot-") as tmp:
        index = build_demo(Path(tmp) / "demo")
        screenshot(chromium, index, args.out.resolve(), Path(tmp) / "chromium-profile")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
