"""Benchmark: the suite's code-line count against odoo-bin cloc, same tree, same run.

The tree is a git repository of real addons copied from the Odoo installed in
this Python (no network). Printed:

- lines per second of ``odoo-bin cloc -p <addon> ...`` (the baseline, one
  process for every addon, as a person runs it) and of the suite's first count
  of the commit (worker processes on every core, read from git objects),
  and their ratio;
- the time of a second count of the same, unchanged commit (cache warm) and
  its ratio to the first;
- the time of a count after one file changed;
- that both give the same numbers.

Each timing is the best of three runs, the baseline's included.
"""

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLS = os.path.join(ROOT, "addons", "support_contract", "tools")
PACKAGE = "support_contract_tools"
ADDON_COUNT = int(os.environ.get("BENCH_ADDONS", "60"))
RUNS = 3  # each timing is the best of this many runs


def load(name):
    """A module of the counting engine, its folder loaded as a package (the
    modules import one another), without Odoo's addons path."""
    if PACKAGE not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            PACKAGE,
            os.path.join(TOOLS, "__init__.py"),
            submodule_search_locations=[TOOLS],
        )
        package = importlib.util.module_from_spec(spec)
        sys.modules[PACKAGE] = package
        spec.loader.exec_module(package)
    return importlib.import_module(f"{PACKAGE}.{name}")


def git(path, *args):
    env = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "Bench",
        "GIT_AUTHOR_EMAIL": "bench@example.com",
        "GIT_COMMITTER_NAME": "Bench",
        "GIT_COMMITTER_EMAIL": "bench@example.com",
    }
    return subprocess.run(
        ["git", *args], cwd=path, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


def pick_addons():
    """The first addons, by name, of Odoo's own addons folder (no l10n, no tests)."""
    import odoo.release  # noqa: PLC0415

    community = os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(odoo.release.__file__))),
        "addons",
    )
    names = sorted(
        name
        for name in os.listdir(community)
        if os.path.isfile(os.path.join(community, name, "__manifest__.py"))
        and not name.startswith(("l10n_", "test_", "theme_"))
    )
    return community, names[:ADDON_COUNT]


def build_tree(work, community, names):
    tree = os.path.join(work, "customer-addons")
    os.makedirs(tree)
    for name in names:
        shutil.copytree(
            os.path.join(community, name),
            os.path.join(tree, name),
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    git(tree, "init", "--quiet", "--initial-branch=main")
    git(tree, "add", "--all")
    git(tree, "commit", "--quiet", "-m", "addons")
    return tree


def odoo_bin_cloc(tree, names):
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "odoo", "cloc"]
        + [arg for name in names for arg in ("-p", os.path.join(tree, name))],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    elapsed = time.perf_counter() - started
    counts = {}
    for name in names:
        row = re.search(rf"^{re.escape(name)}\s+(\d+)\s+(\d+)\s+(\d+)\s*$", out, re.M)
        total, _other, code = map(int, row.groups())
        counts[name] = (code, total)
    return elapsed, counts


def main():
    cloc_count = load("cloc_count")
    cloc_pool = load("cloc_pool")
    git_repo = load("git_repo")
    work = tempfile.mkdtemp(prefix="support-bench-")
    try:
        community, names = pick_addons()
        tree = build_tree(work, community, names)
        files = (
            int(
                git(
                    tree, "ls-files", "--", "*.py", "*.js", "*.xml", "*.css", "*.scss"
                ).count("\n")
            )
            + 1
        )

        runs = [odoo_bin_cloc(tree, names) for _run in range(RUNS)]
        baseline, cloc_counts = min(runs, key=lambda run: run[0])
        lines = sum(total for _code, total in cloc_counts.values())

        repo = git_repo.GitRepository(
            os.path.join(work, "cache.git"), tree, allow_local=True
        )
        started = time.perf_counter()
        commit = repo.fetch()
        fetch = time.perf_counter() - started

        firsts = []
        for _run in range(RUNS):
            cache = cloc_count.DictCache()  # cold: nothing counted before
            started = time.perf_counter()
            with cloc_pool.WorkerPool() as pool:
                modules = cloc_count.count_commit(repo, commit, cache=cache, pool=pool)
            firsts.append(time.perf_counter() - started)
        first = min(firsts)
        suite_counts = {m.name: (m.code, m.total) for m in modules}
        same = suite_counts == cloc_counts

        started = time.perf_counter()
        with cloc_pool.WorkerPool() as pool:
            cloc_count.count_commit(repo, commit, cache=cache, pool=pool)
        second = time.perf_counter() - started

        changed = os.path.join(tree, names[0], "__init__.py")
        with open(changed, "a") as handle:
            handle.write("\nBENCH_CHANGE = 1\n")
        git(tree, "commit", "--quiet", "-am", "one file")
        commit = repo.fetch()
        started = time.perf_counter()
        with cloc_pool.WorkerPool() as pool:
            cloc_count.count_commit(repo, commit, cache=cache, pool=pool)
        one_file = time.perf_counter() - started

        print(
            f"tree: {len(names)} addons of Odoo {community}, "
            f"{files} files, {lines} lines"
        )
        print(
            f"odoo-bin cloc (baseline): {baseline:.2f} s, "
            f"{lines / baseline:,.0f} lines/s"
        )
        print(
            f"suite, first count:        {first:.2f} s, {lines / first:,.0f} lines/s "
            f"(fetch before it: {fetch:.2f} s, {os.cpu_count()} cores)"
        )
        print(f"ratio suite / odoo-bin cloc: {baseline / first:.2f}x (goal >= 1.0x)")
        print(
            f"second count, same commit: {second * 1000:.1f} ms, "
            f"{first / second:.0f}x faster than the first (goal >= 50x)"
        )
        print(f"count after one file changed: {one_file * 1000:.1f} ms")
        print(f"same numbers as odoo-bin cloc: {'yes' if same else 'NO'}")
        return 0 if same else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
