"""Uploaded audio and images are checked by what they contain, not by their names.

`filetype` reads the first bytes (the magic numbers) of the file; a PNG renamed .mp3 is refused.
"""

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

AUDIO_MIME_TYPES = frozenset({"audio/mpeg", "audio/ogg", "audio/x-wav", "audio/wav"})
IMAGE_MIME_TYPES = frozenset({"image/png", "image/jpeg", "image/webp"})
_SNIFF_BYTES = 8192


@deconstructible
class MediaValidator:
    def __init__(self, kind: str):
        if kind not in {"audio", "image"}:
            raise ValueError(f"Unknown media kind {kind!r}.")
        self.kind = kind

    @property
    def allowed(self) -> frozenset[str]:
        return AUDIO_MIME_TYPES if self.kind == "audio" else IMAGE_MIME_TYPES

    def __call__(self, file) -> None:
        limit = settings.MEDIA_MAX_UPLOAD_BYTES
        if file.size is not None and file.size > limit:
            raise ValidationError(
                "The file is %(size)s bytes; the limit is %(limit)s bytes.",
                code="file_too_large",
                params={"size": file.size, "limit": limit},
            )
        position = file.tell() if hasattr(file, "tell") else 0
        file.seek(0)
        head = file.read(_SNIFF_BYTES)
        file.seek(position)
        kind = filetype.guess(head)
        if kind is None or kind.mime not in self.allowed:
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

    def __eq__(self, other):
        return isinstance(other, MediaValidator) and other.kind == self.kind


validate_audio = MediaValidator("audio")
validate_image = MediaValidator("image")
