"""`make run`: start both servers, say where to reach them, stop both on Ctrl-C."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path

from backcare.clinic import load_clinic
from backcare.yamlfile import DataFileError
from scripts.servers import PROJECT_ROOT, Servers

TOKEN_ENV = "RASA_TOKEN"
WEB_PORT = 8080


def _readiness(url: str) -> str:
    """e.g. "tracker store reachable, lock store in memory, action server reachable"."""
    import requests

    try:
        parts = requests.get(f"{url}/webhooks/rest/ready", timeout=10).json()
    except (requests.RequestException, ValueError):
        return "unknown (the readiness check did not answer)"
    return ", ".join(f"{name.replace('_', ' ')} {state}" for name, state in parts.items())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--endpoints",
        type=Path,
        default=PROJECT_ROOT / "endpoints.yml",
        help="where conversations are stored (default: endpoints.yml, SQLite)",
    )
    args = parser.parse_args()
    if not args.endpoints.is_file():
        print(f"Cannot start: {args.endpoints} not found", file=sys.stderr)
        return 1
    try:
        clinic = load_clinic()
    except DataFileError as exc:
        print(f"Cannot start: {exc}", file=sys.stderr)
        return 1
    token = os.environ.get(TOKEN_ENV) or None
    servers = Servers(
        model=PROJECT_ROOT / "models" / "backcare.tar.gz",
        log_dir=PROJECT_ROOT / "logs",
        token=token,
        endpoints=args.endpoints.resolve(),
        # No --cors: Sanic's CORS headers would double python-engineio's on the socket.io
        # route and browsers then refuse the widget's connection. The socket checks the
        # clinic's origins itself; REST and the API send no CORS headers, so other sites'
        # pages cannot call them.
        web_port=WEB_PORT,
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("Starting the action server and the Rasa server (logs in logs/) ...", flush=True)
    try:
        servers.start()
        print(f"\n{clinic.name} assistant is running.")
        print(f"  Demo clinic page with the chat widget: {servers.web_url}/")
        print(
            f"  REST:      curl -s -XPOST {servers.url}/webhooks/rest/webhook "
            '-d \'{"sender": "me", "message": "does massage help back pain?"}\''
        )
        print(f"  socket.io: {servers.url}/socket.io")
        print(
            f"  HTTP API:  {'on (token from ' + TOKEN_ENV + ')' if token else 'off (set ' + TOKEN_ENV + ' to enable)'}"
        )
        print(f"  Ready:     {_readiness(servers.url)}  ({servers.url}/webhooks/rest/ready)")
        print("Press Ctrl-C to stop.", flush=True)
        while all(p.poll() is None for p in servers.processes.values()):
            time.sleep(1)
        print("A server stopped unexpectedly; see logs/.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    except (RuntimeError, TimeoutError) as exc:
        print(f"Cannot start: {exc}", file=sys.stderr)
        return 1
    finally:
        print("\nStopping servers ...", flush=True)
        servers.stop()


if __name__ == "__main__":
    sys.exit(main())
