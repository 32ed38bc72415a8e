"""Stopping a batch cleanly: Ctrl-C or SIGTERM finishes the work in progress and keeps it."""

from __future__ import annotations

import signal
import threading
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopFlag:
    """Ctrl-C (or SIGTERM, from a scheduler or `kill`) during a batch: the first asks to stop
    after the work in progress (a KeyboardInterrupt raised inside the process pool's machinery
    can hang it); a second stops at once. Both end the same way: the message and exit code of
    an interrupted batch, with the finished proposals kept."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> StopFlag:
        if threading.current_thread() is threading.main_thread():
            for number in SIGNALS:
                self._previous[number] = signal.signal(number, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for number, previous in self._previous.items():
            signal.signal(number, signal.SIG_DFL if previous is None else previous)
        self._previous.clear()

    def _handle(self, signum: int, frame: Any) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
