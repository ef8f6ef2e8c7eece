"""Reading a pack from what people hand over: a .json file (its media beside it) or a .zip.

A zip holds `pack.json` (at its top, or in one folder) and the media files at the paths the pack
names, relative to the pack. Zip members are read lazily and never more than the media limit; a
zip whose members declare more than `ZIP_UNPACKED_MAX_BYTES` in all is refused before anything is
unpacked (`zipfile` never yields more than a member declares), so a zip bomb costs nothing.
"""

import io
import json
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings

from courses.packs.problems import PackError, place
from courses.packs.validation import MediaUnreadable, media_relpath

PACK_FILE_NAME = "pack.json"
# A valid pack nests a dozen levels deep; deeper JSON is refused, since the checks that quote a
# wrong value back (repr, json.dumps) recurse into it and could exhaust the stack.
PACK_MAX_DEPTH = 32
PACK_MAX_BYTES = 20 * 1024 * 1024
ZIP_MAX_BYTES = 200 * 1024 * 1024
# Audio and images hardly compress, so an honest zip unpacks to little more than its own size;
# this leaves room for a well-compressed pack.json and refuses what only a bomb unpacks to.
ZIP_UNPACKED_MAX_BYTES = ZIP_MAX_BYTES + 5 * PACK_MAX_BYTES
# What reading a member can raise: damaged data (zlib, CRC), a password (RuntimeError), an
# unsupported compression method (NotImplementedError), a cut-off archive (EOFError).
_ZIP_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    RuntimeError,
    NotImplementedError,
    EOFError,
    OSError,
)


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
    try:
        if zipfile.is_zipfile(path):
            if path.stat().st_size > ZIP_MAX_BYTES:
                raise PackError([("pack", f"the zip is larger than {ZIP_MAX_BYTES} bytes")])
            return _load_zip(path.read_bytes())
        if path.stat().st_size > PACK_MAX_BYTES:
            raise PackError([("pack", f"the pack is larger than {PACK_MAX_BYTES} bytes")])
        data = path.read_bytes()
    except OSError as error:
        raise PackError([("pack", f"cannot read {path}: {error.strerror or error}")]) from None
    return LoadedPack(pack=_parse(data), base_dir=path.resolve().parent)


def pack_load_upload(data: bytes) -> LoadedPack:
    """An uploaded pack: a .json (no media can come with it) or a .zip with its media."""
    if data[:4] == b"PK\x03\x04":
        return _load_zip(data)
    if len(data) > PACK_MAX_BYTES:
        raise PackError([("pack", f"the pack is larger than {PACK_MAX_BYTES} bytes")])
    return LoadedPack(pack=_parse(data))


def _parse(data: bytes) -> Any:
    duplicated: list[tuple[dict, list[str]]] = []

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict:
        # json.loads keeps the last of two equal keys and drops the other without a word.
        obj = dict(pairs)
        if len(obj) != len(pairs):
            counts = Counter(key for key, _ in pairs)
            duplicated.append((obj, [key for key, count in counts.items() if count > 1]))
        return obj

    try:
        pack = json.loads(data.decode("utf-8-sig"), object_pairs_hook=pairs_hook)
    except UnicodeDecodeError:
        raise PackError([("pack", "the pack is not UTF-8 text (is it a .json file?)")]) from None
    except json.JSONDecodeError as error:
        raise PackError(
            [("pack", f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})")]
        ) from None
    except RecursionError:
        raise PackError([("pack", "not a course pack: its JSON is nested too deeply")]) from None
    except ValueError:  # Python refuses to convert an integer of thousands of digits
        raise PackError([("pack", "not valid JSON: a number in it has too many digits")]) from None
    if _deeper_than(pack, PACK_MAX_DEPTH):
        raise PackError([("pack", "not a course pack: its JSON is nested too deeply")])
    if duplicated:
        places = _places(pack, {id(obj) for obj, _ in duplicated})
        raise PackError(
            [
                (places[id(obj)], f"the field {key!r} appears more than once; keep one")
                for obj, keys in duplicated
                for key in keys
            ]
        )
    return pack


def _deeper_than(root: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
    return False


def _places(root: Any, wanted: set[int]) -> dict[int, str]:
    """Where in `root` each object whose id is in `wanted` sits, as a place in the pack."""
    found: dict[int, str] = {}
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(root, ())]
    while stack:  # iterative: the JSON may be as deep as the parser allows
        node, path = stack.pop()
        if id(node) in wanted:
            found[id(node)] = place(path)
        if isinstance(node, dict):
            stack.extend((child, (*path, key)) for key, child in node.items())
        elif isinstance(node, list):
            stack.extend((child, (*path, index)) for index, child in enumerate(node))
    return found


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
    except (*_ZIP_READ_ERRORS, ValueError) as error:
        raise PackError([("pack", f"not a valid zip file ({error})")]) from None
    unpacked = sum(info.file_size for info in members)
    if unpacked > ZIP_UNPACKED_MAX_BYTES:
        raise PackError(
            [
                (
                    "pack",
                    f"the zip unpacks to {unpacked} bytes, more than the limit of "
                    f"{ZIP_UNPACKED_MAX_BYTES} bytes",
                )
            ]
        )
    packs = [info for info in members if PurePosixPath(info.filename).name == PACK_FILE_NAME]
    if not packs:
        packs = [info for info in members if info.filename.endswith(".json")]
        if len(packs) != 1:
            raise PackError([("pack", f"the zip must hold the pack as {PACK_FILE_NAME}")])
    packs.sort(key=lambda info: len(PurePosixPath(info.filename).parts))
    chosen = packs[0]
    depth = len(PurePosixPath(chosen.filename).parts)
    rivals = [info.filename for info in packs if len(PurePosixPath(info.filename).parts) == depth]
    if len(rivals) > 1:
        # Picking one would import a course the editor may not have meant: say which ones.
        raise PackError([("pack", f"the zip holds several packs: {', '.join(sorted(rivals))}")])
    try:
        with archive.open(chosen) as file:
            raw = file.read(PACK_MAX_BYTES + 1)
    except _ZIP_READ_ERRORS as error:
        reason = _unreadable(chosen, error)
        raise PackError(
            [("pack", f"cannot read {chosen.filename} from the zip: {reason}")]
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
        except _ZIP_READ_ERRORS as error:
            raise MediaUnreadable(_unreadable(info, error)) from None

    def __contains__(self, relpath: object) -> bool:
        # Mapping's own test reads the member; the name is enough.
        return relpath in self._members

    def __iter__(self) -> Iterator[str]:
        return iter(self._members)

    def __len__(self) -> int:
        return len(self._members)


def _unreadable(info: zipfile.ZipInfo, error: Exception) -> str:
    if info.flag_bits & 0x1:
        return "it is encrypted (make the zip without a password)"
    return f"it is damaged ({error})"
