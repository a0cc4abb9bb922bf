"""Background runs for the web server: one run at a time, on a cron schedule or on demand.

The server must keep answering while the pipeline runs, so a run happens in its own
thread. :class:`RunCoordinator` is the single gate: a second trigger while a run is in
progress is refused (the store's run lock also stops a concurrent ``arxivbot run`` from
another process; that failure is recorded, not raised). :class:`Scheduler` is a daemon
thread that asks the coordinator for a run at every tick of a cron expression evaluated in
the configured time zone (arXiv announces at midnight US/Eastern, so the zone matters).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

from arxivbot.clock import Clock, utc_now
from arxivbot.errors import ArxivBotError, ConfigError
from arxivbot.models import RunReport

log = logging.getLogger(__name__)

Runner = Callable[[], RunReport]

# The scheduler re-checks the clock at least this often, so a suspended laptop or a
# changed system clock delays a tick by at most this much instead of hours.
MAX_SLEEP_SECONDS = 60.0


def next_run_after(schedule: str, timezone: str, after: datetime) -> datetime:
    """The first tick of ``schedule`` (cron, in ``timezone``) strictly after ``after``, in UTC."""
    zone = load_zone(timezone)
    if not croniter.is_valid(schedule):
        raise ConfigError(
            f"server.schedule {schedule!r} is not a cron expression",
            key="server.schedule",
            hint="use five fields, e.g. '30 0 * * 1-5' (00:30 on weekdays)",
        )
    local = after.astimezone(zone)
    tick: datetime = croniter(schedule, local).get_next(datetime)
    return tick.astimezone(UTC)


def load_zone(timezone: str) -> ZoneInfo:
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"server.timezone {timezone!r} is not a known time zone",
            key="server.timezone",
            hint="use an IANA name such as 'America/New_York' or 'UTC'",
        ) from None


@dataclass(frozen=True)
class RunStatus:
    """What the coordinator knows: shown by ``/health`` and ``POST /admin/refresh``."""

    running: bool
    trigger: str  # what started the current or last run: "schedule" | "admin" | ""
    started_at: datetime | None
    finished_at: datetime | None
    last_report: RunReport | None
    last_error: str  # a user-facing message when the last run raised, else ""


class RunCoordinator:
    """Runs ``runner`` in a background thread, never two at once."""

    def __init__(self, runner: Runner | None, *, clock: Clock = utc_now) -> None:
        self._runner = runner
        self._clock = clock
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._status = RunStatus(False, "", None, None, None, "")
        self.on_finish: Callable[[], None] | None = None  # e.g. drop the server's caches

    @property
    def enabled(self) -> bool:
        return self._runner is not None

    def status(self) -> RunStatus:
        with self._lock:
            return self._status

    def trigger(self, trigger: str) -> bool:
        """Start a run now; False (and nothing started) when one is already running."""
        runner = self._runner
        if runner is None:
            return False
        with self._lock:
            if self._status.running:
                return False
            self._status = RunStatus(
                True,
                trigger,
                self._clock(),
                None,
                self._status.last_report,
                self._status.last_error,
            )
            self._thread = threading.Thread(
                target=self._run, args=(runner,), name=f"arxivbot-run-{trigger}", daemon=True
            )
            self._thread.start()
        return True

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the current run (if any) to end; True when no run is in progress."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return not self.status().running

    def _run(self, runner: Runner) -> None:
        report: RunReport | None = None
        error = ""
        try:
            report = runner()
        except ArxivBotError as exc:  # e.g. RunLockedError: another process is running
            error = str(exc)
            log.warning("background run failed: %s", exc)
        except Exception:  # a thread must not die silently; the client never sees this
            error = "the run failed with an unexpected error (see the server log)"
            log.exception("background run crashed")
        finally:
            with self._lock:
                previous = self._status
                self._status = RunStatus(
                    False,
                    previous.trigger,
                    previous.started_at,
                    self._clock(),
                    report if report is not None else previous.last_report,
                    error,
                )
            if self.on_finish is not None:
                self.on_finish()


class Scheduler:
    """A daemon thread that triggers a run at every tick of a cron schedule."""

    def __init__(
        self,
        coordinator: RunCoordinator,
        schedule: str,
        timezone: str,
        *,
        clock: Clock = utc_now,
        max_sleep: float = MAX_SLEEP_SECONDS,
    ) -> None:
        next_run_after(schedule, timezone, clock())  # validate now, not in the thread
        self._coordinator = coordinator
        self._schedule = schedule
        self._timezone = timezone
        self._clock = clock
        self._max_sleep = max_sleep
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._next: datetime | None = None
        self._lock = threading.Lock()

    @property
    def next_run(self) -> datetime | None:
        with self._lock:
            return self._next

    def start(self) -> None:
        if self._thread is not None:
            return
        with self._lock:
            self._next = next_run_after(self._schedule, self._timezone, self._clock())
        self._thread = threading.Thread(target=self._loop, name="arxivbot-scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                due = self._next
            if due is None:  # pragma: no cover - start() always sets it
                return
            delay = (due - self._clock()).total_seconds()
            if delay > 0:
                self._stop.wait(min(delay, self._max_sleep))
                continue
            if not self._coordinator.trigger("schedule"):
                log.info("scheduled run skipped: a run is already in progress")
            with self._lock:
                self._next = next_run_after(self._schedule, self._timezone, self._clock())
