"""The PDF-text worker process: run by file path, it imports only the standard library and pypdf.

Started by :mod:`arxivbot.sources.pdfpool` as ``python -P <this file>`` (``-P``: this folder
is not put on ``sys.path``, so ``http.py`` and ``xml.py`` beside it cannot shadow the
standard library's). It never imports ``arxivbot`` (whose package pulls in pydantic and
lxml): a worker is cheap to start and small while it waits.

Frames on stdin/stdout: a request is one command byte (``P`` = extract a PDF, ``M`` = list
the loaded modules) + an 8-byte big-endian length + the payload; an answer is a status byte
(``0`` ok, ``1`` error) + length + UTF-8 text. The worker serves requests until stdin closes.
"""

from __future__ import annotations

import io
import logging
import sys
from typing import BinaryIO

MAX_PAGES = 200
HEADER = 9


def _read(stream: BinaryIO, size: int) -> bytes | None:
    data = bytearray()
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            return None
        data.extend(chunk)
    return bytes(data)


def _reply(stream: BinaryIO, status: bytes, text: str) -> None:
    payload = text.encode("utf-8", "replace")
    stream.write(status + len(payload).to_bytes(8, "big") + payload)
    stream.flush()


def extract(pdf: bytes) -> str:
    import pypdf  # imported on the first PDF, so a worker starts in a few milliseconds

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages[:MAX_PAGES])


def serve(stdin: BinaryIO, stdout: BinaryIO) -> None:
    logging.disable(logging.WARNING)  # pypdf logs font quirks; the parent wants only text
    while True:
        head = _read(stdin, HEADER)
        if head is None:
            return
        payload = _read(stdin, int.from_bytes(head[1:], "big"))
        if payload is None:
            return
        if head[:1] == b"M":
            _reply(stdout, b"0", "\n".join(sorted(sys.modules)))
            continue
        try:
            text = extract(payload)
        except Exception as exc:  # a broken PDF is an answer, not the worker's end
            _reply(stdout, b"1", f"{type(exc).__name__}: {exc}"[:500])
            continue
        _reply(stdout, b"0", text)


if __name__ == "__main__":  # pragma: no cover - runs in the worker process
    serve(sys.stdin.buffer, sys.stdout.buffer)
