"""Generate the audio files a course pack refers to, with espeak-ng and oggenc.

Every word with an "audio" path gets its own text spoken; every listen_type exercise gets its
first accepted answer spoken (the answer learners must type). Files go where the pack says,
relative to the pack file, as small mono Ogg Vorbis files. Files that already exist are left
alone unless --force is given; URLs are skipped.

Needs espeak-ng and vorbis-tools (Debian/Ubuntu: apt-get install espeak-ng vorbis-tools).
No Django, no third-party Python packages.

    python courses/demo/make_audio.py                       # the demo pack, missing files only
    python courses/demo/make_audio.py --force               # regenerate everything
    python courses/demo/make_audio.py path/to/pack.json --voice es-419 --speed 130
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

DEFAULT_PACK = Path(__file__).resolve().parent / "es-from-en" / "pack.json"
SAMPLE_RATE = 16000
QUALITY = 0  # oggenc -q: -1 (smallest) to 10; 0 is clear enough for speech


def audio_items(pack: dict) -> Iterator[tuple[str, str]]:
    """Yield (audio path, text to speak) for every word and listen_type exercise."""
    for section in pack["course"]["sections"]:
        for unit in section["units"]:
            for lesson in unit["lessons"]:
                for word in lesson.get("words", []):
                    if word.get("audio"):
                        yield word["audio"], word["text"]
                for exercise in lesson["exercises"]:
                    if exercise["type"] == "listen_type" and exercise.get("audio"):
                        yield exercise["audio"], exercise["answers"][0]


def collect(pack: dict, root: Path) -> dict[Path, str]:
    """Map each local target file to its text; refuse paths outside the pack's folder."""
    targets: dict[Path, str] = {}
    for path, text in audio_items(pack):
        if "://" in path:
            continue
        target = (root / path).resolve()
        if not target.is_relative_to(root):
            raise SystemExit(f"{path}: points outside {root}")
        if targets.get(target, text) != text:
            raise SystemExit(f"{path}: used for both {targets[target]!r} and {text!r}")
        targets[target] = text
    return targets


def synthesize(text: str, target: Path, *, voice: str, speed: int, workdir: Path) -> None:
    text_file = workdir / "speech.txt"
    wav_file = workdir / "speech.wav"
    text_file.write_text(text, encoding="utf-8")
    subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(speed), "-b", "1", "-f", text_file, "-w", wav_file],
        check=True,
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "oggenc",
            "--quiet",
            "-q",
            str(QUALITY),
            "--resample",
            str(SAMPLE_RATE),
            "-o",
            target,
            wav_file,
        ],
        check=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "pack",
        nargs="?",
        type=Path,
        default=DEFAULT_PACK,
        help=f"course pack JSON (default: {DEFAULT_PACK})",
    )
    parser.add_argument("--force", action="store_true", help="regenerate existing files too")
    parser.add_argument(
        "--voice", help="espeak-ng voice (default: the pack's learning language code)"
    )
    parser.add_argument("--speed", type=int, default=140, help="words per minute (default 140)")
    args = parser.parse_args(argv)

    missing_tools = [tool for tool in ("espeak-ng", "oggenc") if shutil.which(tool) is None]
    if missing_tools:
        print(
            f"Missing {', '.join(missing_tools)}: apt-get install espeak-ng vorbis-tools",
            file=sys.stderr,
        )
        return 2

    pack = json.loads(args.pack.read_text(encoding="utf-8"))
    voice = args.voice or pack["course"]["learning_language"]["code"]
    targets = collect(pack, args.pack.resolve().parent)

    made = skipped = 0
    with tempfile.TemporaryDirectory() as tmp:
        for target, text in sorted(targets.items()):
            if target.exists() and not args.force:
                skipped += 1
                continue
            synthesize(text, target, voice=voice, speed=args.speed, workdir=Path(tmp))
            made += 1
    print(f"{made} file(s) written, {skipped} already there, {len(targets)} in the pack.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
