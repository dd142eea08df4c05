"""A flooding client for the scale test, run as its own process from one loopback address:
it keeps many REST messages in flight (a new one as soon as one comes back), opens many
chat sockets, sends one oversized message and one request whose headers never finish,
then prints what it got as JSON.

    python -m tests.scale.flood URL --source 127.0.0.2 --origin ORIGIN --seconds 25

It lowers its own CPU priority first: it stands for a machine somewhere else, and on a
small test machine it must not take the cores of the servers being measured (nginx still
does all the refusing at normal priority)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

import aiohttp
import socketio


@dataclass
class Flood:
    statuses: Counter = field(default_factory=Counter)  # REST: HTTP status (or error name) -> count
    refusal: dict | None = None  # the first REST 429: its Retry-After and JSON body
    sockets_open: int = 0
    sockets_refused: int = 0  # refused with 429 by nginx
    sockets_failed: list[str] = field(default_factory=list)  # refused otherwise
    socket_refusal: object = None  # what the socket.io client was told
    oversized: int | None = None  # the HTTP status for a 70 KB message
    slow_cut_after: float | None = None  # seconds until nginx closed unfinished headers
    slow_answer: str = ""  # what it sent before closing

    def as_json(self) -> str:
        values = asdict(self)
        values["statuses"] = {str(k): v for k, v in self.statuses.items()}
        return json.dumps(values)


async def _post_until(http: aiohttp.ClientSession, url: str, worker: int, deadline: float, flood: Flood) -> None:
    sent = 0
    while time.monotonic() < deadline:
        sent += 1
        try:
            async with http.post(
                f"{url}/webhooks/rest/webhook",
                json={"sender": f"flood-{worker}", "message": f"hello {sent}"},
                headers={"X-Test-Request": f"flood-{worker}:{sent}:1"},
                timeout=aiohttp.ClientTimeout(total=30),
            ) as response:
                body = await response.read()
                flood.statuses[response.status] += 1
                if response.status == 429 and flood.refusal is None:
                    flood.refusal = {
                        "retry_after": response.headers.get("Retry-After"),
                        "content_type": response.headers.get("Content-Type"),
                        "body": json.loads(body),
                    }
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            flood.statuses[type(exc).__name__] += 1


async def _open_socket(http: aiohttp.ClientSession, url: str, origin: str, flood: Flood) -> socketio.AsyncClient | None:
    """One chat socket as the widget opens it (polling, then the websocket upgrade)."""
    client = socketio.AsyncClient(reconnection=False, http_session=http)
    told: list[object] = []
    client.on("connect_error", told.append)
    try:
        await client.connect(url, headers={"Origin": origin}, socketio_path="/socket.io", wait_timeout=10)
        flood.sockets_open += 1
        return client
    except socketio.exceptions.ConnectionError as exc:
        if "429" in str(exc):
            flood.sockets_refused += 1
            flood.socket_refusal = flood.socket_refusal or (told[0] if told else None)
        else:
            flood.sockets_failed.append(str(exc))
        return None


async def _oversized(http: aiohttp.ClientSession, url: str, flood: Flood) -> None:
    async with http.post(
        f"{url}/webhooks/rest/webhook", json={"sender": "flood-big", "message": "x" * 70_000}
    ) as response:
        flood.oversized = response.status


async def _slow_headers(url: str, source: str, flood: Flood) -> None:
    """Start a request and never finish its headers (a "slowloris" client)."""
    where = urlsplit(url)
    reader, writer = await asyncio.open_connection(where.hostname, where.port, local_addr=(source, 0))
    writer.write(b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: backcare\r\n")
    await writer.drain()
    started = time.monotonic()
    answer = await asyncio.wait_for(reader.read(), 60)  # until nginx closes the connection
    flood.slow_cut_after = time.monotonic() - started
    flood.slow_answer = answer.decode(errors="replace")[:40]
    writer.close()


async def flood(url: str, source: str, origin: str, seconds: float, in_flight: int, sockets: int) -> Flood:
    result = Flood()
    connector = aiohttp.TCPConnector(local_addr=(source, 0), limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        deadline = time.monotonic() + seconds
        slow = asyncio.create_task(_slow_headers(url, source, result))
        await _oversized(http, url, result)
        posting = [asyncio.create_task(_post_until(http, url, n, deadline, result)) for n in range(in_flight)]
        clients = [await _open_socket(http, url, origin, result) for _ in range(sockets)]
        await asyncio.gather(*posting, slow)
        for client in clients:
            if client is not None:
                await client.disconnect()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--source", required=True, help="the loopback address to send from")
    parser.add_argument("--origin", required=True, help="an origin allowed to open chat sockets")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--in-flight", type=int, default=100, help="REST messages in flight at once")
    parser.add_argument("--sockets", type=int, default=30, help="chat sockets to open")
    args = parser.parse_args()
    os.nice(19)
    result = asyncio.run(flood(args.url, args.source, args.origin, args.seconds, args.in_flight, args.sockets))
    print(result.as_json(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
