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
  blob read is hashed again here (``git_repo.read_blobs``): a cached count is
  always the count of the content behind its id;
- a whole count is bounded (``Limits``): tree entries, bytes read, manifest
  size, exclusion patterns and the time matching them (in a worker), time.
  Beyond a bound the count stops with ``CountError`` and nothing is cached
  from it.

No ORM here: the cache is any object with ``get(key)`` and ``set(key,
value)`` (``DictCache`` in memory; the models store it in the database).
"""

import ast
import contextlib
import fnmatch
import functools
import hashlib
import inspect
import json
import os
import queue
import re
import select
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

from odoo.tools import cloc as odoo_cloc

ENGINE_VERSION = 3
_CLOC_SOURCE = hashlib.sha1(inspect.getsource(odoo_cloc).encode()).hexdigest()[:12]
RULES_VERSION = f"{odoo_cloc.VERSION}-{ENGINE_VERSION}-{_CLOC_SOURCE}"
MANIFEST = "__manifest__.py"
WORKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cloc_worker.py")

# Bounds of one file: beyond them the file is an error, like a file cloc
# cannot parse. Ordinary files take milliseconds and a few MB.
FILE_TIMEOUT = 20.0
WORKER_MEMORY = 1536 * 2**20
# Odoo reads no literal over 100 KiB (its literal_eval bound): a bigger
# manifest has no patterns for odoo-bin cloc either, so it is not even read.
MANIFEST_MAX_SIZE = 100 * 2**10
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


class DictCache(dict):
    def set(self, key, value):
        self[key] = value


# ---------------------------------------------------------------------------
# Parsing in bounded worker processes
# ---------------------------------------------------------------------------


class WorkerPool:
    """Worker processes running Odoo's parsers, with per-file bounds.

    Use it as a context manager: the workers live until it closes, so a run
    over many repositories starts them once.
    """

    def __init__(self, size=None, timeout=FILE_TIMEOUT, memory=WORKER_MEMORY):
        self.size = max(1, size or min(os.cpu_count() or 1, 4))
        self.timeout = timeout
        self.memory = memory
        self.procs = [None] * self.size
        self.spawned = {}  # index -> a worker started, not yet ready

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self):
        for proc in self.spawned.values():
            self._stop(proc, kill=True)
        self.spawned = {}
        for index, proc in enumerate(self.procs):
            if proc is not None:
                self._stop(proc)
                self.procs[index] = None

    def _stop(self, proc, kill=False):
        if kill:
            proc.kill()
        else:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()

    def _spawn(self):
        return subprocess.Popen(
            [sys.executable, WORKER, str(self.memory)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            close_fds=True,
        )

    def _wait_ready(self, proc):
        line = self._readline(proc, 60)
        if not line or not json.loads(line).get("ready"):
            self._stop(proc, kill=True)
            raise RuntimeError("the cloc worker did not start")
        return proc

    def _start(self):
        return self._wait_ready(self._spawn())

    def spawn(self):
        """Start the missing workers without waiting for them: they import
        Odoo while the caller reads git."""
        for index, proc in enumerate(self.procs):
            if proc is None and index not in self.spawned:
                self.spawned[index] = self._spawn()

    def _start_all(self):
        """Start the missing workers side by side (each takes a moment to
        import Odoo): the parsing that follows finds them ready."""
        self.spawn()
        for index in range(self.size):
            self._worker(index)

    def _worker(self, index):
        if self.procs[index] is None:
            spawned = self.spawned.pop(index, None)
            self.procs[index] = self._wait_ready(spawned) if spawned else self._start()
        return self.procs[index]

    def _readline(self, proc, timeout):
        deadline = time.monotonic() + timeout
        fd = proc.stdout.fileno()
        chunks = b""
        while not chunks.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _w, _x = select.select([fd], [], [], remaining)
            if not ready:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                return None
            chunks += chunk
        return chunks

    def parse(self, tasks, deadline=None):
        """{key: (code, total) or (-1, reason)} for tasks [(key, ext, bytes)]
        (or (key, ext, bytes, encoding); latin1 by default, as cloc reads).

        Files go to the workers in batches; a batch that stalls or exhausts
        its worker is parsed again file by file, so the bound applies to
        each file and only the guilty file is reported. Past ``deadline``
        (``time.monotonic()``) the workers are stopped and
        CountError('count-timeout') raised.
        """
        results = {}
        if not tasks:
            return results
        todo = queue.Queue()
        for batch in _batches(sorted(tasks, key=lambda t: -len(t[2]))):
            todo.put(batch)
        failures = []

        def run(index):
            try:
                while True:
                    try:
                        batch = todo.get_nowait()
                    except queue.Empty:
                        return
                    answers, failure = self._parse_batch(index, batch, deadline)
                    if failure and len(batch) > 1:
                        answers = []
                        for task in batch:
                            single, failure = self._parse_batch(index, [task], deadline)
                            answers.append(single[0] if single else (-1, failure))
                    elif failure:
                        answers = [(-1, failure)]
                    for task, answer in zip(batch, answers, strict=True):
                        results[task[0]] = answer
            except Exception as error:  # reported to the caller below
                failures.append(error)

        workers = min(self.size, todo.qsize())
        threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if failures:
            raise failures[0]
        return results

    def _parse_batch(self, index, batch, deadline=None):
        """(answers, None) for a batch, or (None, reason) when its worker
        stalled (too slow) or died (too much memory)."""
        timeout = self.timeout * len(batch)
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            raise CountError("count-timeout")
        proc = self._worker(index)
        header = {
            "files": [
                {
                    "ext": task[1],
                    "size": len(task[2]),
                    "encoding": task[3] if len(task) > 3 else "latin1",
                }
                for task in batch
            ]
        }
        try:
            proc.stdin.write(json.dumps(header).encode() + b"\n")
            for task in batch:
                proc.stdin.write(task[2])
            proc.stdin.flush()
            line = self._readline(
                proc, timeout if remaining is None else min(timeout, remaining)
            )
        except BrokenPipeError:
            line = None
        if line is None and remaining is not None and remaining < timeout:
            if deadline - time.monotonic() <= 0:
                self._stop(proc, kill=True)
                self.procs[index] = None
                raise CountError("count-timeout")
        if line is None:
            reason = TOO_SLOW if proc.poll() is None else TOO_BIG
            self._stop(proc, kill=True)
            self.procs[index] = None
            return None, reason
        answers = []
        for answer in json.loads(line):
            if "error" in answer:
                reason = TOO_BIG if answer["error"] == "memory" else answer["error"]
                answers.append((-1, reason))
            else:
                answers.append((answer["code"], answer["total"]))
        if any(reason == TOO_BIG for _code, reason in answers):
            # A worker that ran out of memory is not trusted further.
            self._stop(proc, kill=True)
            self.procs[index] = None
        return answers, None

    def exclusions(self, jobs, max_patterns, timeout):
        """Files each addon's manifest excludes, computed in a worker.

        ``jobs``: [(manifest bytes or None, [relative paths])]; returns per
        job (excluded paths, paths excluded by the manifest's own patterns).
        A manifest with more than ``max_patterns`` patterns, or matching
        that takes longer than ``timeout`` seconds (or too much memory),
        stops the count with CountError: only the worker is stopped.
        """
        if not jobs:
            return []
        self._start_all()
        proc = self.procs[0]
        request = {
            "exclude": [
                {
                    "manifest": None if data is None else data.decode("latin1"),
                    "paths": paths,
                }
                for data, paths in jobs
            ],
            "max_patterns": max_patterns,
        }
        try:
            proc.stdin.write(json.dumps(request).encode() + b"\n")
            proc.stdin.flush()
            line = self._readline(proc, timeout)
        except BrokenPipeError:
            line = None
        if line is None:
            self._stop(proc, kill=True)
            self.procs[0] = None
            raise CountError("exclude-timeout", str(timeout))
        answers = []
        for index, answer in enumerate(json.loads(line)):
            if "error" in answer:
                error = CountError("exclude-patterns", str(answer["count"]))
                error.index = index
                raise error
            answers.append((set(answer["excluded"]), set(answer["declared"])))
        return answers


BATCH_FILES = 64
BATCH_BYTES = 2**20


def _batches(tasks):
    batch, size = [], 0
    for task in tasks:
        if batch and (len(batch) >= BATCH_FILES or size + len(task[2]) > BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(task)
        size += len(task[2])
    if batch:
        yield batch


# ---------------------------------------------------------------------------
# Addons of a commit
# ---------------------------------------------------------------------------


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
