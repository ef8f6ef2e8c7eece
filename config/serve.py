"""What production runs for HTTP and WebSockets on one port: `python -m config.serve`.

`make serve`, `make run`, docker compose's web service and the image's default command all start
this, so what is tested and measured (tests/config/test_serving.py, `manage.py bench_serving`) is
what is deployed. uvicorn serves config.asgi:application: HTTP through Django's WSGI handler on a
pool of threads (config/serving.py), WebSockets through Channels.

From the environment: HOST (default 127.0.0.1; compose and the image set 0.0.0.0), PORT (8000),
WEB_CONCURRENCY (worker processes, default 1) and FORWARDED_ALLOW_IPS (whose X-Forwarded-*
headers are trusted) are read here or by uvicorn; everything else by config/settings.py.
"""

import os
import sys

APPLICATION = "config.asgi:application"


def uvicorn_argv(environ: dict[str, str]) -> list[str]:
    return [
        "uvicorn",
        APPLICATION,
        "--host",
        environ.get("HOST") or "127.0.0.1",
        "--port",
        environ.get("PORT") or "8000",
        "--workers",
        environ.get("WEB_CONCURRENCY") or "1",
        # The client's address from trusted proxies only (README, "Production notes").
        "--proxy-headers",
        # Requests in flight get this long to finish on SIGTERM before connections are cut.
        "--timeout-graceful-shutdown",
        "20",
    ]


def main() -> None:
    argv = uvicorn_argv(dict(os.environ))
    # exec: uvicorn becomes this process, so a container's SIGTERM reaches it directly.
    os.execv(sys.executable, [sys.executable, "-m", *argv])


if __name__ == "__main__":
    main()
