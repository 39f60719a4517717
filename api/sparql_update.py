"""One SPARQL Update, in a process of its own: `python -m api.sparql_update CONFIG < job`.

Started by the worker host (`api.sparql_host`) for each update, by exec, not by fork: the host
has RocksDB's thread pool running (a read-only store starts it), and a forked child inherits
the pool's bookkeeping without its threads, so its flush waits forever. A fresh process opens
the store read-write with a pool of its own. It inherits the host's seccomp filter (kept
across exec), checks the update on its parse tree, applies it in one transaction and writes one
framed answer (`api.sparql_worker`) to stdout. The host kills it at the deadline; RocksDB then
keeps nothing of it.
"""

from __future__ import annotations

import json
import os
import sys

from api import sparql_errors as se
from api.sparql_worker import guarded, limit_memory, quiet_stderr, read_job, write_all


def apply_update(path: str, functions: dict, job: dict) -> tuple[dict, bytes]:
    import pyoxigraph as ox

    from api.sparql_guard import refuse_outbound

    refuse_outbound(job["text"], "update")
    try:
        store = ox.Store(path)
    except OSError as err:
        raise se.StoreUnavailable(
            f"the graph store is in use by another writer (an ingest?): {err}"
        ) from err
    try:
        store.update(job["text"], base_iri=job.get("base_iri"), custom_functions=functions or None)
    except SyntaxError as err:
        raise se.QuerySyntaxError(f"update syntax error: {err}") from err
    except (OSError, RuntimeError, ValueError) as err:
        raise se.QueryEvaluationError(f"update failed: {err}") from err
    store.flush()
    return {"applied": True}, b""


def main(argv: list[str]) -> int:
    from api.sparql_host import load_functions

    config = json.loads(argv[1])
    functions = load_functions(config.get("functions"))
    quiet_stderr()
    limit_memory(config.get("memory_budget"))
    job = read_job(0)
    write_all(1, guarded(lambda: apply_update(config["store"], functions, job)))
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
