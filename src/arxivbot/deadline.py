"""One deadline for a whole run, and the stage budgets cut from it.

Every timeout of a socket library is per read: a peer that sends one byte every few
seconds never trips it. A :class:`Deadline` is a point on the monotonic clock instead;
each request gets ``min(now + its own total limit, the run's deadline)`` (see
:mod:`arxivbot.sources.transport`), every retry sleep is cut to what is left, and a stage
that sees the deadline gone stops starting new work. ``monotonic`` is injectable so tests
can use small deadlines without asserting timings.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

Monotonic = Callable[[], float]


@dataclass(frozen=True)
class Deadline:
    """``Deadline.after(60)``; ``Deadline.never()`` for code called outside a run."""

    at: float  # on the ``monotonic`` clock; math.inf = no deadline
    monotonic: Monotonic = field(default=time.monotonic, compare=False, repr=False)

    @classmethod
    def after(cls, seconds: float, monotonic: Monotonic = time.monotonic) -> Deadline:
        return cls(monotonic() + max(seconds, 0.0), monotonic)

    @classmethod
    def never(cls) -> Deadline:
        return cls(math.inf)

    def remaining(self) -> float:
        if self.at == math.inf:
            return math.inf
        return max(self.at - self.monotonic(), 0.0)

    def expired(self) -> bool:
        return self.remaining() <= 0.0

    def within(self, seconds: float) -> Deadline:
        """The sooner of this deadline and ``seconds`` from now (a request's or stage's)."""
        return Deadline(min(self.at, self.monotonic() + max(seconds, 0.0)), self.monotonic)

    def reserve(self, seconds: float) -> Deadline:
        """This deadline moved ``seconds`` earlier: time kept back for later stages."""
        return Deadline(self.at - max(seconds, 0.0), self.monotonic)

    def sleep_allowed(self, wanted: float) -> bool:
        """True when a sleep of ``wanted`` seconds still ends before the deadline."""
        return wanted < self.remaining()
