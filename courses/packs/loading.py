"""Reading a pack from what people hand over: a .json file (its media beside it) or a .zip.

A zip holds `pack.json` (at its top, or in one folder) and the media files at the paths the pack
names, relative to the pack. Zip members are read lazily and never more than the media limit, so
a zip bomb costs at most one limit's worth of memory per file the pack names.
"""

import io
import json
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings

from courses.packs.problems import PackError
from courses.packs.validation import media_relpath

PACK_FILE_NAME = "pack.json"
PACK_MAX_BYTES = 20 * 1024 * 1024
ZIP_MAX_BYTES = 200 * 1024 * 1024


@dataclass
class LoadedPack:
    pack: Any
    base_dir: Path | None = None
    files: Mapping[str, bytes] | None = None


def pack_load_path(path: Path) -> LoadedPack:
    """A pack file on disk: a .json whose media are relative to its folder, or a .zip."""
    path = Path(path)
    if not path.is_file():
        raise PackError([("pack", f"{path} is not a file")])
    if zipfile.is_zipfile(path):
        if path.stat().st_size > ZIP_MAX_BYTES:
            raise PackError([("pack", f"the zip is larger than {ZIP_MAX_BYTES} bytes")])
        return _load_zip(path.read_bytes())
    if path.stat().st_size > PACK_MAX_BYTES:
        raise PackError([("pack", f"the pack is larger than {PACK_MAX_BYTES} bytes")])
    return LoadedPack(pack=_parse(path.read_bytes()), base_dir=path.resolve().parent)


def pack_load_upload(data: bytes) -> LoadedPack:
    """An uploaded pack: a .json (no media can come with it) or a .zip with its media."""
    if data[:4] == b"PK\x03\x04":
        return _load_zip(data)
    return LoadedPack(pack=_parse(data))


def _parse(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise PackError([("pack", "the pack is not UTF-8 text (is it a .json file?)")]) from None
    except json.JSONDecodeError as error:
        raise PackError(
            [("pack", f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})")]
        ) from None


def _load_zip(data: bytes) -> LoadedPack:
    if len(data) > ZIP_MAX_BYTES:
        raise PackError([("pack", f"the zip is larger than {ZIP_MAX_BYTES} bytes")])
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir() and "__MACOSX" not in PurePosixPath(info.filename).parts
        ]
    except zipfile.BadZipFile as error:
        raise PackError([("pack", f"not a valid zip file ({error})")]) from None
    packs = [info for info in members if PurePosixPath(info.filename).name == PACK_FILE_NAME]
    if not packs:
        packs = [info for info in members if info.filename.endswith(".json")]
        if len(packs) != 1:
            raise PackError([("pack", f"the zip must hold the pack as {PACK_FILE_NAME}")])
    packs.sort(key=lambda info: len(PurePosixPath(info.filename).parts))
    chosen = packs[0]
    try:
        with archive.open(chosen) as file:
            raw = file.read(PACK_MAX_BYTES + 1)
    except (zipfile.BadZipFile, OSError, NotImplementedError) as error:
        raise PackError(
            [("pack", f"cannot read {chosen.filename} from the zip ({error})")]
        ) from None
    if len(raw) > PACK_MAX_BYTES:
        raise PackError([("pack", f"the pack is larger than {PACK_MAX_BYTES} bytes")])
    folder = str(PurePosixPath(chosen.filename).parent)
    return LoadedPack(pack=_parse(raw), files=ZipFiles(archive, members, folder))


class ZipFiles(Mapping[str, bytes]):
    """The zip's members by their path relative to the pack's folder, read on demand."""

    def __init__(self, archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], folder: str):
        self._archive = archive
        self._members: dict[str, zipfile.ZipInfo] = {}
        prefix = "" if folder == "." else f"{folder}/"
        for info in members:
            if info.filename.startswith(prefix):
                relpath = media_relpath(info.filename[len(prefix) :])
                if relpath:
                    self._members[relpath] = info

    def __getitem__(self, relpath: str) -> bytes:
        info = self._members[relpath]
        # One byte over the limit is enough for the caller to refuse the file as too large.
        try:
            with self._archive.open(info) as file:
                return file.read(settings.MEDIA_MAX_UPLOAD_BYTES + 1)
        except (zipfile.BadZipFile, OSError, NotImplementedError):
            return b""

    def __iter__(self) -> Iterator[str]:
        return iter(self._members)

    def __len__(self) -> int:
        return len(self._members)
