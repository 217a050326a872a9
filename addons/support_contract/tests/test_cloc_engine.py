"""The count equals odoo-bin cloc on ordinary addons and stays safe on others."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from unittest import TestCase

from odoo.tools.cloc import Cloc

from ..tools import cloc_count, cloc_pool, cloc_rules, git_repo, git_url
from .git_fixtures import GitFixture

PY_OK = '''"""Module docstring
on two lines."""

import os


def answer():
    # a comment
    text = """a long
    string"""
    return 42  # trailing comment
'''
XML_OK = """<?xml version="1.0"?>
<odoo>
    <!-- a comment
         on two lines -->
    <record id="a" model="res.partner">

        <field name="name">A</field>
    </record>
</odoo>
"""
JS_OK = """/** @odoo-module **/
// a comment
const a = "// not a comment";
const b = '/* nor this */';
/* a block
   comment */
export function f() {
    return a + b;
}
"""
CSS_OK = """/* header */
.a { color: red; }

.b::after { content: "/* not a comment */"; }
"""
SCSS_OK = """// variables
$main: #714B67;
.o_x {
    /* block */
    color: $main;
}
"""

RULES_ADDON = {
    "__manifest__.py": (
        "{'name': 'Rules', 'version': '19.0.1.0.0',"
        " 'demo': ['demo/demo.xml'], 'demo_xml': ['demo/old_demo.xml'],"
        " 'cloc_exclude': ['lib/**/*', 'generated/*.py', 'one_file.js', "
        "'**/*_vendored.js', '../other/*.py']}"
    ),
    "__init__.py": "from . import models\n",
    "models/__init__.py": "from . import a\n",
    "models/a.py": PY_OK,
    "models/broken.py": "def broken(:\n    pass\n",
    "models/UPPER.PY": "X = 1\n",
    "views/a.xml": XML_OK,
    "static/src/a.js": JS_OK,
    "static/src/b_vendored.js": JS_OK,
    "static/src/min.js": "var a=1;" * 20000 + "\n",
    "static/src/a.css": CSS_OK,
    "static/src/a.scss": SCSS_OK,
    "static/lib/lib.js": JS_OK,
    "static/tests/t.js": JS_OK,
    "tests/test_a.py": PY_OK,
    "tests/sub/deep.py": PY_OK,
    "migrations/19.0.1.0.0/pre.py": PY_OK,
    "upgrades/1/post.py": PY_OK,
    "demo/demo.xml": XML_OK,
    "demo/old_demo.xml": XML_OK,
    "demo/kept.xml": XML_OK,
    "lib/x/vendor.py": PY_OK,
    "generated/g.py": PY_OK,
    "generated/keep.txt": "not code\n",
    "one_file.js": JS_OK,
    ".hidden.py": PY_OK,
    "README.md": "# not counted\n",
    "data/empty.xml": "",
    "static/src/latin1.js": "var s = '\xe5\xe4\xf6';\n".encode("latin1"),
}


def cloc_of(folder):
    """What odoo-bin cloc -p <folder> finds, with paths relative to it."""
    counter = Cloc()
    counter.count_path(folder)
    name = os.path.basename(folder.rstrip("/"))
    errors = {
        os.path.relpath(path, folder): reason
        for path, reason in counter.errors.get(name, {}).items()
    }
    return counter.code.get(name, 0), counter.total.get(name, 0), errors


class ClocEngineCase(TestCase):
    def setUp(self):
        super().setUp()
        self.cache_dir = tempfile.mkdtemp(prefix="support-cache-")
        self.addCleanup(shutil.rmtree, self.cache_dir, True)
        self.pool = cloc_pool.WorkerPool(size=2)
        self.addCleanup(self.pool.close)

    def fixture(self, files):
        fixture = GitFixture(files)
        self.addCleanup(fixture.cleanup)
        return fixture

    def count(self, fixture, cache=None, **kwargs):
        repo = git_repo.GitRepository(
            os.path.join(self.cache_dir, "cache.git"), fixture.url, allow_local=True
        )
        commit = repo.fetch()
        result = cloc_count.count_commit(
            repo, commit, cache=cache, pool=self.pool, **kwargs
        )
        return {m.path: m for m in result}

    def assert_same_as_cloc(self, fixture, modules):
        for path, module in modules.items():
            code, total, errors = cloc_of(os.path.join(fixture.path, path))
            self.assertEqual(
                (module.code, module.total, module.errors),
                (code, total, errors),
                f"{path} differs from odoo-bin cloc",
            )


class TestClocParity(ClocEngineCase):
    def test_every_cloc_rule_gives_cloc_numbers(self):
        fixture = self.fixture(
            {f"addons/rules_addon/{k}": v for k, v in RULES_ADDON.items()}
        )
        modules = self.count(fixture)
        self.assertEqual(list(modules), ["addons/rules_addon"])
        self.assert_same_as_cloc(fixture, modules)
        module = modules["addons/rules_addon"]
        # The rules really were exercised: errors and exclusions.
        self.assertEqual(module.errors["models/broken.py"], "Syntax Error")
        self.assertEqual(module.errors["static/src/min.js"], "Max line size exceeded")
        self.assertGreater(module.code, 20)

    def test_broken_or_odd_manifests_behave_as_in_cloc(self):
        fixture = self.fixture(
            {
                "a/__manifest__.py": "{'name': 'A', 'cloc_exclude': 'x'",  # broken
                "a/models.py": PY_OK,
                "a/tests/t.py": PY_OK,
                "b/__manifest__.py": "['not', 'a', 'dict']",
                "b/models.py": PY_OK,
                "b/tests/t.py": PY_OK,
                "c/__manifest__.py": "{'cloc_exclude': 'xy'}",  # a string: letters
                "c/x": PY_OK,
                "c/y.py": PY_OK,
                "c/models.py": PY_OK,
            }
        )
        modules = self.count(fixture)
        self.assertEqual(sorted(modules), ["a", "b", "c"])
        self.assert_same_as_cloc(fixture, modules)

    def test_real_repository_of_odoo_addons_matches_odoo_bin_cloc(self):
        import odoo.addons  # noqa: PLC0415

        wanted = ["hr_timesheet", "portal", "project_account", "sale_timesheet"]
        files = {}
        for name in wanted:
            source = next(
                os.path.join(p, name)
                for p in odoo.addons.__path__
                if os.path.isdir(os.path.join(p, name))
            )
            for root, _dirs, names in os.walk(source):
                if "__pycache__" in root:
                    continue
                for file_name in names:
                    full = os.path.join(root, file_name)
                    rel = os.path.relpath(full, os.path.dirname(source))
                    with open(full, "rb") as handle:
                        files[rel] = handle.read()
        fixture = self.fixture(files)
        modules = self.count(fixture)
        self.assertEqual(sorted(modules), wanted)
        self.assert_same_as_cloc(fixture, modules)
        # And against the command itself, under the same Python.
        out = subprocess.run(
            [sys.executable, "-m", "odoo", "cloc"]
            + [
                arg
                for name in wanted
                for arg in ("-p", os.path.join(fixture.path, name))
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        ).stdout
        for name in wanted:
            row = re.search(rf"^{name}\s+(\d+)\s+(\d+)\s+(\d+)\s*$", out, re.M)
            self.assertIsNotNone(row, f"{name} missing from odoo-bin cloc output")
            total, _other, code = map(int, row.groups())
            self.assertEqual((modules[name].total, modules[name].code), (total, code))

    def test_repository_root_as_addon_and_folders_filter(self):
        single = self.fixture({"__manifest__.py": "{'name': 'X'}", "x.py": PY_OK})
        modules = self.count(single, name="my_addon")
        self.assertEqual(list(modules), [""])
        self.assertEqual(modules[""].name, "my_addon")
        self.assertEqual(modules[""].code, cloc_of(single.path)[0])

        multi = self.fixture(
            {
                "custom/a/__manifest__.py": "{}",
                "custom/a/a.py": PY_OK,
                "third_party/b/__manifest__.py": "{}",
                "third_party/b/b.py": PY_OK,
            }
        )
        self.assertEqual(list(self.count(multi, folders=["custom"])), ["custom/a"])


class TestClocCache(ClocEngineCase):
    def test_unchanged_commit_is_counted_from_the_cache_without_parsing(self):
        fixture = self.fixture(
            {f"addons/rules_addon/{k}": v for k, v in RULES_ADDON.items()}
        )
        cache = cloc_count.DictCache()
        first = self.count(fixture, cache=cache)

        class NoParsing(cloc_pool.WorkerPool):
            def parse(self, tasks, **kwargs):
                raise AssertionError("an unchanged addon was parsed again")

        self.pool = NoParsing()
        second = self.count(fixture, cache=cache)
        self.assertEqual(
            [m.as_json() for m in first.values()],
            [m.as_json() for m in second.values()],
        )

    def test_one_changed_file_parses_only_that_file(self):
        fixture = self.fixture(
            {
                "a/__manifest__.py": "{}",
                "a/one.py": PY_OK,
                "a/two.py": PY_OK,
                "b/__manifest__.py": "{}",
                "b/three.py": PY_OK,
            }
        )
        cache = cloc_count.DictCache()
        self.count(fixture, cache=cache)
        fixture.commit({"a/two.py": PY_OK + "\nX = 1\n"})
        parsed = []
        real_parse = self.pool.parse

        def spy(tasks, **kwargs):
            parsed.extend(task[0] for task in tasks)
            return real_parse(tasks, **kwargs)

        self.pool.parse = spy
        modules = self.count(fixture, cache=cache)
        self.assertEqual(len(parsed), 1)
        self.assert_same_as_cloc(fixture, modules)


class TestClocSafety(ClocEngineCase):
    def test_symlinks_and_submodules_are_listed_not_read(self):
        fixture = self.fixture(
            {
                "a/__manifest__.py": "{}",
                "a/real.py": PY_OK,
                "a/passwd.py": ("symlink", "/etc/passwd"),
                "a/zero.js": ("symlink", "/dev/zero"),
                "a/escape.xml": ("symlink", "../../../../../etc/hostname"),
            }
        )
        fixture.add_submodule_entry("a/vendored.py", "a" * 40)
        module = self.count(fixture)["a"]
        self.assertEqual(module.code, cloc_of_text(PY_OK))
        self.assertEqual(module.errors["passwd.py"], cloc_rules.SYMLINK)
        self.assertEqual(module.errors["zero.js"], cloc_rules.SYMLINK)
        self.assertEqual(module.errors["escape.xml"], cloc_rules.SYMLINK)
        self.assertEqual(module.errors["vendored.py"], cloc_rules.SUBMODULE)

    def test_exclusion_patterns_cannot_reach_outside_the_addon(self):
        fixture = self.fixture(
            {
                "a/__manifest__.py": (
                    "{'cloc_exclude': ['../b/*.py', '/etc/*', '../../**/*']}"
                ),
                "a/a.py": PY_OK,
                "b/__manifest__.py": "{}",
                "b/b.py": PY_OK,
            }
        )
        modules = self.count(fixture)
        self.assertEqual(modules["a"].code, cloc_of_text(PY_OK))
        self.assertEqual(modules["b"].code, cloc_of_text(PY_OK))

    def test_pathological_file_is_an_error_within_the_time_bound(self):
        fixture = self.fixture(
            {
                "a/__manifest__.py": "{}",
                "a/ok.py": PY_OK,
                # Unclosed comments: cloc's regular expression takes
                # quadratic time on them (minutes for 200 KB).
                "a/views/slow.xml": "<odoo>\n" + "<!-- x\n" * 40000,
            }
        )
        self.pool = cloc_pool.WorkerPool(size=2, timeout=2)
        started = time.monotonic()
        module = self.count(fixture)["a"]
        self.assertLess(time.monotonic() - started, 30)
        self.assertEqual(module.errors["views/slow.xml"], cloc_rules.TOO_SLOW)
        self.assertEqual(module.code, cloc_of_text(PY_OK))
        # The pool recovers: the next count works.
        self.assertEqual(self.count(fixture)["a"].code, cloc_of_text(PY_OK))

    def test_memory_hungry_file_is_an_error(self):
        fixture = self.fixture(
            {"a/__manifest__.py": "{}", "a/big.py": "x = [" + "[" * 200000 + "\n"}
        )
        self.pool = cloc_pool.WorkerPool(size=1, timeout=20, memory=256 * 2**20)
        module = self.count(fixture)["a"]
        self.assertIn(
            module.errors["big.py"],
            ("Syntax Error", cloc_rules.TOO_BIG, cloc_rules.TOO_SLOW),
        )


def cloc_of_text(text):
    return Cloc().parse_py(text)[0]


class TestGitUrls(TestCase):
    def test_accepted_urls(self):
        for url in (
            "https://github.com/acme/addons.git",
            "ssh://git@git.example.com/acme/addons.git",
            "git@github.com:acme/addons.git",
        ):
            self.assertEqual(git_url.check_url(url), url)

    def test_refused_urls_say_why(self):
        cases = {
            "ext::sh -c touch% /tmp/pwned": "url",
            "fd::17": "url",
            "file:///etc": "url",
            "/srv/git/customer": "url-local",
            "./relative": "url-local",
            "--upload-pack=touch /tmp/x": "url",
            "-oProxyCommand=x": "url",
            "https://user:secret@github.com/acme/addons.git": "url-credentials",
            "http://github.com/acme/addons.git": "url",
            "ssh://-oProxyCommand=x/acme": "url",
            "": "url",
        }
        for url, kind in cases.items():
            with self.subTest(url=url):
                with self.assertRaises(git_url.GitError) as refused:
                    git_url.check_url(url)
                self.assertEqual(refused.exception.kind, kind)

    def test_local_paths_only_when_allowed(self):
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder, True)
        self.assertEqual(git_url.check_url(folder, allow_local=True), folder)
        with self.assertRaises(git_url.GitError):
            git_url.check_url(folder)

    def test_branch_names_that_git_could_misread_are_refused(self):
        for branch in ("--upload-pack=x", "a..b", "main:evil", "x y", "-f"):
            with self.subTest(branch=branch), self.assertRaises(git_url.GitError):
                git_url.check_branch(branch)
        self.assertEqual(git_url.check_branch("feature/19.0-x"), "feature/19.0-x")


class TestExclusionGlob(TestCase):
    """The in-memory glob gives what pathlib.Path.glob gives on a real tree."""

    PATHS = [
        "__manifest__.py",
        "models/a.py",
        "models/b_vendored.py",
        "models/sub/c.py",
        "static/lib/x/y.js",
        "static/lib/z.js",
        "static/src/a.js",
        "static/tests/t.js",
        "tests/test_a.py",
        "tests/sub/deep/test_b.py",
        "views/a.xml",
        ".hidden/h.py",
        ".dot.py",
        "data/[weird].xml",
        "migrations/1/pre.py",
    ]
    PATTERNS = [
        "tests/**/*",
        "static/lib/**/*",
        "**/*.py",
        "**",
        "**/",
        "*",
        "*.py",
        "models/*",
        "models/**",
        "models/**/*.py",
        "**/sub/*",
        "static/*/",
        "static/**/*.js",
        "views/a.xml",
        "views/missing.xml",
        "models",
        "models/",
        "./models/a.py",
        "models//a.py",
        "*/a.*",
        "?odels/*.py",
        "[mv]*/*",
        "data/[[]weird].xml",
        ".*",
        "**/.*",
        "migrations/**/*",
    ]

    def test_same_matches_as_pathlib(self):
        import pathlib

        with tempfile.TemporaryDirectory() as tmp:
            base = pathlib.Path(tmp)
            for rel in self.PATHS:
                (base / rel).parent.mkdir(parents=True, exist_ok=True)
                (base / rel).touch()
            tree_paths = set(self.PATHS)
            for pattern in self.PATTERNS:
                with self.subTest(pattern=pattern):
                    expected = {
                        p.relative_to(base).as_posix() for p in base.glob(pattern)
                    }
                    expected.discard(".")
                    got = cloc_rules.excluded_files(tree_paths, [pattern])
                    got.discard("")
                    self.assertEqual(got, expected)
