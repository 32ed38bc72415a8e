"""Stopping a batch cleanly: Ctrl-C finishes the work in progress and keeps it."""

from __future__ import annotations

import signal
import threading
from typing import Any


class StopFlag:
    """Ctrl-C during a batch: the first press asks to stop after the work in progress (a
    KeyboardInterrupt raised inside the process pool's machinery can hang it); a second press
    stops at once."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: Any = None

    def __enter__(self) -> StopFlag:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)

    def _handle(self, signum: int, frame: Any) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
