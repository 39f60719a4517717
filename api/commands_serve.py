"""`papikg serve [--host H] [--port P]`: the HTTP API, the SPARQL endpoint and the planners' page.

Defaults come from the settings (PAPIKG_HOST, PAPIKG_PORT: 127.0.0.1:8000). The search model
and index load in the background at start-up; `/healthz` says when they are ready. Unless
`liveness_interval` is 0 (or `--no-supervise`), this process supervises the server, run as a
child, and restarts it when `/livez` stops answering (`api.supervise`).

uvicorn runs with `server_options()`: a cap on open connections (`limit_concurrency`: beyond it,
503), a short keep-alive, a 16 KiB cap on a request's head, and `HEADER_TIMEOUT`: a client that
has not sent a whole request line and headers within that many seconds of its first byte (or of
connecting) is disconnected, so slow-header (slowloris) clients cannot hold connections forever.
uvicorn has no such timeout of its own; `header_timeout_protocol` adds it to its h11 protocol.
"""

from __future__ import annotations

import argparse
import logging
import sys

from api.settings import Settings

log = logging.getLogger(__name__)
HEADER_TIMEOUT = 10.0  # seconds to send the request line and headers
LIMITS = {"limit_concurrency": 512, "backlog": 1024, "timeout_keep_alive": 5,
          "h11_max_incomplete_event_size": 16 * 1024}  # fmt: skip


def header_timeout_protocol(seconds: float):
    """uvicorn's h11 protocol, closing a connection whose request head is not in after `seconds`.

    The clock starts when the connection opens and again when a kept-alive connection starts its
    next request; it stops as soon as h11 has parsed the request head (the body is the app's)."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeaderTimeoutProtocol(H11Protocol):
        head_timer = None

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self.watch_head()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            self.watch_head()

        def connection_lost(self, exc: Exception | None) -> None:
            self.stop_head_timer()
            super().connection_lost(exc)

        def watch_head(self) -> None:
            waiting = self.conn.their_state is h11.IDLE and not self.transport.is_closing()
            if not waiting:
                self.stop_head_timer()
            elif self.head_timer is None:
                self.head_timer = self.loop.call_later(seconds, self.head_timed_out)

        def stop_head_timer(self) -> None:
            if self.head_timer is not None:
                self.head_timer.cancel()
                self.head_timer = None

        def head_timed_out(self) -> None:
            self.head_timer = None
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                self.logger.info("closing a connection: no request head in %.0f s", seconds)
                self.transport.close()

    return HeaderTimeoutProtocol


def server_options(header_timeout: float = HEADER_TIMEOUT) -> dict:
    """uvicorn.Config keyword arguments bounding what clients can hold (connections, time)."""
    return {**LIMITS, "http": header_timeout_protocol(header_timeout)}


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
                timeout_graceful_shutdown=5, **server_options())  # fmt: skip
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
