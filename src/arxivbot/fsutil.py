"""Atomic file writes: a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from arxivbot.errors import RenderError

# What the user can do about a failed write, by its cause.
_WRITE_HINTS = {
    errno.EACCES: "the folder is not writable: fix its permissions or choose another folder",
    errno.EPERM: "the folder is not writable: fix its permissions or choose another folder",
    errno.EROFS: "the file system is read-only: choose a writable folder (--output, output.dir)",
    errno.ENOSPC: "disk full: free some space; the previous files are kept as they were",
    errno.EDQUOT: "disk quota exceeded: free some space; the previous files are kept",
}


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
