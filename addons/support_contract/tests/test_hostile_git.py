"""A hostile customer's repository: crafted objects, bombs, huge manifests.

Real git repositories made with git's own plumbing (``hash-object
--literally`` writes what a hostile client can push); no mocks.
"""

import os
import resource
import shutil
import socket
import tempfile
import time
import zlib
from unittest import TestCase

from ..tools import cloc_count, cloc_pool, cloc_rules, git_repo, git_url
from .git_fixtures import (
    GitFixture,
    commit_tree,
    git,
    tree_entries,
    write_object,
    write_tree,
)

CLEAN_JS = "var a = 1;\nvar b = 2;\n"  # 2 code lines
FORGED_JS = b"var a = 1;\n" * 500  # what the attacker wants it to count


def peak_rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class HostileCase(TestCase):
    def setUp(self):
        super().setUp()
        self.cache_dir = tempfile.mkdtemp(prefix="support-cache-")
        self.addCleanup(shutil.rmtree, self.cache_dir, True)
        self.pool = cloc_pool.WorkerPool(size=2)
        self.addCleanup(self.pool.close)

    def fixture(self, files=None):
        fixture = GitFixture(files)
        self.addCleanup(fixture.cleanup)
        return fixture

    def fetched(self, fixture):
        repo = git_repo.GitRepository(
            os.path.join(self.cache_dir, f"cache-{time.monotonic_ns()}.git"),
            fixture.url,
            allow_local=True,
        )
        return repo, repo.fetch()

    def in_place(self, fixture):
        """The crafted repository's own object store, read as if fetched
        without checks: only the reader's own checks stand in the way."""
        repo = git_repo.GitRepository(
            os.path.join(fixture.path, ".git"), fixture.url, allow_local=True
        )
        return repo, git(fixture.path, "rev-parse", "HEAD")

    def count(self, repo, commit, cache=None, **kwargs):
        return {
            m.path: m
            for m in cloc_count.count_commit(
                repo, commit, cache=cache, pool=self.pool, **kwargs
            )
        }


class TestCraftedObjects(HostileCase):
    def crafted_repository(self):
        """An addon whose ``evil.js`` is a tree whose bytes hold a forged
        object header claiming ``f.js`` has 500 lines."""
        fixture = self.fixture(
            {
                "a/__manifest__.py": "{'name': 'a'}",
                "a/f.js": CLEAN_JS,
                "a/g.js": "var g = 1;\n",
            }
        )
        f_sha = git(fixture.path, "rev-parse", "HEAD:a/f.js")
        size = 10
        name = (
            b"blob %d\n" % size
            + b"P" * size
            + b"\n"
            + f_sha.encode()
            + b" blob %d\n" % len(FORGED_JS)
            + FORGED_JS
            + b"\n"
        )
        evil = write_tree(fixture.path, [(b"100644", name, f_sha)])
        entries = tree_entries(fixture.path, "HEAD:a") + [(b"100644", b"evil.js", evil)]
        addon = write_tree(fixture.path, entries)
        commit_tree(fixture.path, write_tree(fixture.path, [(b"40000", b"a", addon)]))
        return fixture

    def test_forged_header_cannot_change_another_repositorys_count(self):
        cache = cloc_count.DictCache()  # shared by every customer, as in the DB
        crafted = self.crafted_repository()
        repo, commit = self.in_place(crafted)
        with self.assertRaises(git_url.GitError) as caught:
            self.count(repo, commit, cache=cache)
        self.assertEqual(caught.exception.kind, "object")
        self.assertIn("tree where a file was", caught.exception.detail)
        self.assertFalse(
            [key for key in cache if key.startswith("blob:")],
            "nothing of the crafted repository is cached",
        )

        clean = self.fixture({"clean/__manifest__.py": "{}", "clean/x.js": CLEAN_JS})
        repo, commit = self.fetched(clean)
        module = self.count(repo, commit, cache=cache)["clean"]
        self.assertEqual(module.code, 2, "x.js counts its own 2 lines")

    def test_fetch_checks_objects_and_refuses_a_tree_posing_as_a_file(self):
        crafted = self.crafted_repository()
        repo = git_repo.GitRepository(
            os.path.join(self.cache_dir, "fetched.git"), crafted.url, allow_local=True
        )
        with self.assertRaises(git_url.GitError) as caught:
            repo.fetch()
        self.assertEqual(caught.exception.kind, "corrupt")

    def test_object_whose_content_does_not_match_its_id_is_refused(self):
        fixture = self.fixture(
            {"a/__manifest__.py": "{'name': 'a'}", "a/x.py": "A = 1\n"}
        )
        sha = git(fixture.path, "rev-parse", "HEAD:a/x.py")
        # Another content stored under the id of x.py.
        loose = os.path.join(fixture.path, ".git", "objects", sha[:2], sha[2:])
        os.chmod(loose, 0o644)
        forged = b"\n".join(b"B%d = %d" % (i, i) for i in range(500)) + b"\n"
        with open(loose, "wb") as handle:
            handle.write(zlib.compress(b"blob %d\0" % len(forged) + forged))
        repo, commit = self.in_place(fixture)
        with self.assertRaises(git_url.GitError) as caught:
            self.count(repo, commit, cache=cloc_count.DictCache())
        self.assertEqual(caught.exception.kind, "object")

    def test_reader_refuses_what_was_not_asked_for(self):
        fixture = self.fixture({"a/__manifest__.py": "{}", "a/x.py": "A = 1\n"})
        repo, _commit = self.in_place(fixture)
        tree = git(fixture.path, "rev-parse", "HEAD:a")
        blob = git(fixture.path, "rev-parse", "HEAD:a/x.py")
        for shas, sizes, words in (
            ([tree], {}, "tree where a file was"),
            ([blob], {blob: 99}, "listed as 99"),
            (["0" * 40], {}, "missing"),
        ):
            with self.subTest(words=words), self.assertRaises(git_url.GitError) as e:
                repo.read_blobs(shas, sizes=sizes)
            self.assertIn(words, e.exception.detail)
        self.assertEqual(repo.read_blobs([blob], sizes={blob: 6}), {blob: b"A = 1\n"})


class TestBounds(HostileCase):
    def test_git_bomb_of_a_million_entries_is_stopped_fast_and_small(self):
        fixture = self.fixture({"__manifest__.py": "{'name': 'bomb'}"})
        blob = write_object(fixture.path, "blob", b"X = 1\n")
        tree = write_tree(
            fixture.path, [(b"100644", b"f%d.py" % i, blob) for i in range(10)]
        )
        for _level in range(6):  # 10**6 files, 10**5 folders: a few KB of objects
            tree = write_tree(
                fixture.path, [(b"40000", b"d%d" % i, tree) for i in range(10)]
            )
        manifest = git(fixture.path, "rev-parse", "HEAD:__manifest__.py")
        commit_tree(
            fixture.path,
            write_tree(
                fixture.path,
                [(b"40000", b"bomb", tree), (b"100644", b"__manifest__.py", manifest)],
            ),
        )
        repo, commit = self.fetched(fixture)
        before, started = peak_rss(), time.monotonic()
        with self.assertRaises(git_url.GitError) as caught:
            self.count(repo, commit, name="bomb")
        self.assertEqual(caught.exception.kind, "too-many-entries")
        self.assertEqual(caught.exception.detail, str(cloc_count.Limits().tree_entries))
        self.assertLess(time.monotonic() - started, 30)
        self.assertLess(peak_rss() - before, 300 * 2**20)

    def test_bytes_read_by_one_count_are_bounded(self):
        big = "".join(f"V{i} = {i}\n" for i in range(60000))  # ~700 KB each
        fixture = self.fixture(
            {
                "a/__manifest__.py": "{}",
                "a/one.py": big,
                "a/two.py": big + "X = 1\n",
                "a/three.py": big + "Y = 1\n",
            }
        )
        repo, commit = self.fetched(fixture)
        limits = cloc_count.Limits(total_bytes=2**20)
        with self.assertRaises(cloc_rules.CountError) as caught:
            self.count(repo, commit, limits=limits)
        self.assertEqual(caught.exception.kind, "too-many-bytes")
        # Within the bound the same repository counts.
        modules = self.count(repo, commit, limits=cloc_count.Limits())
        self.assertEqual(modules["a"].code, 3 * 60000 + 2)

    def test_manifest_over_its_bound_is_not_read(self):
        manifest = "{'cloc_exclude': ['skip.py'], 'x': '%s'}" % ("x" * 5000)
        fixture = self.fixture(
            {"a/__manifest__.py": manifest, "a/skip.py": "A = 1\n", "a/k.py": "B = 1\n"}
        )
        repo, commit = self.fetched(fixture)
        small = cloc_count.Limits(manifest_size=1000)
        self.assertEqual(self.count(repo, commit, limits=small)["a"].code, 2)
        self.assertEqual(self.count(repo, commit)["a"].code, 1)

    def test_manifest_with_75000_patterns_is_stopped_fast_and_small(self):
        patterns = ",".join(f"'{i:x}/*.py'" for i in range(75000))
        manifest = "{'name': 'many', 'cloc_exclude': [" + patterns + "]}"
        files = {"many/__manifest__.py": manifest}
        files.update({f"many/{i:x}/x.py": "A = 1\n" for i in range(50)})
        fixture = self.fixture(files)
        repo, commit = self.fetched(fixture)
        before, started = peak_rss(), time.monotonic()
        # Over the manifest bound (Odoo's own bound of literal_eval): not read,
        # so its patterns are not matched, as odoo-bin cloc ignores them.
        self.assertEqual(self.count(repo, commit)["many"].code, 50)
        self.assertLess(time.monotonic() - started, 30)
        self.assertLess(peak_rss() - before, 100 * 2**20)

    def test_manifest_with_more_patterns_than_allowed_stops_the_count(self):
        patterns = ",".join(["'*'"] * 20000)
        manifest = "{'name': 'many', 'cloc_exclude': [" + patterns + "]}"
        self.assertLess(len(manifest), cloc_count.Limits().manifest_size)
        fixture = self.fixture({"many/__manifest__.py": manifest, "many/x.py": "A=1\n"})
        repo, commit = self.fetched(fixture)
        started = time.monotonic()
        with self.assertRaises(cloc_rules.CountError) as caught:
            self.count(repo, commit)
        self.assertEqual(caught.exception.kind, "exclude-patterns")
        self.assertEqual(caught.exception.detail, "many: 20000")
        self.assertLess(time.monotonic() - started, 30)

    def test_slow_pattern_matching_is_stopped_in_the_worker(self):
        deep = "/".join(f"d{i}" for i in range(400))
        # About 0.4 s each on this tree: 80 s of matching without the bound.
        patterns = ",".join(f"'**/d*/**/x{i}.py'" for i in range(200))
        fixture = self.fixture(
            {
                "slow/__manifest__.py": "{'cloc_exclude': [" + patterns + "]}",
                f"slow/{deep}/x.py": "A = 1\n",
            }
        )
        repo, commit = self.fetched(fixture)
        started = time.monotonic()
        with self.assertRaises(cloc_rules.CountError) as caught:
            self.count(repo, commit, limits=cloc_count.Limits(exclude_seconds=1))
        self.assertEqual(caught.exception.kind, "exclude-timeout")
        self.assertLess(time.monotonic() - started, 15)
        # The pool goes on with the next repository.
        other = self.fixture({"b/__manifest__.py": "{}", "b/x.py": "A = 1\n"})
        repo, commit = self.fetched(other)
        self.assertEqual(self.count(repo, commit)["b"].code, 1)

    def test_count_past_its_time_is_stopped(self):
        fixture = self.fixture({"a/__manifest__.py": "{}", "a/x.py": "A = 1\n"})
        repo, commit = self.fetched(fixture)
        with self.assertRaises(cloc_rules.CountError) as caught:
            self.count(repo, commit, deadline=time.monotonic() - 1)
        self.assertEqual(caught.exception.kind, "count-timeout")


class TestNetworkPolicy(TestCase):
    def test_internal_addresses_are_refused_after_resolution(self):
        for url in (
            "https://127.0.0.1/x.git",
            "https://localhost/x.git",
            "https://169.254.169.254/latest/meta-data",
            "https://10.1.2.3/x.git",
            "https://192.168.0.10:8443/x.git",
            "https://[::1]/x.git",
            "ssh://git@127.0.0.1:2222/x.git",
            "git@localhost:x.git",
            "git@172.16.0.1:x.git",
        ):
            with self.subTest(url=url), self.assertRaises(git_url.GitError) as caught:
                git_url.check_network(url)
            self.assertEqual(caught.exception.kind, "network")

    def test_allowed_networks_and_hosts(self):
        allowed = "10.0.0.0/8, 127.0.0.0/8"
        pinned = git_url.check_network("https://127.0.0.1/x.git", allowed)
        self.assertEqual(pinned[3], "127.0.0.1")
        self.assertTrue(git_url.check_network("git@localhost:x.git", "localhost"))
        with self.assertRaises(git_url.GitError):
            git_url.check_network("https://127.0.0.1/x.git", "10.0.0.0/8")

    def test_public_address_is_pinned_for_git(self):
        def resolve(host, port, family, kind):
            self.assertEqual((host, port), ("git.example.com", 443))
            return [(socket.AF_INET, kind, 6, "", ("140.82.112.3", port))]

        self.assertEqual(
            git_url.check_network("https://git.example.com/x.git", resolve=resolve),
            ("https", "git.example.com", 443, "140.82.112.3"),
        )

        def rebinding(host, port, family, kind):
            return [
                (socket.AF_INET, kind, 6, "", ("140.82.112.3", port)),
                (socket.AF_INET, kind, 6, "", ("169.254.169.254", port)),
            ]

        with self.assertRaises(git_url.GitError):
            git_url.check_network("https://git.example.com/x.git", resolve=rebinding)

    def test_endpoint_of_urls(self):
        for url, endpoint in (
            ("https://Git.Example.com/a/b.git", ("https", "git.example.com", 443)),
            ("https://git.example.com:8443/a.git", ("https", "git.example.com", 8443)),
            ("ssh://git@git.example.com/a.git", ("ssh", "git.example.com", 22)),
            ("git@git.example.com:a/b.git", ("ssh", "git.example.com", 22)),
            ("/srv/git/a", ("file", "", None)),
        ):
            with self.subTest(url=url):
                self.assertEqual(git_url.url_endpoint(url), endpoint)

    def test_git_output_is_trimmed_to_its_errors(self):
        repo = git_repo.GitRepository("/nonexistent.git", "https://git.example.com/x")
        text = (
            "remote: Welcome to build-server 10.0.3.7 (internal)\n"
            "remote: Counting objects\n"
            "fatal: repository 'https://git.example.com/x/' not found\n"
        )
        self.assertEqual(
            repo._trim(text), "fatal: repository 'https://git.example.com/x/' not found"
        )


class TestTreeListing(HostileCase):
    def test_listing_bounded_in_bytes_and_path_length(self):
        fixture = self.fixture({"a/__manifest__.py": "{}", "a/x.py": "A = 1\n"})
        repo, commit = self.fetched(fixture)
        with self.assertRaises(git_url.GitError) as caught:
            repo.tree(commit, max_entries=10, max_bytes=100)
        self.assertEqual(caught.exception.kind, "too-many-entries")
        blob = write_object(fixture.path, "blob", b"A = 1\n")
        long_name = b"n" * 250
        tree = write_tree(fixture.path, [(b"100644", long_name + b".py", blob)])
        for _level in range(20):  # a path of about 5 KB
            tree = write_tree(fixture.path, [(b"40000", long_name, tree)])
        commit_tree(fixture.path, tree)
        repo, commit = self.in_place(fixture)
        with self.assertRaises(git_url.GitError) as caught:
            repo.tree(commit)
        self.assertEqual(caught.exception.kind, "object")
