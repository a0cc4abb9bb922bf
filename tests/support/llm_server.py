"""A small OpenAI-compatible LLM stand-in on :class:`LocalServer`.

Serves ``POST <any prefix>/chat/completions`` and ``<any prefix>/files`` (so both
``/v1/...`` and DashScope's ``/compatible-mode/v1/...`` work). A chat answer is the real
qwen-long summary of the requested paper from ``fixtures/history/qwen_long_summaries.jsonl``
when the title in the user message matches one, else a realistic generic summary.

Faults are scriptable per call: ``fault`` is a callable ``(call_number) -> Reply | None``
(1-based chat call numbers) returning an error reply to send instead of an answer; helpers
below build the usual ones. The server counts chat calls, uploads and the maximum number of
chat calls in flight at once.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

from support.fixtures import fixtures_dir
from support.httpserver import LocalServer, Reply, Request

Fault = Callable[[int], Reply | None]
TITLE_RE = re.compile(r"^(?:论文标题：|Paper title: )(.+)$", re.MULTILINE)


@cache
def recorded_summaries() -> dict[str, dict[str, object]]:
    """Normalised title -> recorded record (id, version, title, ai_summary, ...)."""
    path = fixtures_dir() / "history" / "qwen_long_summaries.jsonl"
    records: dict[str, dict[str, object]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            records.setdefault(normalise_title(str(record["title"])), record)
    return records


def normalise_title(title: str) -> str:
    return " ".join(title.lower().split())


def generic_summary(title: str) -> str:
    return (
        f"# {title} — 核心总结\n\n"
        "## 1. 论文的主要贡献和创新点\n\n"
        "- **解决的问题**：现有方法在效率与精度之间存在明显 trade-off。\n"
        "- **新方法**：提出一种新的 framework，结合 sparse attention 与 pipeline 并行。\n"
        "- **优势**：在相同 compute budget 下吞吐量提升明显。\n\n"
        "## 2. 核心实验方法和设置\n\n"
        "- **数据集**：GLUE、SQuAD v1.1 与 WikiText-103。\n"
        "- **评估指标**：Accuracy、F1、Perplexity 与 throughput (tokens/s)。\n"
        "- **基线方法**：Transformer-base、Longformer、FlashAttention-2。\n\n"
        "## 3. 主要实验结果和性能指标\n\n"
        "| 方法 | Accuracy | Throughput |\n|---|---|---|\n"
        "| Baseline | 84.1 | 1.0× |\n| **Ours** | **85.3** | **1.8×** |\n\n"
        "- 消融实验表明两个模块均有贡献，去掉任一模块精度下降约 0.6。\n\n"
        "## 4. 关键结论和发现\n\n"
        "- 方法在多个 benchmark 上稳定优于基线。\n"
        "- **局限性**：对超长序列 (>128K) 的效果尚未验证。\n"
        "- **未来工作**：扩展到 multimodal 场景与更大规模模型。\n"
    )


class FakeLlm:
    """``with FakeLlm() as llm: ... base_url=llm.base_url`` (``llm.dashscope_url`` too)."""

    def __init__(self, *, latency: float = 0.0, fault: Fault | None = None) -> None:
        self.server = LocalServer()
        self.latency = latency
        self.fault = fault
        self.chat_calls = 0
        self.answered = 0
        self.uploads: list[bytes] = []
        self.deleted: list[str] = []
        self.chat_bodies: list[dict[str, object]] = []
        self.max_in_flight = 0
        self._in_flight = 0
        self._lock = threading.Lock()
        self._file_ids = itertools.count(1)
        self.answer_override: Callable[[str], str] | None = None
        self.refused_keys: set[str] = set()  # answered 401 everywhere, as a provider would
        self.models = ("qwen-long", "gpt-4o-mini")  # what GET /models lists
        self.server.route("/", self._dispatch)

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> FakeLlm:
        self.server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.__exit__(*exc)

    @property
    def base_url(self) -> str:
        return f"{self.server.url}/v1"

    @property
    def dashscope_url(self) -> str:
        return f"{self.server.url}/compatible-mode/v1"

    def reset(self) -> None:
        """Back to a fresh server: no faults, no latency, zero counts."""
        with self._lock:
            self.chat_calls = self.answered = self.max_in_flight = 0
            self.uploads.clear()
            self.deleted.clear()
            self.chat_bodies.clear()
            self.fault = None
            self.latency = 0.0
            self.answer_override = None
        with self.server._lock:
            self.server.log.clear()

    # ------------------------------------------------------------------ routing
    def _dispatch(self, request: Request) -> Reply:
        headers = {name.lower(): value for name, value in request.headers.items()}
        key = headers.get("authorization", "").removeprefix("Bearer ")
        if not key or key in self.refused_keys:
            return _error(401, "invalid_api_key", "Incorrect API key provided")
        if request.method == "GET" and request.path.endswith("/models"):
            return _json(
                {"object": "list", "data": [{"id": m, "object": "model"} for m in self.models]}
            )
        if request.method == "POST" and request.path.endswith("/chat/completions"):
            return self._chat(request)
        if request.method == "POST" and request.path.endswith("/files"):
            return self._upload(request)
        if request.method == "DELETE" and "/files/" in request.path:
            file_id = request.path.rsplit("/", 1)[-1]
            self.deleted.append(file_id)
            return _json({"id": file_id, "object": "file", "deleted": True})
        return _error(404, "not_found", f"no route {request.path}")

    def _chat(self, request: Request) -> Reply:
        with self._lock:
            self.chat_calls += 1
            number = self.chat_calls
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
        try:
            if self.latency:
                time.sleep(self.latency)
            fault = self.fault(number) if self.fault else None
            if fault is not None:
                return fault
            body = json.loads(request.body)
            with self._lock:
                self.chat_bodies.append(body)
            return self._answer(body)
        finally:
            with self._lock:
                self._in_flight -= 1

    def _answer(self, body: dict[str, object]) -> Reply:
        messages = body.get("messages")
        assert isinstance(messages, list)
        user = str(messages[-1]["content"])
        match = TITLE_RE.search(user)
        title = match.group(1).strip() if match else "Untitled"
        record = recorded_summaries().get(normalise_title(title))
        text = str(record["ai_summary"]) if record else generic_summary(title)
        if self.answer_override is not None:
            text = self.answer_override(text)
        with self._lock:
            self.answered += 1
        prompt_chars = sum(len(str(m["content"])) for m in messages)
        return _json(
            {
                "id": f"chatcmpl-{self.answered}",
                "object": "chat.completion",
                "created": 1_765_000_000,
                "model": str(body.get("model", "fake")),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_chars // 3 + 1,
                    "completion_tokens": len(text) // 2 + 1,
                    "total_tokens": prompt_chars // 3 + len(text) // 2 + 2,
                },
            }
        )

    def _upload(self, request: Request) -> Reply:
        content = _multipart_file(request)
        with self._lock:
            self.uploads.append(content)
            file_id = f"file-fe-{next(self._file_ids):06d}"
        if not content.startswith(b"%PDF"):
            return _error(400, "invalid_file", "not a PDF")
        return _json(
            {
                "id": file_id,
                "object": "file",
                "bytes": len(content),
                "created_at": 1_765_000_000,
                "filename": "paper.pdf",
                "purpose": "file-extract",
                "status": "processed",
            }
        )


# ---------------------------------------------------------------------- replies and faults
def _json(payload: object, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return Reply(
        status,
        json.dumps(payload, ensure_ascii=False).encode(),
        {"Content-Type": "application/json", **(headers or {})},
    )


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Reply:
    return _json({"error": {"message": message, "type": code, "code": code}}, status, headers)


def rate_limited(retry_after: float = 1) -> Reply:
    return _error(429, "rate_limit_exceeded", "slow down", {"Retry-After": f"{retry_after:g}"})


def server_error() -> Reply:
    return _error(500, "internal_error", "boom")


def unauthorized() -> Reply:
    return _error(401, "invalid_api_key", "Incorrect API key provided")


def completion_reply(text: str, finish_reason: str = "stop") -> Reply:
    return _json(
        {
            "id": "chatcmpl-x",
            "object": "chat.completion",
            "created": 1_765_000_000,
            "model": "fake",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": finish_reason,
                }
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        }
    )


def garbage_reply() -> Reply:
    return Reply(200, b"<html><body>502 Bad Gateway</body></html>", {"Content-Type": "text/html"})


def slow_reply(seconds: float) -> Reply:
    return Reply(200, b"{}", {"Content-Type": "application/json"}, delay=seconds)


def every_nth(n: int, reply: Callable[[], Reply]) -> Fault:
    """Fault on every n-th call (n=3: calls 3, 6, 9 ...) — 'a third of calls'."""
    return lambda number: reply() if number % n == 0 else None


def first_calls(count: int, reply: Callable[[], Reply]) -> Fault:
    return lambda number: reply() if number <= count else None


def always(reply: Callable[[], Reply]) -> Fault:
    return lambda _number: reply()


def _multipart_file(request: Request) -> bytes:
    """The first file part of a multipart/form-data body (enough for the SDK's uploads)."""
    headers = {name.lower(): value for name, value in request.headers.items()}
    content_type = headers.get("content-type", "")
    match = re.search(r"boundary=\"?([^\";]+)\"?", content_type)
    if not match:
        return b""
    boundary = b"--" + match.group(1).encode()
    for part in request.body.split(boundary):
        head, sep, data = part.partition(b"\r\n\r\n")
        if sep and b'name="file"' in head:
            return data[:-2] if data.endswith(b"\r\n") else data
    return b""


def recorded_papers(limit: int) -> list[dict[str, object]]:
    """The first ``limit`` recorded papers (distinct titles), in file order."""
    return list(recorded_summaries().values())[:limit]


def fixture_pdf(name: str) -> Path:
    return fixtures_dir() / "pdf" / name
