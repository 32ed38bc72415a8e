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
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any, overload

Item = dict[str, Any]


class _Items(Sequence[Item]):
    """What a spill and a view share: indexing (slices too) and comparison with a list,
    built on `_item(position)` and `__len__`."""

    def _item(self, position: int) -> Item:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> Item: ...

    @overload
    def __getitem__(self, index: slice) -> list[Item]: ...

    def __getitem__(self, index: int | slice) -> Item | list[Item]:
        if isinstance(index, slice):
            return [self._item(i) for i in range(*index.indices(len(self)))]
        return self._item(range(len(self))[index])  # IndexError as for a list

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


class Spill(_Items):
    """An append-only sequence of JSON-able dicts, stored one line each in a temporary file."""

    def __init__(self, items: Iterable[Item] = ()) -> None:
        self._file: IO[bytes] | None = None
        self._offsets = array("q")
        self._end = 0
        self.extend(items)

    def _handle(self) -> IO[bytes]:
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="esj-batch-")  # noqa: SIM115 - lives with the spill
        return self._file

    def append(self, item: Item) -> None:
        """Add one item at the end."""
        line = json.dumps(item, ensure_ascii=False, separators=(",", ":"), default=str).encode()
        handle = self._handle()
        handle.seek(self._end)
        handle.write(line + b"\n")
        self._offsets.append(self._end)
        self._end += len(line) + 1

    def extend(self, items: Iterable[Item]) -> None:
        """Add several items at the end."""
        for item in items:
            self.append(item)

    def __len__(self) -> int:
        return len(self._offsets)

    def _item(self, position: int) -> Item:
        handle = self._handle()
        handle.seek(self._offsets[position])
        item: Item = json.loads(handle.readline())
        return item

    def __iter__(self) -> Iterator[Item]:
        # by position, not by reading on: a read of another item in between moves the file
        for position in range(len(self)):
            yield self._item(position)

    def __repr__(self) -> str:
        return f"Spill({len(self)} items)"

    def close(self) -> None:
        """Drop the file (the items are gone)."""
        if self._file is not None:
            self._file.close()
            self._file = None
            self._offsets = array("q")
            self._end = 0


class View(_Items):
    """Items of a spill in another order, each passed through a function (the ranked
    proposals: dicts with their rank)."""

    def __init__(
        self, spill: Sequence[Item], order: Sequence[int], make: Callable[[int, Item], Item]
    ) -> None:
        self._spill = spill
        self._order = order
        self._make = make

    def __len__(self) -> int:
        return len(self._order)

    def source_index(self, position: int) -> int:
        """Where the item at `position` is in the underlying sequence."""
        return self._order[position]

    def _item(self, position: int) -> Item:
        return self._make(position, self._spill[self._order[position]])
