"""Reading git objects, each one verified.

Only the fetched commit's objects are read (``ls-tree``, ``cat-file``):
nothing is checked out, so symbolic links and submodules are never followed.
Every object read is verified: the id, type and size git announces must be
the ones asked for, and the content must hash to the id.
"""

import hashlib
from dataclasses import dataclass

from .git_url import GitError

HASHES = {40: "sha1", 64: "sha256"}
HEADER_MAX = 256  # bytes of one ``cat-file --batch`` header line
PATH_MAX = 4096  # bytes of one path in a tree listing
LISTING_MAX = 64 * 2**20  # bytes of a whole tree listing


@dataclass(frozen=True)
class TreeEntry:
    mode: str
    kind: str  # blob, tree or commit (a submodule)
    sha: str
    size: int  # -1 for trees and submodules
    path: str

    @property
    def is_regular_file(self):
        return self.kind == "blob" and self.mode in ("100644", "100755")

    @property
    def is_symlink(self):
        return self.mode == "120000"

    @property
    def is_submodule(self):
        return self.kind == "commit"


def write_all(stream, data):
    try:
        stream.write(data)
        stream.close()
    except (OSError, ValueError):
        pass  # git stopped (checked by the reader)


def tree_entry(record):
    meta, tab, path = record.partition(b"\t")
    fields = meta.split()
    if not tab or len(fields) != 4:
        raise GitError("object", "malformed tree listing")
    if len(path) > PATH_MAX:
        raise GitError("object", "a path longer than PATH_MAX")
    mode, kind, sha, size = fields
    return TreeEntry(
        mode=mode.decode(),
        kind=kind.decode(),
        sha=sha.decode(),
        size=int(size) if size != b"-" else -1,
        path=path.decode("utf-8", "surrogateescape"),
    )


def read_object(stream, sha, sizes, max_size, budget):
    header = stream.readline(HEADER_MAX)
    if not header.endswith(b"\n"):
        raise GitError("object", f"{sha}: no answer from git")
    parts = header.split()
    if len(parts) == 2 and parts[1] == b"missing":
        raise GitError("object", f"{sha}: missing")
    if len(parts) != 3 or not parts[2].isdigit():
        raise GitError("object", f"{sha}: malformed answer")
    got, kind, size = parts[0].decode("ascii", "replace"), parts[1], int(parts[2])
    if got != sha:
        raise GitError("object", f"{sha}: git answered for {got}")
    if kind != b"blob":
        raise GitError(
            "object", f"{sha}: a {kind.decode('ascii', 'replace')} where a file was"
        )
    if sha in sizes and sizes[sha] != size:
        raise GitError("object", f"{sha}: size {size}, listed as {sizes[sha]}")
    if max_size and size > max_size:
        raise GitError("object", f"{sha}: {size} bytes")
    if budget is not None:
        budget.take(size)
    data = stream.read(size)
    if len(data) != size or stream.read(1) != b"\n":
        raise GitError("object", f"{sha}: truncated")
    algorithm = HASHES.get(len(sha))
    if not algorithm:
        raise GitError("object", f"{sha}: not an object id")
    digest = hashlib.new(algorithm, b"blob %d\0" % size)
    digest.update(data)
    if digest.hexdigest() != sha:
        raise GitError("object", f"{sha}: content does not match its id")
    return data
