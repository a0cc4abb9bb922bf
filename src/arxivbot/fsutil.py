"""Atomic file writes: a reader sees the old file or the new one, never half of either.

Inside :func:`staged_writes` the atomicity covers a whole output set: every file is first
written in full to a temp file beside its target, and only when all of them are written are
they renamed into place. A failure part-way (disk full, quota, file-size limit) deletes the
temp files and leaves every previous file as it was, so a folder never mixes two days.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from arxivbot.errors import RenderError

# What the user can do about a failed write, by its cause.
_WRITE_HINTS = {
    errno.EACCES: "the folder is not writable: fix its permissions or choose another folder",
    errno.EPERM: "the folder is not writable: fix its permissions or choose another folder",
    errno.EROFS: "the file system is read-only: choose a writable folder (--output, output.dir)",
    errno.ENOSPC: "disk full: free some space; the previous files are kept as they were",
    errno.EDQUOT: "disk quota exceeded: free some space; the previous files are kept",
    errno.EFBIG: "file too large for this system's file-size limit (ulimit -f); "
    "the previous files are kept",
}

# Temp files written inside staged_writes(), waiting for their rename: (temp, target).
_STAGED: ContextVar[list[tuple[Path, Path]] | None] = ContextVar("arxivbot_staged", default=None)


def write_failure(path: Path, exc: OSError) -> RenderError:
    """One clear error for a file we could not write: what, where, and what to do."""
    reason = exc.strerror or type(exc).__name__
    hint = _WRITE_HINTS.get(exc.errno or 0, "check the folder and try again")
    return RenderError(f"cannot write {path}: {reason}", hint=hint)


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to a temp file beside ``path``, fsync it, then rename over ``path``."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise write_failure(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        staged = _STAGED.get()
        if staged is not None:
            staged.append((Path(tmp), path))
            return path
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise write_failure(path, exc) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: Path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


@contextmanager
def staged_writes() -> Iterator[None]:
    """Swap in every file written in this block together, or none of them.

    Writes (``atomic_write_*``) inside the block stop at their full, fsynced temp file; a
    clean exit renames them all into place, an exception deletes them all. Renames take no
    space, so disk full strikes while writing, when nothing has replaced anything yet.
    """
    if _STAGED.get() is not None:  # nested: the outer block swaps everything in
        yield
        return
    staged: list[tuple[Path, Path]] = []
    token = _STAGED.set(staged)
    try:
        yield
    except BaseException:
        for tmp, _target in staged:
            tmp.unlink(missing_ok=True)
        raise
    finally:
        _STAGED.reset(token)
    _swap_in(staged)


def _swap_in(staged: list[tuple[Path, Path]]) -> None:
    for position, (tmp, target) in enumerate(staged):
        try:
            os.replace(tmp, target)
        except OSError as exc:
            for leftover, _target in staged[position:]:
                leftover.unlink(missing_ok=True)
            raise write_failure(target, exc) from None


def remove_stale_temp_files(folder: Path) -> int:
    """Delete temp files a killed writer left behind (``.NAME.*.tmp``); call under the run lock."""
    if not folder.is_dir():
        return 0
    removed = 0
    for leftover in folder.rglob(".*.tmp"):
        if leftover.is_file():
            leftover.unlink(missing_ok=True)
            removed += 1
    return removed
