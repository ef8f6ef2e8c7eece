"""HTTP for the ASGI server, served by Django's WSGI handler on a fixed pool of threads.

Django's own ASGI handler runs a sync view through asgiref (a `sync_to_async` for the signals,
another for the middleware chain and the view, the body spooled to a file, the response sent in
chunks): measured on 2 cores with 4 client threads, that served a bare JSON view at about a
quarter of gunicorn's threaded workers with the same processes, and a2wsgi's WSGI adapter at two
thirds. This bridge reads the body on the event loop, then makes one hop to a thread that runs the
whole request through Django's WSGI handler and returns the finished response, and sends it: as
fast as gunicorn's threaded workers (`manage.py bench_serving` prints both), with WebSockets
still on the same port and process (config/asgi.py routes them to Channels).

The threads are a fixed pool (WEB_THREADS per process), so each keeps its own database
connection for CONN_MAX_AGE seconds, exactly as gunicorn's threaded workers do; the number of
connections a process holds is bounded by its threads (README, "Serving").
"""

import asyncio
import logging
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO

logger = logging.getLogger(__name__)

# Bodies larger than this are spooled to a temporary file, as Django's ASGI handler does.
_SPOOL_BYTES = 2_621_440
_END = object()


def _latin1(text: str) -> str:
    # WSGI carries the path as its UTF-8 bytes read as Latin-1; Django decodes it back.
    return text.encode("utf-8").decode("latin-1")


def wsgi_environ(scope: dict, body) -> dict:
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client") or ("", 0)
    environ = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": _latin1(scope.get("root_path", "")),
        "PATH_INFO": _latin1(scope["path"]),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1] or 80),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "REMOTE_ADDR": str(client[0]),
        "REMOTE_PORT": str(client[1]),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for raw_name, raw_value in scope.get("headers", ()):
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        if name == "content-length":
            environ["CONTENT_LENGTH"] = value
            continue
        if name == "content-type":
            environ["CONTENT_TYPE"] = value
            continue
        key = "HTTP_" + name.upper().replace("-", "_")
        if key in environ:
            value = environ[key] + ("; " if key == "HTTP_COOKIE" else ",") + value
        environ[key] = value
    return environ


class WSGIBridge:
    """An ASGI application for `http` scopes that runs a WSGI application on its own threads."""

    def __init__(self, wsgi_application, *, threads: int):
        self.wsgi_application = wsgi_application
        self.threads = threads
        self._executor: ThreadPoolExecutor | None = None

    @property
    def executor(self) -> ThreadPoolExecutor:
        # Made on first use, so a process that forks (uvicorn's workers) makes its own.
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self.threads, thread_name_prefix="http")
        return self._executor

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None

    async def __call__(self, scope, receive, send):
        body = await self._read_body(receive)
        if body is None:  # the client went away before its body arrived
            return
        environ = wsgi_environ(scope, body)
        if "CONTENT_LENGTH" not in environ:
            # A chunked body has no Content-Length; WSGI reads exactly CONTENT_LENGTH bytes.
            size = body.seek(0, 2)
            body.seek(0)
            if size:
                environ["CONTENT_LENGTH"] = str(size)
        loop = asyncio.get_running_loop()
        status, headers, chunks, rest = await loop.run_in_executor(
            self.executor, self._respond, environ
        )
        await send({"type": "http.response.start", "status": status, "headers": headers})
        if rest is None:
            await send({"type": "http.response.body", "body": b"".join(chunks)})
            return
        # A streaming response (a file): each chunk is read on a thread, the way it was written.
        try:
            for chunk in chunks:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            while (
                chunk := await loop.run_in_executor(self.executor, next, rest, _END)
            ) is not _END:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        finally:
            if hasattr(rest, "close"):
                await loop.run_in_executor(self.executor, rest.close)
        await send({"type": "http.response.body", "body": b""})

    @staticmethod
    async def _read_body(receive):
        body, size = None, 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            if chunk:
                if body is None:
                    body = BytesIO()
                size += len(chunk)
                if size > _SPOOL_BYTES and isinstance(body, BytesIO):
                    # Freed with the request: the file closes itself when collected.
                    spooled = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES, mode="w+b")  # noqa: SIM115
                    spooled.write(body.getvalue())
                    body = spooled
                body.write(chunk)
            if not message.get("more_body", False):
                break
        if body is None:
            return BytesIO()
        body.seek(0)
        return body

    def _respond(self, environ):
        """On a pool thread: the whole request, and the whole response unless it streams."""
        started = {}

        def start_response(status, headers, exc_info=None):
            started["status"] = int(status.split(" ", 1)[0])
            started["headers"] = [
                (name.encode("latin-1"), value.encode("latin-1")) for name, value in headers
            ]

        result = self.wsgi_application(environ, start_response)
        if not getattr(result, "streaming", False):
            try:
                chunks = list(result)
            finally:
                # Django's request_finished: the connection goes back (or closes past its age).
                if hasattr(result, "close"):
                    result.close()
            return started["status"], started["headers"], chunks, None
        iterator = iter(result)
        first = next(iterator, _END)
        chunks = [] if first is _END else [first]
        return started["status"], started["headers"], chunks, _Closing(iterator, result)


class _Closing:
    """The rest of a streaming response, closed through the response (WSGI's close())."""

    def __init__(self, iterator, result):
        self.iterator, self.result = iterator, result

    def __iter__(self):
        return self

    def __next__(self):
        return next(self.iterator)

    def close(self):
        if hasattr(self.result, "close"):
            self.result.close()


async def lifespan(scope, receive, send, *, on_shutdown) -> None:
    """Start-up has nothing to do; at shutdown the threads finish what they serve."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await asyncio.get_running_loop().run_in_executor(None, on_shutdown)
            await send({"type": "lifespan.shutdown.complete"})
            return
