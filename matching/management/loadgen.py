"""A small HTTP load generator, standard library only, run as its own process by `manage.py bench_load`.

    python -m matching.management.loadgen < plan.json > result.json

The plan names the server, how long to run and the clients: each client is a thread with its own connection that
logs in first (through the login form, with its CSRF token, or with an API token), waits until every client is
ready, then requests its paths in turn until the time is up. The result has, per endpoint and overall, the number of
requests, the errors (any status but 200, or no answer), the latency percentiles (end to end: queueing included) and
the server's own time from the `Server-Timing: app;dur=<ms>` header when the server sends it. No Django here: the
process measures the server, not itself.
"""

import http.client
import json
import re
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SERVER_TIMING = re.compile(r"(?:^|,)\s*app;dur=([0-9.]+)")


class Client:
    def __init__(self, plan: dict, spec: dict):
        self.host, self.port = plan["host"], plan["port"]
        self.base_headers = dict(plan.get("headers", {}))
        self.origin = plan.get("origin", f"http://{self.host}:{self.port}")
        self.spec = spec
        self.cookies: dict[str, str] = {}
        self.server_ms: float | None = None  # the last answer's Server-Timing
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=plan.get("timeout", 60))

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        headers = {**self.base_headers, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()  # reconnects on the next request
            raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        self.server_ms = server_ms(response.getheader("Server-Timing", ""))
        return response.status, data

    def log_in(self) -> bool:
        auth = self.spec.get("auth", {})
        if "token" in auth:
            self.base_headers["Authorization"] = f"Token {auth['token']}"
            return True
        if "username" not in auth:
            return True
        status, page = self.request("GET", "/accounts/login/")
        found = CSRF_FIELD.search(page.decode("utf-8", "replace"))
        if status != 200 or not found:
            return False
        form = urllib.parse.urlencode(
            {
                "username": auth["username"],
                "password": auth["password"],
                "csrfmiddlewaretoken": found.group(1),
                "next": "/",
            }
        )
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": f"{self.origin}/accounts/login/",
            },
        )
        return status == 302 and any("session" in name for name in self.cookies)


def server_ms(header: str) -> float | None:
    """The server's own milliseconds from a `Server-Timing: app;dur=12.3` header; None without one."""
    found = SERVER_TIMING.search(header)
    return float(found.group(1)) if found else None


def percentile(ordered: list[float], share: float) -> float:
    """Nearest rank: the smallest latency at or above the share of requests."""
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, int(share * len(ordered) + 0.999999) - 1))]


def summarise(
    latencies: list[float], errors: int, seconds: float, statuses: Counter, server: list[float] | None = None
) -> dict:
    ordered = sorted(latencies)
    count = len(ordered)
    on_server = sorted(server or [])
    return {
        "requests": count,
        "errors": errors,
        "rps": round(count / seconds, 1) if seconds else 0.0,
        "mean_ms": round(sum(ordered) / count, 1) if count else 0.0,
        "p50_ms": round(percentile(ordered, 0.50), 1),
        "p95_ms": round(percentile(ordered, 0.95), 1),
        "p99_ms": round(percentile(ordered, 0.99), 1),
        "max_ms": round(ordered[-1], 1) if ordered else 0.0,
        "statuses": dict(statuses),
        # the server's time (Server-Timing), None when the server did not say
        "server_p50_ms": round(percentile(on_server, 0.50), 1) if on_server else None,
        "server_p95_ms": round(percentile(on_server, 0.95), 1) if on_server else None,
        "server_max_ms": round(on_server[-1], 1) if on_server else None,
    }


def run(plan: dict) -> dict:
    clients = [Client(plan, spec) for spec in plan["clients"]]
    ready = threading.Barrier(len(clients) + 1)
    go = threading.Event()
    lock = threading.Lock()
    latencies: dict[str, list[float]] = defaultdict(list)
    server: dict[str, list[float]] = defaultdict(list)
    errors: Counter = Counter()
    statuses: dict[str, Counter] = defaultdict(Counter)
    samples: list[str] = []
    logins = Counter()
    window = {}

    def work(index: int, client: Client) -> None:
        try:
            logged_in = client.log_in()
        except (OSError, http.client.HTTPException):
            logged_in = False
        with lock:
            logins["ok" if logged_in else "failed"] += 1
        # [name, path] or [name, path, accept]: pages ask for HTML, the API for JSON (not the browsable API's HTML)
        default = client.spec.get("accept", "*/*")
        paths = [
            (entry[0], entry[1], entry[2] if len(entry) > 2 else default) for entry in client.spec["paths"]
        ]
        step = index % len(paths)
        warm_until = time.monotonic() + plan.get("warmup", 0)
        while time.monotonic() < warm_until:  # every worker process connected and imported before measuring
            name, path, accept = paths[step % len(paths)]
            step += 1
            try:
                client.request("GET", path, headers={"Accept": accept})
            except (OSError, http.client.HTTPException):
                pass
        ready.wait()
        go.wait()
        deadline = window["deadline"]
        while True:
            name, path, accept = paths[step % len(paths)]
            step += 1
            began = time.perf_counter()
            if began >= deadline:
                return
            try:
                status, body = client.request("GET", path, headers={"Accept": accept})
                problem = None if status == 200 else f"{status} {path} {body[:120]!r}"
            except (OSError, http.client.HTTPException) as error:
                status, problem = "no answer", f"{type(error).__name__} {path}: {error}"
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                statuses[name][str(status)] += 1
                if problem:
                    errors[name] += 1
                    if len(samples) < 10:
                        samples.append(problem)
                else:
                    latencies[name].append(elapsed)
                    if client.server_ms is not None:
                        server[name].append(client.server_ms)

    threads = [threading.Thread(target=work, args=(i, c), daemon=True) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    ready.wait()  # every client logged in and warmed up
    started = time.perf_counter()
    window["deadline"] = started + plan["seconds"]
    go.set()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    names = sorted(set(latencies) | set(errors) | set(statuses))
    endpoints = {
        name: summarise(latencies[name], errors[name], seconds, statuses[name], server[name])
        for name in names
    }
    overall = summarise(
        [value for values in latencies.values() for value in values],
        sum(errors.values()),
        seconds,
        sum(statuses.values(), Counter()),
        [value for values in server.values() for value in values],
    )
    return {
        "seconds": round(seconds, 1),
        "clients": len(clients),
        "logins": dict(logins),
        "endpoints": endpoints,
        "overall": overall,
        "error_samples": samples,
    }


if __name__ == "__main__":
    json.dump(run(json.load(sys.stdin)), sys.stdout)
