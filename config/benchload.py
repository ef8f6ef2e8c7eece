"""Driving a served process with HTTP load: wrk when installed (C, so the client takes little of
the machine's CPU from the server), else a small threaded keep-alive client in Python. Both take
the same request list and return the same figures; the benchmarks print which one ran.

A request list is a list of `Req`; each client thread gets its own share (`thread`), walked in
order and then again from the start: a list of answers to distinct exercises is sized by the
caller so that it is not walked twice (an exercise answered right twice is a 409).
"""

import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

# X-Forwarded-Proto from 127.0.0.1, a proxy uvicorn trusts by default: the request counts as
# https, as behind a load balancer, so DEBUG-off's redirect to https does not answer it.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}

_WRK_SCRIPT = r"""
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
function init(args)
  reqs = {}
  local all = {}
  for line in io.lines(args[1]) do
    local t, method, path, token, body = line:match("^(%d+)\t(%S+)\t(%S+)\t(%S*)\t(.*)$")
    local headers = {["X-Forwarded-Proto"] = "https"}
    if token ~= "" then headers["Authorization"] = "Bearer " .. token end
    if body ~= "" then headers["Content-Type"] = "application/json" else body = nil end
    local formatted = wrk.format(method, path, headers, body)
    table.insert(all, formatted)
    if tonumber(t) == tid then table.insert(reqs, formatted) end
  end
  -- A list shorter than the threads: the threads without a share of their own share it all.
  if #reqs == 0 then reqs = all end
  n = 0
end
function request()
  n = n + 1
  return reqs[((n - 1) % #reqs) + 1]
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRKJSON {\"requests\": %d, \"seconds\": %f, \"errors\": %d, " ..
    "\"p50_ms\": %f, \"p95_ms\": %f, \"p99_ms\": %f, \"error_kinds\": " ..
    "{\"connect\": %d, \"read\": %d, \"write\": %d, \"status\": %d, \"timeout\": %d}}\n",
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


@dataclass(frozen=True)
class Req:
    method: str
    path: str
    token: str = ""
    body: dict | None = None
    thread: int = 0


@dataclass
class LoadResult:
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    statuses: dict = field(default_factory=dict)
    # wrk's errors by kind: connect, read, write, status (not 2xx or 3xx) and timeout.
    error_kinds: dict = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def load_run(
    base: str,
    reqs: list[Req],
    *,
    seconds: float,
    threads: int,
    connections: int,
    client: str,
    limit: int | None = None,
) -> LoadResult:
    """Load for `seconds`; the Python client can stop at `limit` requests instead (wrk cannot)."""
    if client == "wrk" and limit is None:
        return _wrk(base, reqs, seconds=seconds, threads=threads, connections=connections)
    return _python(
        base, reqs, seconds=seconds, threads=threads, connections=connections, limit=limit
    )


def _wrk(base, reqs, *, seconds, threads, connections) -> LoadResult:
    with tempfile.TemporaryDirectory() as folder:
        script, listing = Path(folder) / "load.lua", Path(folder) / "requests.tsv"
        script.write_text(_WRK_SCRIPT)
        listing.write_text(
            "".join(
                f"{r.thread % threads}\t{r.method}\t{r.path}\t{r.token}\t"
                f"{json.dumps(r.body, separators=(',', ':')) if r.body is not None else ''}\n"
                for r in reqs
            )
        )
        result = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
             "--latency", "-s", str(script), base, "--", str(listing)],
            capture_output=True, text=True, timeout=seconds + 60, check=False,
        )  # fmt: skip
    for line in result.stdout.splitlines():
        if line.startswith("WRKJSON "):
            return LoadResult(**json.loads(line.removeprefix("WRKJSON ")))
    raise RuntimeError(f"wrk printed no figures: {result.stdout}\n{result.stderr}")


def _python(base, reqs, *, seconds, threads, connections, limit=None) -> LoadResult:
    host, port = base.removeprefix("http://").split(":")
    shares = [[r for r in reqs if r.thread % connections == n] for n in range(connections)]
    shares = [share or reqs for share in shares]
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    sent = [0]

    def claim() -> bool:
        if limit is None:
            return time.monotonic() < stop_at
        with lock:
            sent[0] += 1
            return sent[0] <= limit

    def worker(share):
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        mine, counts, failed, index = [], {}, 0, 0
        while claim():
            r = share[index % len(share)]
            index += 1
            headers = dict(PROXY_HEADERS)
            if r.token:
                headers["Authorization"] = f"Bearer {r.token}"
            body = None
            if r.body is not None:
                body = json.dumps(r.body)
                headers["Content-Type"] = "application/json"
            began = time.perf_counter()
            try:
                connection.request(r.method, r.path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection(host, int(port), timeout=30)
                continue
            mine.append(time.perf_counter() - began)
            counts[response.status] = counts.get(response.status, 0) + 1
            if response.status >= 400:
                failed += 1
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed
            for status, count in counts.items():
                statuses[status] = statuses.get(status, 0) + count

    began = time.monotonic()
    pool = [threading.Thread(target=worker, args=(share,)) for share in shares]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.monotonic() - began
    ordered = sorted(latencies) or [0.0]

    def pct(p):
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    return LoadResult(
        requests=len(latencies),
        seconds=elapsed,
        errors=errors[0],
        p50_ms=statistics.median(ordered) * 1000,
        p95_ms=pct(95),
        p99_ms=pct(99),
        statuses=statuses,
    )


# --- The server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The URL of the database this process uses (under pytest, the test database)."""
    from django.db import connection

    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    user = quote(params.get("USER") or "", safe="")
    password = quote(params.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = params.get("HOST") or "localhost"
    port = f":{params['PORT']}" if params.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{quote(params['NAME'], safe='')}"


def server_environment(**extra: str) -> dict[str, str]:
    """This process's environment with its database and Redis, for a process it starts."""
    environment = dict(os.environ)
    environment["DATABASE_URL"] = database_url()
    # Production's settings, also under pytest (whose test settings make a key per process).
    environment["DJANGO_SETTINGS_MODULE"] = "config.settings"
    environment["SECRET_KEY"] = settings.SECRET_KEY
    environment["JWT_SIGNING_KEY"] = settings.SIMPLE_JWT["SIGNING_KEY"]
    environment["DEBUG"] = "false"
    environment.pop("CI", None)
    return environment | extra


class Served:
    """A server process started with `argv` on `port`; waits until /healthz answers."""

    def __init__(self, argv: list[str], *, port: int, environment: dict[str, str]):
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        # A file, not a pipe: a pipe nobody reads fills up with log lines and stops the server.
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed by stop()
        self.stderr = ""
        self.errors: list[str] = []
        self.process = subprocess.Popen(
            argv,
            env=environment,
            cwd=settings.BASE_DIR,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )

    def __enter__(self):
        deadline = time.monotonic() + 90
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                connection.close()
                return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"the server did not start: {self.stderr}") from None
                time.sleep(0.3)

    def __exit__(self, *exc_info):
        self.stop()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if not self.log.closed:
            self.log.seek(0)
            logged = self.log.read()
            self.stderr = logged[-5000:]
            # What the server logged as an error (a 5xx's traceback starts with one such line).
            self.errors = [line for line in logged.splitlines() if " ERROR " in line]
            self.log.close()

    def worker_pids(self) -> list[int]:
        """The processes serving requests: the server's children, or the server itself."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            pids = [int(pid) for pid in children.read_text().split()]
        except OSError:
            pids = []
        return pids or [self.process.pid]


def serve_argv() -> list[str]:
    """`make serve`'s command (config/serve.py), as it runs."""
    return [sys.executable, "-m", "config.serve"]


def gunicorn_argv(*, port: int, workers: int, threads: int) -> list[str] | None:
    if shutil.which("gunicorn", path=str(Path(sys.executable).parent)) is None:
        return None
    return [
        str(Path(sys.executable).parent / "gunicorn"),
        "config.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--worker-class", "gthread",
        "--threads", str(threads),
        "--log-level", "warning",
    ]  # fmt: skip
