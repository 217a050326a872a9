"""Count the code lines of a git commit's Odoo addons with Odoo's cloc rules.

``odoo-bin cloc -p <addon>`` is the reference: for every addon folder (a
folder with ``__manifest__.py``) this gives the same code lines, other lines
and errors, using ``odoo.tools.cloc`` itself for the exclusions and the
per-language parsing. What it adds around cloc:

- it reads the files from git objects (``git_repo``), never from a checkout:
  only regular files of the commit are read; a symbolic link or a submodule is
  listed as not counted instead of being followed;
- every file is parsed in a worker process with a time and memory bound, so a
  hostile file becomes an error instead of stalling the run;
- results are cached by git object id (blob for a file, tree for an addon,
  commit for a whole count) and by the cloc rules' version, so an unchanged
  addon costs a dictionary look-up. Every id is one whose content git hashed
  itself when the fetch received it (``index-pack``, with fsck on), and every
  blob read is hashed again here (``GitRepository.read_blobs``): a cached count is
  always the count of the content behind its id;
- a whole count is bounded (``Limits``): tree entries, bytes read, manifest
  size, exclusion patterns and the time matching them (in a worker), time.
  Beyond a bound the count stops with ``CountError`` and nothing is cached
  from it.

No ORM here: the cache is any object with ``get(key)`` and ``set(key,
value)`` (``DictCache`` in memory; the models store it in the database).
"""

import hashlib
import json
import os
import time
from dataclasses import dataclass

from odoo.tools import cloc as odoo_cloc

from .cloc_pool import WorkerPool
from .cloc_rules import (
    MANIFEST,
    MANIFEST_MAX_SIZE,
    RULES_VERSION,
    SUBMODULE,
    SYMLINK,
    TOO_BIG,
    TOO_SLOW,
    CountError,
    ModuleCount,
    find_modules,
)

# Blobs are read and parsed in slices of about this many bytes, so the Odoo
# process never holds more than one slice of a repository's files.
READ_SLICE = 32 * 2**20


@dataclass(frozen=True)
class Limits:
    """Bounds of one whole count (one repository at one commit)."""

    tree_entries: int = 200_000  # entries of ``ls-tree -r``, folders included
    total_bytes: int = 512 * 2**20  # bytes of every file read from git
    manifest_size: int = MANIFEST_MAX_SIZE  # a bigger manifest is not read
    exclude_patterns: int = 1_000  # cloc_exclude/demo patterns of one manifest
    exclude_seconds: float = 60.0  # matching every addon's patterns
    seconds: float = 900.0  # the whole count, fetch included


class DictCache(dict):
    def set(self, key, value):
        self[key] = value


class _Plan:
    """What counting one addon needs: its files, and which blobs to parse."""

    def __init__(self, name, root):
        self.result = ModuleCount(name=name, path=root)
        self.files = []  # (relative path, blob key)
        self.declared = []  # (relative path, blob key): excluded by the customer
        self.module_key = None
        self.inside = []  # entries of the addon, trees left out
        self.prefix = ""


def _plan_module(root, name, tree_sha, entries, cache):
    """The addon's plan, from the cache when its tree was counted before."""
    plan = _Plan(name, root)
    plan.module_key = f"module:{tree_sha}:{RULES_VERSION}"
    cached = cache.get(plan.module_key)
    if cached:
        plan.result = ModuleCount.from_json(json.loads(cached))
        plan.result.name, plan.result.path = name, root
        plan.module_key = None
        return plan
    plan.prefix = root + "/" if root else ""
    plan.inside = [
        e for e in entries if e.path.startswith(plan.prefix) and e.kind != "tree"
    ]
    return plan


def _plan_files(plan, excluded, cache, needed):
    """Which of the addon's files are counted; blobs not cached go to ``needed``.

    ``excluded``: (paths excluded, paths the customer's own patterns
    exclude); the latter are counted aside (``declared``)."""
    prefix = plan.prefix
    excluded, declared = excluded
    for entry in sorted(plan.inside, key=lambda e: e.path):
        rel = entry.path[len(prefix) :]
        ext = os.path.splitext(entry.path)[1].lower()
        if ext not in odoo_cloc.VALID_EXTENSION:
            continue
        if rel in excluded:
            if rel in declared:
                plan.result.declared_files += 1
                if entry.is_regular_file and entry.size <= odoo_cloc.MAX_FILE_SIZE:
                    key = f"blob:{entry.sha}:{ext}:{RULES_VERSION}"
                    plan.declared.append((rel, key))
                    if not cache.get(key):
                        needed[key] = (entry.sha, ext, entry.size)
            continue
        if entry.is_symlink:
            plan.result.errors[rel] = SYMLINK
        elif entry.is_submodule:
            plan.result.errors[rel] = SUBMODULE
        elif not entry.is_regular_file:
            continue
        elif entry.size > odoo_cloc.MAX_FILE_SIZE:
            plan.result.errors[rel] = "Max file size exceeded"
        else:
            key = f"blob:{entry.sha}:{ext}:{RULES_VERSION}"
            plan.files.append((rel, key))
            if not cache.get(key):
                needed[key] = (entry.sha, ext, entry.size)
    plan.inside = []


def _slices(needed):
    """``needed`` items in slices of about READ_SLICE bytes."""
    current, size = [], 0
    for key, (sha, ext, blob_size) in needed.items():
        if current and size + blob_size > READ_SLICE:
            yield current
            current, size = [], 0
        current.append((key, sha, ext, blob_size))
        size += blob_size
    if current:
        yield current


def count_commit(
    repo, commit, folders=(), cache=None, pool=None, name="", limits=None, deadline=None
):
    """[ModuleCount] of every addon of ``commit``.

    ``name`` names the addon when the repository root is itself an addon.
    ``limits`` bounds the count (``Limits()`` when not given); ``deadline``
    (``time.monotonic()``) ends it, by default ``limits.seconds`` from now.
    """
    cache = DictCache() if cache is None else cache
    limits = limits or Limits()
    if deadline is None:
        deadline = time.monotonic() + limits.seconds
    folders_key = hashlib.sha1(
        json.dumps([sorted(folders), name]).encode()
    ).hexdigest()[:12]
    commit_key = f"commit:{commit}:{folders_key}:{RULES_VERSION}"
    cached = cache.get(commit_key)
    if cached:
        return [ModuleCount.from_json(data) for data in json.loads(cached)]
    if pool is not None:
        pool.spawn()
    entries = repo.tree(commit, max_entries=limits.tree_entries)
    _check_deadline(deadline)
    trees = {e.path: e.sha for e in entries if e.kind == "tree"}
    trees[""] = repo.tree_sha(commit)
    plans = [
        _plan_module(
            root, os.path.basename(root) or name or "addon", trees[root], entries, cache
        )
        for root in find_modules(entries, folders)
    ]
    del entries
    todo = [plan for plan in plans if plan.module_key]

    own_pool = pool is None
    pool = pool or WorkerPool()
    try:
        budget = _ReadBudget(limits.total_bytes)
        excluded = _exclusions(repo, todo, pool, limits, deadline, budget)
        needed = {}
        for plan, excluded_paths in zip(todo, excluded, strict=True):
            _plan_files(plan, excluded_paths, cache, needed)
        _check_deadline(deadline)
        parsed = _parse(repo, needed, pool, budget, deadline)
    finally:
        if own_pool:
            pool.close()
    for key, counted in parsed.items():
        if counted[1] not in (TOO_SLOW, TOO_BIG):
            cache.set(key, json.dumps(counted))
    results = [_result(plan, parsed, cache) for plan in plans]
    # A file over the time or memory bound may count next time, on a less
    # busy machine: such results are not cached.
    if not any(_bounded(result) for result in results):
        cache.set(commit_key, json.dumps([result.as_json() for result in results]))
    return results


def _exclusions(repo, todo, pool, limits, deadline, budget):
    """The excluded paths of each addon to count, matched in a worker."""
    manifests = [
        next(
            (
                e
                for e in plan.inside
                if e.path == plan.prefix + MANIFEST and e.is_regular_file
            ),
            None,
        )
        for plan in todo
    ]
    wanted = {
        e.sha: e.size
        for e in manifests
        if e is not None and e.size <= limits.manifest_size
    }
    blobs = repo.read_blobs(
        wanted, sizes=wanted, max_size=limits.manifest_size, budget=budget
    )
    jobs = []
    for plan, manifest in zip(todo, manifests, strict=True):
        # A manifest over the size bound is not read: its own patterns are
        # ignored, cloc's defaults apply.
        data = None if manifest is None else blobs.get(manifest.sha, b"")
        jobs.append((data, [e.path[len(plan.prefix) :] for e in plan.inside]))
    del blobs
    timeout = max(0.01, min(limits.exclude_seconds, deadline - time.monotonic()))
    try:
        return pool.exclusions(jobs, limits.exclude_patterns, timeout)
    except CountError as error:
        if error.kind != "exclude-patterns":
            raise
        raise CountError(
            "exclude-patterns", f"{todo[error.index].result.name}: {error.detail}"
        ) from None


def _parse(repo, needed, pool, budget, deadline):
    """Parse the blobs not cached, read from git a slice at a time."""
    parsed = {}
    for piece in _slices(needed):
        sizes = {sha: size for _key, sha, _ext, size in piece}
        blobs = repo.read_blobs(
            sizes, sizes=sizes, max_size=odoo_cloc.MAX_FILE_SIZE, budget=budget
        )
        _check_deadline(deadline)
        tasks = [(key, ext, blobs[sha]) for key, sha, ext, _size in piece]
        del blobs
        parsed.update(pool.parse(tasks, deadline=deadline))
        del tasks
    return parsed


def _result(plan, parsed, cache):
    if not plan.module_key:
        return plan.result
    for rel, key in plan.files:
        counted = parsed.get(key)
        if counted is None:
            counted = json.loads(cache.get(key))
        code, total = counted
        if code == -1:
            plan.result.errors[rel] = total
        else:
            plan.result.code += code
            plan.result.total += total
    for _rel, key in plan.declared:
        counted = parsed.get(key)
        if counted is None:
            counted = json.loads(cache.get(key))
        code, total = counted
        if code != -1:
            plan.result.declared_code += code
            plan.result.declared_total += total
    if not _bounded(plan.result):
        cache.set(plan.module_key, json.dumps(plan.result.as_json()))
    return plan.result


class _ReadBudget:
    """Bytes a whole count may still read from git objects."""

    def __init__(self, limit):
        self.limit = limit
        self.used = 0

    def take(self, size):
        self.used += size
        if self.limit and self.used > self.limit:
            raise CountError("too-many-bytes", str(self.limit))


def _check_deadline(deadline):
    if deadline is not None and time.monotonic() > deadline:
        raise CountError("count-timeout")


def _bounded(result):
    return any(reason in (TOO_SLOW, TOO_BIG) for reason in result.errors.values())
