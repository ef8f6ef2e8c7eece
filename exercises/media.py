"""Uploaded audio and images are checked by what they contain, not by their names.

`filetype` reads the first bytes (the magic numbers) of the file; a PNG renamed .mp3 is refused.
The name must agree with the content too: the media server picks the Content-Type from the
extension, so an image stored as `.html` would be served, and run, as a web page.
"""

from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# Each accepted content type, with the extensions a file of that type may be named with.
AUDIO_EXTENSIONS = {
    "audio/mpeg": (".mp3",),
    "audio/ogg": (".ogg", ".oga"),
    "audio/x-wav": (".wav",),
    "audio/wav": (".wav",),
}
IMAGE_EXTENSIONS = {
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/webp": (".webp",),
}
_SNIFF_BYTES = 8192


@deconstructible
class MediaValidator:
    def __init__(self, kind: str):
        if kind not in {"audio", "image"}:
            raise ValueError(f"Unknown media kind {kind!r}.")
        self.kind = kind

    @property
    def extensions(self) -> dict[str, tuple[str, ...]]:
        return AUDIO_EXTENSIONS if self.kind == "audio" else IMAGE_EXTENSIONS

    def __call__(self, file) -> None:
        limit = settings.MEDIA_MAX_UPLOAD_BYTES
        try:
            size = file.size
            position = file.tell() if hasattr(file, "tell") else 0
            file.seek(0)
            head = file.read(_SNIFF_BYTES)
            file.seek(position)
        except OSError:
            # A stored file lost from the media store: every save of its row re-validates it.
            raise ValidationError(
                "The file %(name)s is missing from the media store; upload it again.",
                code="file_missing",
                params={"name": file.name},
            ) from None
        if size is not None and size > limit:
            raise ValidationError(
                "The file is %(size)s bytes; the limit is %(limit)s bytes.",
                code="file_too_large",
                params={"size": size, "limit": limit},
            )
        kind = filetype.guess(head)
        if kind is None or kind.mime not in self.extensions:
            expected = "MP3, OGG or WAV" if self.kind == "audio" else "PNG, JPEG or WebP"
            raise ValidationError(
                "This file is not %(expected)s %(kind)s (its content says %(found)s).",
                code="invalid_media",
                params={
                    "expected": expected,
                    "kind": self.kind,
                    "found": kind.mime if kind else "unknown",
                },
            )
        suffixes = self.extensions[kind.mime]
        name = PurePosixPath(file.name or "")
        if name.suffix.lower() not in suffixes:
            raise ValidationError(
                "This file holds %(mime)s, so its name must end in %(suffixes)s "
                "(it is named “%(name)s”).",
                code="media_extension_mismatch",
                params={
                    "mime": kind.mime,
                    "suffixes": " or ".join(suffixes),
                    "name": name.name[:80],
                },
            )

    def __eq__(self, other):
        return isinstance(other, MediaValidator) and other.kind == self.kind


validate_audio = MediaValidator("audio")
validate_image = MediaValidator("image")
