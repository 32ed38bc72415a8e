"""A list kept on disk: the batch's summary records and problems, however many there are.

A budget office may run 20,000 proposals at once. Their records (a few hundred bytes each, more
with flags) and their problems are appended to an anonymous temporary file, one JSON line
each; memory holds only the offset of each line. Reading one back is a seek and a line. The file
has no name, so it disappears when the batch ends, even when it is killed.
"""

from __future__ import annotations

import json
import tempfile
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any, overload


class Spill(Sequence[dict[str, Any]]):
    """An append-only sequence of JSON-able dicts, stored one line each in a temporary file."""

    def __init__(self, items: Iterable[dict[str, Any]] = ()) -> None:
        self._file: IO[bytes] | None = None
        self._offsets = array("q")
        self._end = 0
        for item in items:
            self.append(item)

    def _handle(self) -> IO[bytes]:
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="esj-batch-")  # noqa: SIM115 - lives with the spill
        return self._file

    def append(self, item: dict[str, Any]) -> None:
        """Add one item at the end."""
        line = json.dumps(item, ensure_ascii=False, separators=(",", ":"), default=str).encode()
        line += b"\n"
        handle = self._handle()
        handle.seek(self._end)
        handle.write(line)
        self._offsets.append(self._end)
        self._end += len(line)

    def extend(self, items: Iterable[dict[str, Any]]) -> None:
        """Add several items at the end."""
        for item in items:
            self.append(item)

    def __len__(self) -> int:
        return len(self._offsets)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        offset = self._offsets[index]  # IndexError as for a list
        handle = self._handle()
        handle.seek(offset)
        item: dict[str, Any] = json.loads(handle.readline())
        return item

    def __iter__(self) -> Iterator[dict[str, Any]]:
        if self._file is None:
            return
        handle = self._file
        position = 0
        for _ in range(len(self)):
            handle.seek(position)
            line = handle.readline()
            position += len(line)
            yield json.loads(line)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Spill | list):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Spill({len(self)} items)"

    def close(self) -> None:
        """Drop the file (the items are gone)."""
        if self._file is not None:
            self._file.close()
            self._file = None
            self._offsets = array("q")
            self._end = 0


class View(Sequence[dict[str, Any]]):
    """Items of a spill in another order, each passed through a function (the ranked
    proposals: dicts with their rank)."""

    def __init__(self, spill: Sequence[dict[str, Any]], order: Sequence[int], make: Any) -> None:
        self._spill = spill
        self._order = order
        self._make = make

    def __len__(self) -> int:
        return len(self._order)

    def source_index(self, position: int) -> int:
        """Where the item at `position` is in the underlying sequence."""
        return self._order[position]

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        position = range(len(self))[index]
        made: dict[str, Any] = self._make(position, self._spill[self._order[position]])
        return made

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for position, index in enumerate(self._order):
            yield self._make(position, self._spill[index])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]
