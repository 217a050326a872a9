"""A worker process that counts files with Odoo's own cloc parsers.

Run as a script (``python cloc_worker.py MEMORY_BYTES``) by ``cloc_pool``; it
reads batches of files from stdin and answers on stdout, a batch at a time:

    request:  one JSON line {"files": [{"ext": ".py", "size": N,
              "encoding": "latin1" (default) or "utf-8"}, ...]},
              then the files' bytes one after the other
    response: one JSON line [{"code": C, "total": T} or {"error": "..."}, ...]

or, for the exclusion patterns of addons (parsed and matched here, not in the
Odoo process, so their time and memory are bounded too):

    request:  {"exclude": [{"manifest": text or null, "paths": [...]}, ...],
               "max_patterns": N}
    response: [{"excluded": [...], "declared": [...]} or
               {"error": "patterns", "count": C}, ...]
              ("declared": excluded by the manifest's own patterns only)

The parent kills a worker that takes too long; the memory limit turns a
runaway file into an error instead of exhausting the machine.
"""

import json
import resource
import sys


def main():
    memory = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    if memory:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    import cloc_rules  # noqa: PLC0415 (this folder, after the limit)

    from odoo.tools.cloc import Cloc  # noqa: PLC0415 (after the limit)

    cloc = Cloc()
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    stdout.write(b'{"ready": true}\n')
    stdout.flush()
    while True:
        header = stdin.readline()
        if not header:
            return
        batch = json.loads(header)
        if "exclude" in batch:
            answers = [
                exclusions(cloc_rules, job, batch["max_patterns"])
                for job in batch["exclude"]
            ]
            stdout.write(json.dumps(answers).encode() + b"\n")
            stdout.flush()
            continue
        answers = []
        for task in batch["files"]:
            data = stdin.read(task["size"])
            answers.append(
                count(cloc, data, task["ext"], task.get("encoding") or "latin1")
            )
            del data
        stdout.write(json.dumps(answers).encode() + b"\n")
        stdout.flush()


def exclusions(rules, job, max_patterns):
    manifest = job["manifest"]
    manifest = None if manifest is None else manifest.encode("latin1")
    patterns = rules.manifest_excludes(manifest)
    own = len(patterns) - len(rules.odoo_cloc.DEFAULT_EXCLUDE)
    if manifest is not None and own > max_patterns:
        return {"error": "patterns", "count": own}
    excluded = rules.excluded_files(job["paths"], patterns)
    # What the customer's own patterns (cloc_exclude, demo) exclude beyond
    # cloc's defaults: counted aside and shown.
    default = rules.excluded_files(
        job["paths"], patterns[: len(rules.odoo_cloc.DEFAULT_EXCLUDE)]
    )
    return {"excluded": sorted(excluded), "declared": sorted(excluded - default)}


def count(cloc, data, ext, encoding="latin1"):
    try:
        # Exactly as odoo-bin cloc reads a file: latin1, then by extension
        # (a database's texts, already text in Odoo, travel as utf-8).
        text = data.decode(
            encoding, "surrogatepass" if encoding != "latin1" else "strict"
        )
        code, total = cloc.parse(text, ext)
    except (MemoryError, RecursionError):
        return {"error": "memory"}
    if code == -1:
        return {"error": total}
    return {"code": code, "total": total}


if __name__ == "__main__":
    main()
