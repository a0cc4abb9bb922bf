"""The output disk fills up mid-render: the previous digest stays whole, the message says why.

The real case runs ``arxivbot run`` with ``--output`` on a small tmpfs filled to its last few
KB, so the kernel itself answers ENOSPC part-way through the day's files. Mounting needs root
(or passwordless ``sudo``, as on GitHub's runners); without either that case skips with one
line. The file-size-limit case always runs: a child process under ``RLIMIT_FSIZE`` writes an
output set whose third file is too large (EFBIG), through the same ``staged_writes`` swap.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from rel_helpers import (
    Describe,
    check_outputs_parse,
    check_store,
    leftover_temp_files,
    run_args,
    run_cli,
    snapshot,
)

from support.arxiv_server import ArxivServer

SPARE_BYTES = 512 * 1024  # room left on the tmpfs: README and papers.json fit, the rest not


def _privileged() -> list[str] | None:
    """The command prefix that may mount a tmpfs here, or None."""
    if os.geteuid() == 0:
        return []
    if (
        shutil.which("sudo")
        and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0
    ):
        return ["sudo", "-n"]
    return None


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 MB tmpfs mounted for this test (unmounted after it)."""
    prefix = _privileged()
    if prefix is None:
        pytest.skip("disk-full case needs root or passwordless sudo to mount a tmpfs")
    mount = tmp_path / "disk"
    mount.mkdir()
    options = f"size=16m,mode=0755,uid={os.getuid()},gid={os.getgid()}"
    done = subprocess.run([*prefix, "mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mount)],
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()[:120]}")
    try:
        yield mount
    finally:
        subprocess.run([*prefix, "umount", "-l", str(mount)], check=True)


def fill(disk: Path, leave: int) -> Path:
    """Fill ``disk`` with one file until ``leave`` bytes are free."""
    stats = os.statvfs(disk)
    free = stats.f_bavail * stats.f_frsize
    filler = disk / "filler.bin"
    with open(filler, "wb") as handle:
        handle.write(b"\0" * max(free - leave, 0))
    return filler


def test_disk_full_mid_render_keeps_the_previous_digest(
    world: Path, arxiv: ArxivServer, small_disk: Path, case: Describe
) -> None:
    case(
        "disk",
        f"output folder on a 16 MB tmpfs with {SPARE_BYTES // 1024} KB left: ENOSPC while "
        "writing the 2026-06-03 outputs; then space is freed and the run repeated",
        "exit 1, message says 'disk full', names the file and the fix; every previous output "
        "byte-identical, no temp file left; the re-run publishes 2026-06-03",
        "nothing: the previous digest stays until the re-run",
    )
    out = small_disk / "out"
    shutil.copytree(world / "out", out)
    before = snapshot(out)
    filler = fill(small_disk, SPARE_BYTES)
    arxiv.set_day("2026-06-03")
    args = run_args(world)
    args[args.index("--output") + 1] = str(out)

    result = run_cli(*args)
    assert result.code == 1, result.text
    assert "disk full" in result.text and "free some space" in result.text, result.text
    failed = re.search(r"cannot write (.+?): No space left", result.text)
    assert failed, result.text
    named = Path(failed.group(1).replace(" ", ""))  # rich wraps long paths; no spaces in ours
    assert named.is_relative_to(out), "the message names the file"
    assert named.name != "README.md", "files were written before the failure"
    assert snapshot(out) == before, "the previous output set is untouched"
    assert leftover_temp_files(out) == []
    check_store(world / "db.sqlite3")

    filler.unlink()
    again = run_cli(*args)
    assert again.code == 0, again.text
    assert json.loads((out / "papers.json").read_text())["announced_on"] == "2026-06-03"
    check_outputs_parse(out)


CHILD = textwrap.dedent(
    """
    import resource, signal, sys
    from pathlib import Path
    from arxivbot.errors import RenderError
    from arxivbot.fsutil import atomic_write_text, staged_writes

    out = Path(sys.argv[1])
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
    try:
        with staged_writes():
            atomic_write_text(out / "README.md", "new readme")
            atomic_write_text(out / "days" / "2026-06-03.html", "new page")
            atomic_write_text(out / "search-index.json", "x" * 200_000)
    except RenderError as exc:
        print(exc, "|", exc.hint)
        sys.exit(1)
    sys.exit(0)
    """
)


def test_file_size_limit_mid_set_keeps_every_previous_file(tmp_path: Path, case: Describe) -> None:
    case(
        "disk",
        "RLIMIT_FSIZE 64 KB in a child process: the third file of an output set is 200 KB (EFBIG)",
        "RenderError naming the file and the limit; the two files written before it are not "
        "swapped in (old contents kept), no temp file left",
    )
    out = tmp_path / "out"
    (out / "days").mkdir(parents=True)
    (out / "README.md").write_text("old readme")
    (out / "search-index.json").write_text("old index")
    before = snapshot(out)
    done = subprocess.run([sys.executable, "-c", CHILD, str(out)], capture_output=True, text=True,
                          timeout=60)  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert f"cannot write {out / 'search-index.json'}" in done.stdout
    assert "file-size limit" in done.stdout
    assert snapshot(out) == before
    assert leftover_temp_files(out) == []
