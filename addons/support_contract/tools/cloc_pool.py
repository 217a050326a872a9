"""Odoo's parsers in worker processes, each file bounded in time and memory.

``WorkerPool`` runs ``cloc_worker.py`` processes: a hostile file becomes an
error (``TOO_SLOW``, ``TOO_BIG``) instead of stalling or exhausting the Odoo
process, and an addon's exclusion patterns are parsed and matched there too.
"""

import contextlib
import json
import os
import queue
import select
import subprocess
import sys
import threading
import time

from .cloc_rules import TOO_BIG, TOO_SLOW, CountError

WORKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cloc_worker.py")

# Bounds of one file: beyond them the file is an error, like a file cloc
# cannot parse. Ordinary files take milliseconds and a few MB.
FILE_TIMEOUT = 20.0
WORKER_MEMORY = 1536 * 2**20


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
