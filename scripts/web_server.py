"""Serve the demo clinic page (web/) with the chat widget, on 127.0.0.1 only.

The page is rendered from web/index.html with the clinic's settings (clinic.yml), so the
page and the bot show the same name, phone and hours. Only the page's own files and the
rasa-webchat bundle installed by `npm ci` are served, with a Content-Security-Policy that
keeps fonts, images and scripts on this server.
"""

from __future__ import annotations

import argparse
import html
import json
import sys
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from string import Template
from typing import Any

from backcare.clinic import Clinic, load_clinic

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
WEBCHAT_BUNDLE = WEB_DIR / "node_modules" / "rasa-webchat" / "lib" / "index.js"
STATIC = {"/styles.css": ("styles.css", "text/css"), "/chat.js": ("chat.js", "text/javascript")}


def render_page(clinic: Clinic, socket_url: str) -> bytes:
    config = {"socketUrl": socket_url, "title": clinic.name, "emergencyNumber": clinic.emergency_number}
    values = {
        "clinic_name": clinic.name,
        "clinic_phone": clinic.phone,
        "opening_hours": clinic.opening_hours,
        "booking_url": clinic.booking_url,
        "emergency_number": clinic.emergency_number,
        # The clinic's colours for the page and the widget (checked for contrast when loaded).
        "brand_colour": clinic.brand_colour,
        "brand_text_colour": clinic.brand_text_colour,
    }
    page = Template((WEB_DIR / "index.html").read_text(encoding="utf-8")).substitute(
        {k: html.escape(v) for k, v in values.items()},
        # JSON inside <script>: "<" escaped so no value can close the tag.
        chat_config=json.dumps(config).replace("<", "\\u003c"),
    )
    return page.encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    def __init__(self, *args: Any, page: bytes, socket_url: str, **kwargs: Any) -> None:
        self.page = page
        self.socket_url = socket_url
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:  # http.server naming
        path = self.path.split("?", 1)[0]
        if path in ("/", "/index.html"):
            self._send(self.page, "text/html; charset=utf-8")
        elif path == "/webchat.js" and WEBCHAT_BUNDLE.is_file():
            self._send(WEBCHAT_BUNDLE.read_bytes(), "text/javascript")
        elif path in STATIC:
            name, kind = STATIC[path]
            self._send((WEB_DIR / name).read_bytes(), kind)
        else:
            self.send_error(HTTPStatus.NOT_FOUND)

    def _send(self, body: bytes, content_type: str) -> None:
        socket_ws = self.socket_url.replace("http://", "ws://").replace("https://", "wss://")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header(
            "Content-Security-Policy",
            f"default-src 'self'; connect-src 'self' {self.socket_url} {socket_ws}; "
            "img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self'; "
            "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
        )
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # keep request lines out of the logs
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--socket-url", default="http://127.0.0.1:5005")
    args = parser.parse_args()
    if not WEBCHAT_BUNDLE.is_file():
        print(f"Missing {WEBCHAT_BUNDLE}: run `make run` (it runs npm ci in web/).", file=sys.stderr)
        return 1
    page = render_page(load_clinic(), args.socket_url)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), partial(Handler, page=page, socket_url=args.socket_url))
    print(f"Demo clinic page on http://127.0.0.1:{args.port}/", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
