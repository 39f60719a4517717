"""`papikg serve [--host H] [--port P]`: the HTTP API, the SPARQL endpoint and the planners' page.

Defaults come from the settings (PAPIKG_HOST, PAPIKG_PORT: 127.0.0.1:8000). The search model
and index load in the background at start-up; `/healthz` says when they are ready. Unless
`liveness_interval` is 0 (or `--no-supervise`), this process supervises the server, run as a
child, and restarts it when `/livez` stops answering (`api.supervise`).
"""

from __future__ import annotations

import argparse
import logging
import sys

from api.settings import Settings

log = logging.getLogger(__name__)


def serve_settings(args: argparse.Namespace, settings: Settings) -> Settings:
    updates = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    return settings.model_copy(update=updates) if updates else settings


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from api.app import create_app
    from api.commands import UserError

    settings = serve_settings(args, settings)
    if not settings.store_dir.exists():
        raise UserError(f"no graph store in {settings.data_dir}: run `papikg ingest` first")
    if settings.liveness_interval > 0 and not args.no_supervise:
        return supervised(settings)
    app = create_app(settings, preload=True)
    print(f"papikg: serving {settings.data_dir} on http://{settings.host}:{settings.port}/ "
          f"(API docs at /docs, SPARQL at /sparql)", flush=True)  # fmt: skip
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info",
                timeout_graceful_shutdown=5)  # fmt: skip
    return 0


def supervised(settings: Settings) -> int:
    """Run this very command as a child (`--no-supervise`) under `api.supervise.Supervisor`."""
    from api.supervise import Supervisor, probe_host

    command = [sys.executable, "-m", "api.cli", "--data-dir", str(settings.data_dir), "serve",
               "--host", settings.host, "--port", str(settings.port), "--no-supervise"]  # fmt: skip
    supervisor = Supervisor(command, probe_host(settings.host), settings.port,
                            settings.liveness_interval)  # fmt: skip
    return supervisor.run()


def add_serve_parser(sub) -> None:
    p = sub.add_parser("serve", help="serve the HTTP API, SPARQL endpoint and web page")
    p.add_argument("--host", help="address to bind (env PAPIKG_HOST; default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port to bind (env PAPIKG_PORT; default 8000)")
    p.add_argument("--no-supervise", action="store_true",
                   help="run the server in this process, without the liveness supervisor")  # fmt: skip
    p.set_defaults(handler=cmd_serve)
