"""An ASGI live server for browser tests that need WebSockets.

pytest-django's `live_server` is a WSGI server: no WebSockets. `asgi_live_server` runs uvicorn
with the project's ASGI application (HTTP through Django, WebSockets through Channels) in a
thread of the test process, on a free port, against the test database. The channel layer is the
one the settings give: Redis when REDIS_URL is set (CI), otherwise the in-memory layer, which
works because the server runs in this same process.
"""

import socket
import threading
import time
from dataclasses import dataclass

import pytest

STARTUP_SECONDS = 15


@dataclass(frozen=True)
class AsgiLiveServer:
    url: str
    ws_url: str


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def asgi_live_server(transactional_db, settings):
    import uvicorn

    from config.asgi import application

    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    port = _free_port()
    config = uvicorn.Config(
        application,
        host="127.0.0.1",
        port=port,
        lifespan="off",
        # The sans-I/O implementation: the default one is built on websockets' deprecated API,
        # which warns at every start.
        ws="websockets-sansio",
        log_level="warning",
        # Off: the project's LOGGING already writes one access line per request.
        access_log=False,
    )
    server = uvicorn.Server(config)
    # uvicorn leaves signal handling alone outside the main thread.
    thread = threading.Thread(target=server.run, name="asgi-live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("The ASGI live server did not start.")
        time.sleep(0.05)
    yield AsgiLiveServer(url=f"http://127.0.0.1:{port}", ws_url=f"ws://127.0.0.1:{port}")
    server.should_exit = True
    thread.join(timeout=10)
