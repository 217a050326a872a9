"""Odoo's cloc rules, and what a count gives.

The rules ``odoo-bin cloc -p <addon>`` applies, taken from ``odoo.tools.cloc``
itself: which folders are addons, which files a manifest's patterns exclude
(matched on the addon's tree as git stores it, no file system touched), the
version of the rules every cached count carries; and the shapes of a count:
``ModuleCount``, the reasons a file is not counted, ``CountError``.

Imported by the worker processes (``cloc_worker.py``) as a plain module: it
imports nothing of this package.
"""

import ast
import contextlib
import fnmatch
import functools
import hashlib
import inspect
import os
import re
from dataclasses import dataclass, field

from odoo.tools import cloc as odoo_cloc

ENGINE_VERSION = 3
_CLOC_SOURCE = hashlib.sha1(inspect.getsource(odoo_cloc).encode()).hexdigest()[:12]
RULES_VERSION = f"{odoo_cloc.VERSION}-{ENGINE_VERSION}-{_CLOC_SOURCE}"
MANIFEST = "__manifest__.py"
# Odoo reads no literal over 100 KiB (its literal_eval bound): a bigger
# manifest has no patterns for odoo-bin cloc either, so it is not even read.
MANIFEST_MAX_SIZE = 100 * 2**10


class CountError(Exception):
    """A count stopped at one of its bounds; ``kind`` names the bound."""

    def __init__(self, kind, detail=""):
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


# Reasons a file is not counted, besides cloc's own ("Syntax Error", "Max line
# size exceeded", "Max file size exceeded").
SYMLINK = "Symbolic link: not read"
SUBMODULE = "Submodule: not fetched"
TOO_SLOW = "Counting took too long"
TOO_BIG = "Counting needed too much memory"


@dataclass
class ModuleCount:
    name: str
    path: str
    code: int = 0
    total: int = 0
    errors: dict = field(default_factory=dict)  # relative path -> reason
    # Excluded by the customer's own declarations (manifest cloc_exclude,
    # demo files; a database's __cloc_exclude__): counted aside, not charged.
    declared_files: int = 0
    declared_code: int = 0
    declared_total: int = 0

    @property
    def other(self):
        return self.total - self.code

    def as_json(self):
        return {
            "name": self.name,
            "path": self.path,
            "code": self.code,
            "total": self.total,
            "errors": self.errors,
            "declared_files": self.declared_files,
            "declared_code": self.declared_code,
            "declared_total": self.declared_total,
        }

    @classmethod
    def from_json(cls, data):
        return cls(**data)


def find_modules(entries, folders=()):
    """Addon folders of a tree: folders holding a regular ``__manifest__.py``.

    ``""`` is the repository itself when its root is an addon. Only addons
    under one of ``folders`` (all when empty). An addon inside another addon's
    folder is part of the outer one, as ``cloc -p`` counts it.
    """
    prefixes = [f.strip("/") + "/" for f in folders if f.strip("/")]
    roots = sorted(
        os.path.dirname(e.path)
        for e in entries
        if os.path.basename(e.path) == MANIFEST and e.is_regular_file
    )
    if "" in roots:
        return [""]
    modules = []
    for root in roots:
        if prefixes and not any((root + "/").startswith(p) for p in prefixes):
            continue
        if any((root + "/").startswith(m + "/") for m in modules):
            continue
        modules.append(root)
    return modules


def manifest_excludes(manifest_bytes):
    """The exclusion patterns of cloc's ``count_path`` for a manifest.

    Empty when there is no manifest (then cloc excludes nothing).
    """
    if manifest_bytes is None:
        return []
    patterns = list(odoo_cloc.DEFAULT_EXCLUDE)
    if len(manifest_bytes) > MANIFEST_MAX_SIZE:
        return patterns
    # As cloc: a broken manifest only loses its own patterns (those read
    # before the error stay).
    with contextlib.suppress(Exception):
        data = ast.literal_eval(manifest_bytes.decode("latin1"))
        for key in ("cloc_exclude", "demo", "demo_xml"):
            patterns.extend(data.get(key, []))
    return patterns


def excluded_files(paths, patterns):
    """Files (relative to the addon) that cloc's glob patterns exclude.

    ``pathlib.Path.glob`` (Python 3.11, as cloc calls it) evaluated on the
    addon's own tree as git stores it, in memory: no file system is touched,
    so a pattern cannot reach anything outside the addon. A pattern with
    ``..`` never excludes anything in cloc (it compares unnormalised paths),
    nor here; a pattern cloc's glob refuses (absolute, ``**`` inside a name)
    stops cloc, and excludes nothing here.
    """
    tree = _VirtualTree(paths)
    excluded = set()
    for pattern in patterns:
        if not pattern or not isinstance(pattern, str):
            continue
        parts = [p for p in pattern.split("/") if p and p != "."]
        if pattern.startswith("/") or not parts or ".." in parts:
            continue
        if any("**" in p and p != "**" for p in parts) or parts.count("**") > 2:
            continue
        if pattern.endswith("/"):
            parts.append("")
        excluded.update(tree.glob(tuple(parts)))
    return excluded


class _VirtualTree:
    """Directories and files of an addon, for pathlib's glob semantics."""

    def __init__(self, paths):
        self.children = {"": []}
        self.dirs = {""}
        self.files = set()
        for path in paths:
            parts = path.split("/")
            for index, name in enumerate(parts):
                parent = "/".join(parts[:index])
                current = "/".join(parts[: index + 1])
                if index == len(parts) - 1:
                    self.files.add(current)
                    self.children.setdefault(parent, []).append((name, False))
                elif current not in self.dirs:
                    self.dirs.add(current)
                    self.children.setdefault(parent, []).append((name, True))
                    self.children.setdefault(current, [])

    @staticmethod
    def _join(parent, name):
        return f"{parent}/{name}" if parent else name

    def glob(self, parts):
        return set(self._select(parts, ""))

    def _select(self, parts, parent):
        if not parts or not parts[0]:
            yield parent  # the terminating selector
            return
        pat, rest = parts[0], parts[1:]
        dironly = bool(rest)
        if pat == "**":
            seen = set()
            for start in self._walk(parent):
                for match in self._select(rest, start):
                    if match not in seen:
                        seen.add(match)
                        yield match
        elif any(ch in pat for ch in "*?["):
            match = _compile_glob(pat)
            for name, is_dir in self.children.get(parent, ()):
                if dironly and not is_dir:
                    continue
                if match(name):
                    yield from self._select(rest, self._join(parent, name))
        else:
            path = self._join(parent, pat)
            if path in self.dirs or (not dironly and path in self.files):
                yield from self._select(rest, path)

    def _walk(self, parent):
        yield parent
        for name, is_dir in self.children.get(parent, ()):
            if is_dir:
                yield from self._walk(self._join(parent, name))


@functools.lru_cache(maxsize=256)
def _compile_glob(pattern):
    return re.compile(fnmatch.translate(pattern)).fullmatch
