"""Small course packs built in Python, and real (tiny) media files for them.

`make_pack()` is a valid pack: one section, two units, three lessons, every exercise type, a
listening exercise with audio and a word with an image. Tests break one thing in it and check
what the importer says.
"""

import io
import json
import struct
import wave
import zipfile
import zlib
from pathlib import Path
from typing import Any


def make_wav(seconds: float = 0.05, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(1)
        audio.setframerate(rate)
        audio.writeframes(bytes([128]) * int(seconds * rate))
    return buffer.getvalue()


def make_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


HOLA_AUDIO = "audio/hola.wav"
HOLA_IMAGE = "images/hola.png"


def pack_files() -> dict[str, bytes]:
    return {HOLA_AUDIO: make_wav(), HOLA_IMAGE: make_png()}


def make_pack(**overrides: Any) -> dict[str, Any]:
    """A fresh valid pack; keyword arguments replace fields of `course` (or `format`)."""
    pack = {
        "format": "course-pack/1",
        "course": {
            "slug": "es-from-en",
            "title": "Spanish for English speakers",
            "description": "Learn Spanish from English.",
            "learning_language": {"code": "es", "name": "Spanish", "native_name": "Español"},
            "from_language": {"code": "en", "name": "English"},
            "sections": [
                {
                    "title": "Basics",
                    "cefr_level": "A1",
                    "units": [
                        {
                            "title": "Greetings",
                            "guidebook": "Spanish greetings change with the time of day.",
                            "color": "#58CC02",
                            "lessons": [
                                {
                                    "slug": "greetings-1",
                                    "title": "Hello",
                                    "words": [
                                        {
                                            "text": "hola",
                                            "translations": ["hello", "hi"],
                                            "part_of_speech": "interjection",
                                            "image": HOLA_IMAGE,
                                        },
                                        {"text": "adiós", "translations": ["goodbye"]},
                                    ],
                                    "exercises": [
                                        {
                                            "key": "mc-hello",
                                            "type": "multiple_choice",
                                            "prompt": 'Which one means "hello"?',
                                            "words": ["hola"],
                                            "options": [
                                                {"text": "hola", "correct": True},
                                                {"text": "adiós"},
                                                {"text": "gracias"},
                                            ],
                                        },
                                        {
                                            "key": "tr-hello",
                                            "type": "translate",
                                            "prompt": "Hola",
                                            "answers": ["Hello", "Hi"],
                                            "words": ["hola"],
                                        },
                                        {
                                            "type": "listen_type",
                                            "audio": HOLA_AUDIO,
                                            "answers": ["hola"],
                                        },
                                        {
                                            "type": "match_pairs",
                                            "pairs": [["hola", "hello"], ["adiós", "goodbye"]],
                                        },
                                    ],
                                },
                                {
                                    "slug": "greetings-2",
                                    "title": "Good night",
                                    "words": [{"text": "noches", "translations": ["nights"]}],
                                    "exercises": [
                                        {
                                            "key": "wb-night",
                                            "type": "word_bank",
                                            "prompt": "Good night",
                                            "tiles": ["Buenas", "noches", "días"],
                                            "answers": ["Buenas noches"],
                                        },
                                        {
                                            "key": "fb-days",
                                            "type": "fill_blank",
                                            "prompt": "___ días",
                                            "answers": ["Buenos"],
                                        },
                                    ],
                                },
                            ],
                        },
                        {
                            "title": "Food",
                            "lessons": [
                                {
                                    "slug": "food-1",
                                    "title": "Bread and water",
                                    "requires": ["greetings-2"],
                                    "xp_reward": 15,
                                    "words": [{"text": "pan", "translations": ["bread"]}],
                                    "exercises": [
                                        {
                                            "key": "tr-bread",
                                            "type": "translate",
                                            "prompt": "el pan",
                                            "answers": ["the bread"],
                                            "words": ["pan"],
                                        }
                                    ],
                                }
                            ],
                        },
                    ],
                }
            ],
        },
    }
    if "format" in overrides:
        pack["format"] = overrides.pop("format")
    pack["course"].update(overrides)
    return pack


def lesson_of(pack: dict, slug: str) -> dict:
    for section in pack["course"]["sections"]:
        for unit in section["units"]:
            for lesson in unit["lessons"]:
                if lesson["slug"] == slug:
                    return lesson
    raise KeyError(slug)


def write_pack(folder: Path, pack: dict, files: dict[str, bytes] | None = None) -> Path:
    """The pack as pack.json in `folder`, with its media files beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    for relpath, data in (pack_files() if files is None else files).items():
        (folder / relpath).parent.mkdir(parents=True, exist_ok=True)
        (folder / relpath).write_bytes(data)
    path = folder / "pack.json"
    path.write_text(json.dumps(pack, ensure_ascii=False), encoding="utf-8")
    return path


def zip_pack(pack: dict, files: dict[str, bytes] | None = None, folder: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{folder}pack.json", json.dumps(pack, ensure_ascii=False))
        for relpath, data in (pack_files() if files is None else files).items():
            archive.writestr(f"{folder}{relpath}", data)
    return buffer.getvalue()
