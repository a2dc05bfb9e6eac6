"""A dependency-free progress bar with ETA, written to stderr."""

from __future__ import annotations

import sys
import time
from typing import Iterable, Iterator, Optional, TypeVar

T = TypeVar("T")


class Progress:
    """Prints ``label [####.....] i/n  elapsed  ETA`` on one line; ``set_postfix`` adds a short note."""

    def __init__(self, total: int, label: str = "", enabled: bool = True, stream=None) -> None:
        self.total = max(int(total), 0)
        self.label = label
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.start = time.perf_counter()
        self.done = 0
        self.postfix = ""
        self._last = 0.0

    def update(self, n: int = 1) -> None:
        self.done += n
        now = time.perf_counter()
        if self.enabled and (now - self._last > 0.2 or self.done >= self.total):
            self._last = now
            self._draw(now)

    def set_postfix(self, text: str) -> None:
        self.postfix = text

    def _draw(self, now: float) -> None:
        elapsed = now - self.start
        frac = self.done / self.total if self.total else 1.0
        eta = elapsed / frac - elapsed if frac > 0 else float("nan")
        bar = "#" * int(frac * 24)
        self.stream.write(
            f"\r{self.label} [{bar:<24}] {self.done}/{self.total} "
            f"{elapsed:5.1f}s ETA {eta:5.1f}s {self.postfix}"[:160]
        )
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(time.perf_counter())
            self.stream.write("\n")
            self.stream.flush()


def progress(items: Iterable[T], total: Optional[int] = None, label: str = "", enabled: bool = True) -> Iterator[T]:
    """Wraps an iterable with a :class:`Progress` bar."""
    items = list(items) if total is None else items
    bar = Progress(total if total is not None else len(items), label, enabled)  # type: ignore[arg-type]
    for item in items:
        yield item
        bar.update()
    bar.close()
