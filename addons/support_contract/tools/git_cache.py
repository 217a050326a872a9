"""A repository's cache on disk: its size, and its removal."""

import os
import shutil
import threading


def tree_size(path):
    """Bytes of the files under ``path`` (what a cache takes on disk)."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue
    return total


def remove_cache(path):
    """Remove a repository's cache: renamed first (one atomic step, so a
    process killed halfway leaves no half cache that looks whole), then
    deleted. Safe to call twice."""
    if not os.path.lexists(path):
        return
    trash = f"{path}.removed-{os.getpid()}-{threading.get_ident()}"
    try:
        os.rename(path, trash)
    except OSError:
        trash = path
    shutil.rmtree(trash, ignore_errors=True)
