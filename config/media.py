"""Uploaded media (exercise and word audio and images) served by the app, DEBUG on or off.

The deployment story: one media volume (MEDIA_ROOT) that the web processes read, with a CDN or
caching proxy in front when traffic asks for one (see README, "Production notes"). Only the audio
and image types uploads are checked against are served, each with the Content-Type of its
extension, so nothing stored can ever be served as a page or a script. Byte ranges are honoured
because Safari and iOS play <audio> only from a server that answers them with 206.
"""

import re
import stat
from pathlib import Path, PurePosixPath

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils._os import safe_join
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django.views.decorators.http import require_safe

from exercises.media import AUDIO_EXTENSIONS, IMAGE_EXTENSIONS

CONTENT_TYPES = {
    extension: content_type
    for content_type, extensions in {**AUDIO_EXTENSIONS, **IMAGE_EXTENSIONS}.items()
    for extension in extensions
}
# Stored names do not change content in practice (uploads get fresh names, pack files are named
# by their hash); a day, then a cheap revalidation by ETag, bounds the rare exception.
CACHE_CONTROL = "public, max-age=86400"
CHUNK_BYTES = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class _Unsatisfiable(Exception):
    pass


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte of a single range; None to answer the whole file, as RFC 9110 lets a
    server do with a range it does not parse or support (several ranges, other units)."""
    match = _RANGE.match(header.strip())
    if not match or match.group(1) == match.group(2) == "":
        return None
    first, last = match.group(1), match.group(2)
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            raise _Unsatisfiable
        return max(size - length, 0), size - 1
    first = int(first)
    if last and first > int(last):
        return None
    if first >= size:
        raise _Unsatisfiable
    return first, min(int(last), size - 1) if last else size - 1


def _chunks(path: Path, first: int, length: int):
    with path.open("rb") as file:
        file.seek(first)
        while length > 0:
            data = file.read(min(CHUNK_BYTES, length))
            if not data:
                return
            length -= len(data)
            yield data


async def _async_chunks(path: Path, first: int, length: int):
    # Under ASGI a sync iterator is read whole into memory first; this one streams.
    file = await sync_to_async(path.open)("rb")
    try:
        await sync_to_async(file.seek)(first)
        while length > 0:
            data = await sync_to_async(file.read)(min(CHUNK_BYTES, length))
            if not data:
                return
            length -= len(data)
            yield data
    finally:
        await sync_to_async(file.close)()


def _range_matches(request, etag: str, mtime: int) -> bool:
    """If-Range: serve the range only of the very version the client already holds part of."""
    if_range = request.headers.get("If-Range")
    if not if_range:
        return True
    if if_range.startswith(('"', 'W/"')):
        return if_range == etag
    return parse_http_date_safe(if_range) == mtime


@require_safe
def media_serve(request, path: str):
    content_type = CONTENT_TYPES.get(PurePosixPath(path).suffix.lower())
    if content_type is None:
        raise Http404("Not a media file.")
    try:
        full_path = Path(safe_join(settings.MEDIA_ROOT, path))
        info = full_path.stat()
    except (SuspiciousFileOperation, OSError, ValueError):
        raise Http404("No such media file.") from None
    if not stat.S_ISREG(info.st_mode):
        raise Http404("No such media file.")

    size, mtime = info.st_size, int(info.st_mtime)
    etag = quote_etag(f"{info.st_mtime_ns:x}-{size:x}")
    headers = {
        "ETag": etag,
        "Last-Modified": http_date(mtime),
        "Cache-Control": CACHE_CONTROL,
        "Accept-Ranges": "bytes",
        "X-Content-Type-Options": "nosniff",
    }
    not_modified = get_conditional_response(request, etag=etag, last_modified=mtime)
    if not_modified is not None:
        for name, value in headers.items():
            not_modified.headers.setdefault(name, value)
        return not_modified

    status, first, length = 200, 0, size
    range_header = request.headers.get("Range")
    if range_header and _range_matches(request, etag, mtime):
        try:
            byte_range = _byte_range(range_header, size)
        except _Unsatisfiable:
            return HttpResponse(status=416, headers={**headers, "Content-Range": f"bytes */{size}"})
        if byte_range is not None:
            first, last = byte_range
            status, length = 206, last - first + 1
            headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    headers["Content-Length"] = str(length)

    if request.method == "HEAD":
        return HttpResponse(status=status, content_type=content_type, headers=headers)
    chunks = _async_chunks if isinstance(request, ASGIRequest) else _chunks
    return StreamingHttpResponse(
        chunks(full_path, first, length),
        status=status,
        content_type=content_type,
        headers=headers,
    )
