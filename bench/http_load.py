"""The public search page over HTTP under gunicorn with production settings, and its weight.

The load generator is asyncio over plain sockets: each of the concurrent clients keeps one
HTTP/1.1 connection alive and sends its next request as soon as the last answer is read, so the
client costs little of the machine's two cores and measures the server, not itself."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from datasets import django_env

SEARCH_URLS = [
    "/search/",
    "/search/?q=women",
    "/search/?q=e-commerce",
    "/search/?q=%22mobile+money%22",
    "/search/?q=digital+skills&area=digital_skills_education",
    "/search/?q=finance&economy=KEN",
    "/search/?area=entrepreneurship_support&group=women_entrepreneurs",
    "/search/?q=trade&sort=newest&page=2",
]
FALLBACK_URLS = ["/entries/", "/entries/?area=ecommerce", "/entries/?economy=KEN"]
CLIENTS = 8


@dataclass
class LoadResult:
    label: str
    seconds: float
    requests: int
    errors: int
    p50: float
    p95: float
    max: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "identity"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str],
    workers: int,
    threads: int,
    *,
    log: Path | None = None,
    options: Sequence[str] = (),
) -> Iterator[int]:
    """gunicorn serving the product with `env` (e.g. `django_env(url)`) on a free port, once it
    accepts connections; its errors go to `log` if given."""
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "compendium.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=gthread",  # the sync worker would close every connection
        f"--threads={threads}",
        "--keep-alive=30",
        "--log-level=warning",
        *options,
    ]
    with contextlib.ExitStack() as stack:
        errors = stack.enter_context(log.open("wb")) if log else subprocess.PIPE
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        said = log.read_text() if log else process.stderr.read().decode()
                        raise RuntimeError("gunicorn did not start:\n" + said) from None
                    time.sleep(0.2)
            yield port
        finally:
            process.terminate()
            process.wait(timeout=30)


def search_urls(port: int) -> list[str]:
    """The search page's URLs, or the plain entry list while the search page is not there."""
    status, _body = _get(port, "/search/")
    return SEARCH_URLS if status == 200 else FALLBACK_URLS


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {
        k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])
    }
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


async def _client(
    port: int, urls: list[str], offset: int, until: float, sink: list, unique: bool
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = offset
    try:
        while time.perf_counter() < until:
            path = urls[i % len(urls)]
            if unique:
                # A parameter the page ignores but the page cache keys on: every request renders.
                path += ("&" if "?" in path else "?") + f"bench={offset}-{i}"
            i += 1
            started = time.perf_counter()
            writer.write(
                f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\n\r\n".encode()
            )
            try:
                status = await _read_response(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                sink.append((None, time.perf_counter() - started))
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            sink.append((status, time.perf_counter() - started))
    finally:
        writer.close()


async def _load(port: int, urls: list[str], seconds: float, unique: bool) -> list:
    sink: list = []
    until = time.perf_counter() + seconds
    clients = (_client(port, urls, n, until, sink, unique) for n in range(CLIENTS))
    await asyncio.gather(*clients)
    return sink


def load(
    port: int, urls: list[str], seconds: float, label: str, *, unique: bool = False
) -> LoadResult:
    """Requests/s and latency; `unique` makes every URL new, so no page comes from a cache."""
    asyncio.run(_load(port, urls, min(3.0, seconds / 4), unique))  # warm-up: connections, caches
    started = time.perf_counter()
    sink = asyncio.run(_load(port, urls, seconds, unique))
    elapsed = time.perf_counter() - started
    times = sorted(t * 1000 for status, t in sink if status == 200)
    return LoadResult(
        label=label,
        seconds=elapsed,
        requests=len(times),
        errors=sum(1 for status, _t in sink if status != 200),
        p50=statistics.median(times) if times else 0.0,
        p95=times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] if times else 0.0,
        max=times[-1] if times else 0.0,
    )


@dataclass
class Weight:
    files: list[tuple[str, int, int]]  # (path, bytes, gzipped bytes)

    @property
    def total(self) -> int:
        return sum(g for _p, _b, g in self.files)


ASSET = re.compile(
    r'<link[^>]+rel="stylesheet"[^>]*href="([^"]+)"|<script[^>]+src="([^"]+)"', re.IGNORECASE
)


def page_weight(port: int, path: str) -> Weight:
    """The page and every stylesheet and script it links, each gzipped at level 6."""
    status, html = _get(port, path)
    if status != 200:
        raise RuntimeError(f"{path} answered {status}")
    files = [(path, len(html), len(gzip.compress(html, compresslevel=6)))]
    for match in ASSET.finditer(html.decode()):
        href = urljoin(path, match.group(1) or match.group(2))
        status, body = _get(port, href)
        if status != 200:
            raise RuntimeError(f"{href} answered {status}")
        files.append((href, len(body), len(gzip.compress(body, compresslevel=6))))
    return Weight(files)


def collectstatic(database_url: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "compendium", "collectstatic", "--noinput", "--clear", "-v0"],
        env=django_env(database_url),
        check=True,
    )


def cores() -> int:
    return os.cpu_count() or 1
