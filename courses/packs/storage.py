"""Where a pack's media files live in the media store, and the pack path each one came from.

An imported file is stored as `packs/<first 16 hex of its SHA-256>/<its path in the pack>`: the
same file imported again lands on the same name, so re-imports store nothing new and leave the
models unchanged, and export gives back the very path the pack used. A name that would not fit
the FileField falls back to `packs/<32 hex><suffix>`, exported under that name.
"""

import hashlib
import re
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from courses.models import Word

PREFIX = "packs"
_IMPORTED = re.compile(rf"^{PREFIX}/[0-9a-f]{{16}}/(?P<path>.+)$")
_NAME_MAX = Word._meta.get_field("audio").max_length


def media_storage_name(relpath: str, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    name = f"{PREFIX}/{digest[:16]}/{relpath}"
    if len(name) > _NAME_MAX:
        name = f"{PREFIX}/{digest[:32]}{PurePosixPath(relpath).suffix[:10]}"
    return name


def media_store(name: str, data: bytes) -> None:
    """Put the file in the default storage under `name`, unless it is there already."""
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(data))


def media_pack_path(name: str) -> str:
    """The path, relative to the pack, under which an export names the stored file."""
    match = _IMPORTED.match(name)
    return match["path"] if match else name
