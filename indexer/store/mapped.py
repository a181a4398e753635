"""Index files read through memory maps.

Whoosh's FileStorage reads a segment file with a seek and a read for every term entry,
document frequency, posting block and stored document: two system calls each, and each one
lets go of the GIL. In a threaded web worker a thread that lets go of the GIL waits to get it
back behind any thread that is computing, up to the interpreter's switch interval (5 ms), so
a query of a few dozen reads could wait longer than it worked. Read through a memory map, each of
these is a slice of memory, and the kernel's page cache still holds one copy of the files for
every process.

Segment files are never changed once written: an update writes new files and a switch
deletes whole generations, and a mapping keeps a deleted file readable, as an open file does.
"""

import mmap
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile


class MappedFile(StructFile):
    """A read-only file whose reads are slices of its memory map."""

    def __init__(self, path: str, name: str) -> None:
        with open(path, "rb") as f:
            # The map stays valid after the file object is closed.
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        super().__init__(self._map, name=name)

    def get(self, position: int, length: int) -> bytes:
        return self._map[position : position + length]


class MappedStorage(FileStorage):
    """A folder of index files that opens them for reading through memory maps."""

    def open_file(self, name: str, **kwargs: Any) -> StructFile:
        path = self._fpath(name)
        try:
            return MappedFile(path, name)
        except ValueError:
            # An empty file cannot be mapped.
            return super().open_file(name, **kwargs)
