"""Page speed: every page of the web app on the demo data, as the person who may see it.

    .venv/bin/python -m bench.pages [--requests 50] [--db sqlite|postgres URL]

Loads the demo into a fresh data directory and starts `clearinghouse serve` (bench/load.py's
Server). The pages are found from the routers (web/features.py's PAGE_MODULES and the shell):
a page added tomorrow is measured without touching this file. Each GET page is asked for as a
visitor, then as every demo sign-in (docs/demo.md) until one gets it (200); a path's ids come
from EXAMPLES or from links on the pages that person already saw. A licence is bought first as
the demo creator, so the licence pages have one.

For each page, `--requests` sequential requests: the server's own time from its
`Server-Timing: app;dur=` header (p50, p95) and the client's median against `/healthz`'s (a
ratio, so a busy machine shows less); then the bytes of a first visit: the HTML and every
stylesheet, script and image it references, as a browser fetches them with an empty cache
(compressed where the server compresses). Targets: p95 < 50 ms, first load < 300 KB.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import os
import re
import statistics
import time
import wave
from dataclasses import asdict, dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

import httpx
from rich.console import Console
from rich.table import Table

from bench.load import OUT, Server
from clearinghouse.demo.loader import DEMO_SIGN_INS
from clearinghouse.web import features

console = Console(width=200)
P95_TARGET_MS = 50.0
FIRST_LOAD_TARGET_KB = 300.0
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
BROWSER = {"accept-language": "zh-CN", "accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
OPERATOR = {"Authorization": "Bearer chk_de0000000001_demo-operator"}  # docs/demo.md
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
# Query strings a page needs to show what it is for (the search a person types, the use she states).
QUERIES = {"/search": {"q": "夏日"}, "/quote-preview": {"seconds": "15", "channel": "douyin"},
           "/checkout": {"seconds": "15", "channel": "douyin"}}
NEEDS_WORK = ("/quote-preview", "/checkout")
NOT_PAGES = ("/language/{code}",)  # a redirect that sets a cookie, nothing to show
SHELL = "clearinghouse.web.shell"


@dataclass
class PageRow:
    path: str
    url: str
    who: str
    kind: str  # html or a download's media type
    server_p50_ms: float = 0.0
    server_p95_ms: float = 0.0
    client_vs_healthz: float = 0.0
    first_load_kb: float = 0.0
    assets: int = 0
    note: str = ""

    @property
    def speed_met(self) -> bool:
        return self.server_p95_ms < P95_TARGET_MS or self.kind != "html"  # downloads: shown, no target

    @property
    def size_met(self) -> bool:
        return self.first_load_kb < FIRST_LOAD_TARGET_KB or self.kind != "html"


class Assets(HTMLParser):
    """What a browser fetches for a page: stylesheets, scripts, images, icons."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "link" and (values.get("rel") or "") in ("stylesheet", "icon", "preload") and values.get("href"):
            self.urls.append(str(values["href"]))
        elif tag in ("script", "img", "source") and values.get("src"):
            self.urls.append(str(values["src"]))
        elif tag == "a" and (values.get("href") or "").startswith("/"):
            self.links.append(str(values["href"]).split("?")[0].split("#")[0])


def page_routes() -> list[Any]:
    routes = []
    for name in (SHELL, *features.PAGE_MODULES):
        for route in importlib.import_module(name).router.routes:
            if "GET" in getattr(route, "methods", ()) and route.path not in NOT_PAGES:
                routes.append(route)
    return routes


def _sign_in(base: str, email: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30, headers=BROWSER)
    form = client.get("/sign-in")
    found = TOKEN.search(form.text)
    assert found, form.text[:300]
    answer = client.post("/sign-in", data={"csrf_token": found[1], "email": email, "password": password})
    assert answer.status_code in (200, 303) and "ch_session" in client.cookies, (email, answer.status_code)
    return client


def _visitors(base: str) -> list[tuple[str, httpx.Client]]:
    people = [("visitor", httpx.Client(base_url=base, timeout=30, headers=BROWSER))]
    # the creator first: she bought the licence, so its pages are measured as their owner sees them
    sign_ins = sorted(DEMO_SIGN_INS, key=lambda s: s.party != "creator")
    people += [(f"{s.role}: {s.party}", _sign_in(base, s.email, s.password)) for s in sign_ins]
    return people


def _silence_wav(seconds: float = 1.0) -> bytes:
    """A file for the bought recording (the demo's works have none), so its delivery is measured."""
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(b"\0\0" * int(8000 * seconds))
    return out.getvalue()


def _buy_a_licence(people: dict[str, httpx.Client], work_id: str) -> str:
    creator = next(client for who, client in people.items() if who.endswith(": creator"))
    checkout = creator.get("/checkout", params={"work_id": work_id, **QUERIES["/checkout"]})
    bought = creator.post("/checkout", data=dict(HIDDEN.findall(checkout.text)))
    assert bought.status_code == 303, bought.text[-300:]
    return str(bought.headers["location"]).split("?")[0].rsplit("/", 1)[-1]


def _url(route: Any, examples: dict[str, str]) -> str | None:
    path = route.path
    for param in route.dependant.path_params:
        if param.name not in examples:
            return None
        path = path.replace("{" + param.name + "}", examples[param.name])
    query = dict(QUERIES.get(route.path, {}))
    if route.path in NEEDS_WORK:
        query["work_id"] = examples["work_id"]
    return path + (f"?{urlencode(query)}" if query else "")


def _candidates(route: Any, examples: dict[str, str], seen_links: set[str]) -> list[str]:
    urls = [u for u in [_url(route, examples)] if u]
    if route.dependant.path_params:  # ids the person was shown: an owner's own work
        urls += sorted(link for link in seen_links if route.path_regex.match(link))[:3]
    return urls


def _find_viewer(route: Any, people: list[tuple[str, httpx.Client]], examples: dict[str, str],
                 links: dict[str, set[str]]) -> tuple[str, httpx.Client, str] | str:
    statuses = []
    for who, client in people:
        for url in _candidates(route, examples, links[who]):
            answer = client.get(url)
            if answer.status_code == 200 or (answer.is_redirect and "/sign-in" not in
                                              answer.headers.get("location", "")):
                return who, client, url  # a redirect elsewhere: a download handed to its link
            statuses.append(f"{who.split(':')[0]} {answer.status_code}")
    return "no one got 200: " + ", ".join(sorted(set(statuses))[:4])


def _timings(client: httpx.Client, url: str, count: int) -> tuple[list[float], list[float]]:
    server, wall = [], []
    for _ in range(count):
        started = time.perf_counter()
        answer = client.get(url)
        wall.append((time.perf_counter() - started) * 1000)
        timing = answer.headers.get("server-timing", "")
        found = re.search(r"dur=([\d.]+)", timing)
        if found:
            server.append(float(found[1]))
    return server, wall


def _transferred(client: httpx.Client, url: str) -> int:
    """Bytes on the wire (before decompression), as an empty-cache browser that accepts gzip."""
    with client.stream("GET", url, headers={"accept-encoding": "gzip, br"}) as answer:
        return sum(len(chunk) for chunk in answer.iter_raw())


def _first_load(client: httpx.Client, url: str, html: str) -> tuple[int, int]:
    assets = Assets()
    assets.feed(html)
    total = _transferred(client, url)
    for asset in dict.fromkeys(assets.urls):
        total += _transferred(client, asset)
    return total, len(assets.urls)


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else (values[0] if values else 0.0)


@dataclass
class Viewer:
    """A page and who saw it (at which URL), or why no one could."""

    path: str
    who: str = ""
    client: httpx.Client | None = None
    url: str = ""
    note: str = ""


def find_pages(base: str, *, with_file: bool = True) -> tuple[list[tuple[str, httpx.Client]], list[Viewer]]:
    """Every GET page of the app and a demo person who may see it. `with_file` gives the bought
    recording a file (the demo's works have none) so its delivery can be asked for too."""
    people = _visitors(base)
    by_who = dict(people)
    found = by_who["visitor"].get("/api/v1/works", params={"q": "夏日的风", "type": "sound_recording"})
    work_id = str(found.json()["items"][0]["id"])
    if with_file:
        put = by_who["visitor"].put(f"/api/v1/works/{work_id}/file", headers=OPERATOR,
                                    files={"file": ("summer-wind.wav", _silence_wav(), "audio/wav")})
        assert put.status_code == 200, put.text[:300]
    examples = {"work_id": work_id, "license_id": _buy_a_licence(by_who, work_id)}
    routes = page_routes()
    links: dict[str, set[str]] = {who: set() for who, _ in people}
    for who, client in people:  # the links each person is shown on the pages without ids
        for route in routes:
            url = _url(route, examples)
            if url and not route.dependant.path_params:
                answer = client.get(url)
                if answer.status_code == 200 and "html" in answer.headers.get("content-type", ""):
                    parser = Assets()
                    parser.feed(answer.text)
                    links[who].update(parser.links)
    viewers = []
    for route in routes:
        viewer = _find_viewer(route, people, examples, links)
        viewers.append(Viewer(route.path, note=viewer) if isinstance(viewer, str) else Viewer(route.path, *viewer))
    return people, viewers


def measure(base: str, count: int) -> tuple[list[PageRow], float]:
    people, viewers = find_pages(base)
    _, healthz = _timings(dict(people)["visitor"], "/healthz", count)
    healthz_p50 = statistics.median(healthz)
    rows = []
    for viewer in viewers:
        if viewer.client is None:
            rows.append(PageRow(viewer.path, "", "", "", note=viewer.note))
            continue
        client, url = viewer.client, viewer.url
        first = client.get(url)
        kind = "html" if "html" in first.headers.get("content-type", "") else \
            first.headers.get("content-type", "").split(";")[0] or f"{first.status_code} redirect"
        server, wall = _timings(client, url, count)
        row = PageRow(viewer.path, url, viewer.who, kind, statistics.median(server), _p95(server),
                      statistics.median(wall) / healthz_p50)
        if kind == "html":
            size, row.assets = _first_load(client, url, first.text)
            row.first_load_kb = size / 1024
        else:
            row.first_load_kb = _transferred(client, url) / 1024
            row.note = "a download, not a page"
        rows.append(row)
    for _, client in people:
        client.close()
    return rows, healthz_p50


def _mark(met: bool) -> str:
    return "[green]met[/green]" if met else "[red]NOT met[/red]"


def report(rows: list[PageRow], healthz_p50: float, count: int) -> None:
    table = Table(title=f"Pages on the demo data: {count} requests each; /healthz p50 {healthz_p50:.1f} ms")
    for column in ("page", "as", "server p50 ms", "server p95 ms", "client/healthz", f"p95<{P95_TARGET_MS:.0f}",
                   "first load KB", f"<{FIRST_LOAD_TARGET_KB:.0f} KB", "note"):
        table.add_column(column)
    for row in rows:
        if not row.url:
            table.add_row(row.path, "", "", "", "", "", "", "", row.note)
            continue
        speed_mark, size_mark = (_mark(row.speed_met), _mark(row.size_met)) if row.kind == "html" else ("n/a", "n/a")
        table.add_row(row.path, row.who, f"{row.server_p50_ms:.1f}", f"{row.server_p95_ms:.1f}",
                      f"{row.client_vs_healthz:.1f}x", speed_mark, f"{row.first_load_kb:.1f}",
                      size_mark, row.note or f"{row.assets} assets")
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=50, help="requests per page")
    parser.add_argument("--db", default=None, help="a PostgreSQL URL; default: SQLite in the data dir")
    args = parser.parse_args()
    console.print("loading the demo into a fresh data directory and starting the server…")
    # as `make demo` serves it: a bought licence is paid at once, so its file can be fetched
    os.environ["CLEARINGHOUSE_DEMO_SETTLES_PAYMENTS"] = "true"
    server = Server(args.db)
    try:
        rows, healthz_p50 = measure(server.base, args.requests)
    finally:
        server.stop()
    report(rows, healthz_p50, args.requests)
    OUT.mkdir(exist_ok=True)
    out = OUT / "pages.json"
    out.write_text(json.dumps({"requests": args.requests, "healthz_p50_ms": healthz_p50,
                               "targets": {"p95_ms": P95_TARGET_MS, "first_load_kb": FIRST_LOAD_TARGET_KB},
                               "pages": [asdict(r) | {"speed_met": r.speed_met, "size_met": r.size_met}
                                         for r in rows]}, ensure_ascii=False, indent=1))
    console.print(f"written {out}")


if __name__ == "__main__":
    main()
