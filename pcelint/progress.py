"""Progress on stderr for a long run (CLI.md): shown only when stderr is a terminal, and only once
the run has taken about two seconds; never on stdout, never into a pipe or a log file."""
from __future__ import annotations

import sys
import time

DELAY = 2.0  # seconds before the first progress line
INTERVAL = 0.5


class Progress:
    """`phase` and `done`/`total` are updated by the run; a daemon thread redraws one stderr line."""

    def __init__(self, total: int, stream=None, enabled: bool = True):
        self.total, self.done = total, 0
        self.phase = "linting"
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self._stop = None
        self._started = time.monotonic()
        self._shown = False
        self._thread = None
        if enabled:
            import threading  # (only on a terminal)

            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._loop, name="pcelint-progress", daemon=True)
            self._thread.start()

    @classmethod
    def for_run(cls, total: int) -> "Progress":
        try:
            tty = sys.stderr.isatty()
        except (AttributeError, ValueError):
            tty = False
        return cls(total, enabled=tty)

    def advance(self, n: int = 1) -> None:
        self.done += n

    def line(self) -> str:
        if self.phase == "linting":
            return f"pcelint: {self.done}/{self.total} pairs and files linted"
        return f"pcelint: {self.phase}"

    def _loop(self) -> None:
        if self._stop.wait(DELAY):
            return
        while not self._stop.is_set():
            self._draw()
            self._stop.wait(INTERVAL)

    def _draw(self) -> None:
        try:
            self.stream.write("\r\x1b[2K" + self.line())
            self.stream.flush()
            self._shown = True
        except (OSError, ValueError):
            self._stop.set()

    def close(self) -> None:
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join()
        self._thread = None
        if not self._shown and time.monotonic() - self._started >= DELAY:
            self._draw()  # a long run that ended between two redraws still showed its progress
        if self._shown:
            try:
                self.stream.write("\r\x1b[2K")
                self.stream.flush()
            except (OSError, ValueError):
                pass
