"""Real git repositories made by the tests (no network, no mocks)."""

import os
import shutil
import subprocess
import tempfile

GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
}


def git(path, *args):
    return subprocess.run(
        ["git", *args],
        cwd=path,
        env={**os.environ, **GIT_ENV},
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


class GitFixture:
    """A work tree with commits; ``url`` is its path (local URLs allowed)."""

    def __init__(self, files=None, branch="main"):
        self.path = tempfile.mkdtemp(prefix="support-fixture-")
        git(self.path, "init", "--quiet", f"--initial-branch={branch}")
        if files:
            self.commit(files)

    @property
    def url(self):
        return self.path

    def put(self, files):
        for rel, content in files.items():
            target = os.path.join(self.path, rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if isinstance(content, tuple) and content[0] == "symlink":
                if os.path.lexists(target):
                    os.remove(target)
                os.symlink(content[1], target)
            elif content is None:
                if os.path.lexists(target):
                    os.remove(target)
            else:
                mode = "wb" if isinstance(content, bytes) else "w"
                with open(target, mode) as handle:
                    handle.write(content)

    def commit(self, files=None, message="change"):
        if files:
            self.put(files)
        git(self.path, "add", "--all")
        git(self.path, "commit", "--quiet", "--allow-empty", "-m", message)
        return git(self.path, "rev-parse", "HEAD")

    def add_submodule_entry(self, rel, sha):
        """A gitlink entry (a submodule) at ``rel``, without fetching anything."""
        git(self.path, "update-index", "--add", "--cacheinfo", f"160000,{sha},{rel}")
        git(self.path, "commit", "--quiet", "-m", "submodule")

    def cleanup(self):
        shutil.rmtree(self.path, ignore_errors=True)


# -- crafted objects: what a hostile customer can push --------------------


def write_object(path, kind, data):
    """Store a raw object of ``kind`` (no checks: git takes it as given)."""
    return (
        subprocess.run(
            ["git", "hash-object", "-t", kind, "-w", "--stdin", "--literally"],
            cwd=path,
            input=data,
            env={**os.environ, **GIT_ENV},
            check=True,
            capture_output=True,
        )
        .stdout.decode()
        .strip()
    )


def write_tree(path, entries):
    """A tree object of ``entries`` [(mode bytes, name bytes, sha hex)]."""
    data = b"".join(
        mode + b" " + name + b"\0" + bytes.fromhex(sha)
        for mode, name, sha in sorted(entries, key=lambda e: e[1])
    )
    return write_object(path, "tree", data)


def tree_entries(path, treeish):
    """[(mode, name, sha)] of one tree, as write_tree takes them."""
    out = git(path, "ls-tree", treeish)
    entries = []
    for line in out.splitlines():
        meta, name = line.split("\t", 1)
        mode, _kind, sha = meta.split()
        entries.append((mode.encode(), name.encode(), sha))
    return entries


def commit_tree(path, tree, message="crafted"):
    """A commit of ``tree`` made the branch's head."""
    sha = git(path, "commit-tree", tree, "-m", message)
    git(path, "update-ref", "HEAD", sha)
    return sha
