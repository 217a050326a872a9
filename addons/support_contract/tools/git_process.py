"""A git process bounded in time and disk, and what its failure means."""

import contextlib
import resource
import subprocess
import tempfile
import threading
import time

from .git_cache import tree_size

WATCH_INTERVAL = 0.02  # seconds between two looks at a fetch's cache size


class GitProcess:
    """A git process with a watchdog; its stderr goes to a file.

    ``watch``: (folder, max bytes): git is stopped as soon as the folder
    grows past it (``too_large``), and no file it writes may be larger
    (RLIMIT_FSIZE, the kernel's bound)."""

    def __init__(self, args, env, cwd, timeout, watch=None):
        self.stderr = tempfile.TemporaryFile(dir=cwd)
        self.timed_out = False
        self.proc = subprocess.Popen(
            args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            env=env,
            cwd=cwd,
            close_fds=True,
        )
        self.timer = threading.Timer(timeout, self._expire)
        self.timer.daemon = True
        self.timer.start()
        self.too_large = False
        self.watcher = None
        if watch and watch[1]:
            folder, limit = watch
            with contextlib.suppress(OSError, ValueError):
                resource.prlimit(
                    self.proc.pid, resource.RLIMIT_FSIZE, (limit + 1, limit + 1)
                )
            self.watcher = threading.Thread(
                target=self._watch, args=(folder, limit), daemon=True
            )
            self.watcher.start()

    def _watch(self, folder, limit):
        while self.proc.poll() is None:
            if tree_size(folder) > limit:
                self.too_large = True
                self.kill()
                return
            time.sleep(WATCH_INTERVAL)

    def _expire(self):
        self.timed_out = True
        self.kill()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()

    def error_text(self):
        self.stderr.seek(0)
        return self.stderr.read(65536).decode("utf-8", "replace")

    def finish(self):
        self.timer.cancel()
        self.kill()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self.proc.wait()
        self.stderr.close()


def classify(stderr):
    """The kind of a failed fetch, from git's message."""
    text = stderr.lower()
    if "remote host identification has changed" in text or (
        "host key verification failed" in text
    ):
        return "host-key"
    if (
        "fsck" in text
        or "invalid tree" in text
        or "index-pack failed" in text
        or "is a blob, not a tree" in text
        or "is a tree, not a blob" in text
        or "bad object" in text
    ):
        return "corrupt"
    if "could not find remote ref" in text or "couldn't find remote ref" in text:
        return "branch"
    if (
        "authentication failed" in text
        or "permission denied" in text
        or "could not read username" in text
        or "invalid username or password" in text
        or "403" in text
        or "401" in text
    ):
        return "auth"
    if "not found" in text or "does not appear to be a git repository" in text:
        return "not-found"
    if (
        "could not resolve host" in text
        or "connection refused" in text
        or "connection timed out" in text
        or "network is unreachable" in text
        or "failed to connect" in text
        or "could not read from remote repository" in text
    ):
        return "unreachable"
    return "git"
