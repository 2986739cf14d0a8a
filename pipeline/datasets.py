"""Fetch a MovieLens archive from GroupLens (or take a local zip/folder), verify it, unpack it safely.

Every path ends the same way: the files are unpacked into a temporary folder beside the target,
checked for the files the dataset needs, and only then renamed to `<data-root>/<name>/`. A bad
checksum, a broken archive or a zip entry pointing outside the folder leaves nothing behind.
The data itself is never committed (`data/` is gitignored; ML-1M may not be redistributed).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import requests

from pipeline.errors import DataFileNotFound, DatasetUnavailable

log = logging.getLogger(__name__)

GROUPLENS_URL = "https://files.grouplens.org/datasets/movielens"
CONNECT_TIMEOUT_SECONDS = 5.0  # fail fast without network; reads may take longer
READ_TIMEOUT_SECONDS = 60.0
MAX_UNPACKED_BYTES = 2_000_000_000  # far above any of the three archives; stops zip bombs

Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class Dataset:
    name: str
    required_files: tuple[str, ...]
    # Published md5 and size of <name>.zip (the size only feeds the progress bar when the server
    # sends no length). None: the archive is refreshed from time to time, so it is checked
    # against the <name>.zip.md5 GroupLens publishes beside it.
    md5: str | None
    size: int | None


DATASETS: dict[str, Dataset] = {
    "ml-1m": Dataset(
        "ml-1m",
        ("ratings.dat", "users.dat", "movies.dat"),
        "c4d9eecfca2ab87c1945afe126590906",
        5_917_549,
    ),
    "ml-100k": Dataset(
        "ml-100k",
        ("u.data", "u.user", "u.item", "u.genre", "u.occupation"),
        "0e33842e24a9c977be4e0107933c0723",
        4_924_029,
    ),
    "ml-latest-small": Dataset(
        "ml-latest-small", ("ratings.csv", "movies.csv", "links.csv", "tags.csv"), None, None
    ),
}

_OFFLINE_HINT = (
    "download {name}.zip elsewhere and run `watchit download --from ~/Downloads/{name}.zip`, "
    "or unzip it and run `watchit load --data-dir <folder>`."
)
_MD5 = re.compile(r"\b[0-9a-fA-F]{32}\b")


def download(
    name: str,
    data_root: Path,
    base_url: str = GROUPLENS_URL,
    progress: Progress | None = None,
    force: bool = False,
) -> Path:
    """Fetch <base_url>/<name>.zip, verify its md5, unpack it to <data_root>/<name>/; return that."""
    dataset = _dataset(name)
    target = Path(data_root) / name
    if not force and _missing_files(target, dataset) == []:
        log.info("%s already holds %s; nothing to download", target, name)
        return target
    url = f"{base_url.rstrip('/')}/{name}.zip"
    Path(data_root).mkdir(parents=True, exist_ok=True)
    with _temporary_file(Path(data_root), f".{name}.zip.") as archive:
        digest = _fetch(url, archive, name, progress, dataset.size)
        expected = dataset.md5 or _published_md5(url, name)
        if digest != expected:
            raise DatasetUnavailable(
                f"{url}: md5 {digest} does not match the published {expected}; "
                "the download was deleted.",
                hint="retry; if it persists the mirror serves a different file.",
            )
        return _install_zip(archive, dataset, Path(data_root))


def install_from(source: Path, data_root: Path, name: str | None = None) -> Path:
    """Install a local zip or an unpacked folder as <data_root>/<name>/; return that folder.

    `name` None: recognise the dataset from the files present.
    """
    source = Path(source).expanduser()
    if not source.exists():
        raise DataFileNotFound(
            f"{source} not found.", hint="pass the path of the MovieLens .zip or its folder."
        )
    Path(data_root).mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        return _install_folder(source, name, Path(data_root))
    if not zipfile.is_zipfile(source):
        raise DatasetUnavailable(
            f"{source} is neither a folder nor a zip archive.",
            hint="pass the MovieLens .zip as downloaded, or the folder it unpacks to.",
        )
    with zipfile.ZipFile(source) as archive:
        dataset = _dataset(name) if name else _recognise(source, archive.namelist())
    if dataset.md5 and _md5_of(source) != dataset.md5:
        log.warning(
            "%s differs from the published %s.zip; using its contents", source, dataset.name
        )
    return _install_zip(source, dataset, Path(data_root))


def _dataset(name: str) -> Dataset:
    if name not in DATASETS:
        raise DatasetUnavailable(
            f"unknown dataset {name!r}.", hint=f"choose one of: {', '.join(DATASETS)}."
        )
    return DATASETS[name]


def _recognise(source: Path, names: list[str]) -> Dataset:
    """The dataset whose required files all appear (at any depth) among `names`."""
    base_names = {PurePosixPath(entry).name for entry in names}
    for dataset in DATASETS.values():
        if set(dataset.required_files) <= base_names:
            return dataset
    raise DatasetUnavailable(
        f"{source} holds no complete MovieLens dataset "
        "(ml-1m needs ratings.dat, users.dat, movies.dat; ml-100k needs u.data, u.user, u.item, "
        "u.genre, u.occupation).",
        hint="pass the archive as downloaded from GroupLens.",
    )


def _fetch(
    url: str, destination: Path, name: str, progress: Progress | None, size: int | None
) -> str:
    """Stream `url` into `destination`; return the md5 of the bytes."""
    digest = hashlib.md5()  # noqa: S324 - GroupLens publishes md5, not a security boundary
    try:
        with requests.get(
            url, stream=True, timeout=(CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS)
        ) as response:
            if response.status_code != 200:
                raise DatasetUnavailable(
                    f"{url} answered HTTP {response.status_code} {response.reason}.",
                    hint=_OFFLINE_HINT.format(name=name),
                )
            total = int(response.headers.get("content-length") or 0) or size
            done = 0
            with destination.open("wb") as handle:
                for block in response.iter_content(chunk_size=1 << 16):
                    handle.write(block)
                    digest.update(block)
                    done += len(block)
                    if progress:
                        progress(done, total)
    except (requests.ConnectionError, requests.Timeout) as error:
        raise DatasetUnavailable(
            f"cannot reach {url} ({_reason(error)}).", hint=_OFFLINE_HINT.format(name=name)
        ) from None
    return digest.hexdigest()


def _published_md5(url: str, name: str) -> str:
    """The md5 in GroupLens' `<name>.zip.md5` file next to the archive."""
    md5_url = url + ".md5"
    try:
        response = requests.get(md5_url, timeout=(CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS))
    except (requests.ConnectionError, requests.Timeout) as error:
        raise DatasetUnavailable(
            f"cannot reach {md5_url} ({_reason(error)}).", hint=_OFFLINE_HINT.format(name=name)
        ) from None
    found = _MD5.search(response.text) if response.status_code == 200 else None
    if not found:
        raise DatasetUnavailable(
            f"{md5_url} gave no md5 (HTTP {response.status_code}); the download cannot be verified.",
            hint=_OFFLINE_HINT.format(name=name),
        )
    return found.group(0).lower()


def _reason(error: Exception) -> str:
    """A short cause: 'connection refused', 'timed out', 'name not resolved'."""
    text = str(error).lower()
    for needle, reason in (
        ("refused", "connection refused"),
        ("timed out", "timed out"),
        ("timeout", "timed out"),
        ("name or service", "host name not resolved"),
        ("resolve", "host name not resolved"),
        ("unreachable", "network unreachable"),
    ):
        if needle in text:
            return reason
    return type(error).__name__


def _install_zip(archive_path: Path, dataset: Dataset, data_root: Path) -> Path:
    with tempfile.TemporaryDirectory(prefix=f".{dataset.name}.", dir=data_root) as staging:
        with zipfile.ZipFile(archive_path) as archive:
            _extract_safely(archive, Path(staging), archive_path)
        return _move_into_place(_folder_with_files(Path(staging), dataset), dataset, data_root)


def _install_folder(source: Path, name: str | None, data_root: Path) -> Path:
    found = [path.relative_to(source).as_posix() for path in source.rglob("*") if path.is_file()]
    dataset = _dataset(name) if name else _recognise(source, found)
    folder = _folder_with_files(source, dataset)
    target = data_root / dataset.name
    if target.exists() and folder.resolve() == target.resolve():
        return target
    with tempfile.TemporaryDirectory(prefix=f".{dataset.name}.", dir=data_root) as staging:
        copy = Path(staging) / dataset.name
        shutil.copytree(folder, copy)
        return _move_into_place(copy, dataset, data_root)


def _extract_safely(archive: zipfile.ZipFile, destination: Path, archive_path: Path) -> None:
    """Extract every entry, refusing absolute paths, `..`, symlinks and oversized content."""
    total = 0
    for entry in archive.infolist():
        parts = PurePosixPath(entry.filename.replace("\\", "/")).parts
        is_link = stat.S_ISLNK(entry.external_attr >> 16)
        if (
            not parts
            or entry.filename.startswith(("/", "\\"))
            or ".." in parts
            or ":" in parts[0]
            or is_link
        ):
            raise DatasetUnavailable(
                f"{archive_path} entry {entry.filename!r} would be written outside the data "
                "folder; nothing was unpacked.",
                hint="the archive is not a genuine MovieLens zip; download it again.",
            )
        total += entry.file_size
        if total > MAX_UNPACKED_BYTES:
            raise DatasetUnavailable(
                f"{archive_path} unpacks to more than {MAX_UNPACKED_BYTES:,} bytes; refused."
            )
    try:
        archive.extractall(destination)
    except (zipfile.BadZipFile, OSError) as error:
        raise DatasetUnavailable(f"{archive_path} could not be unpacked: {error}.") from None


def _folder_with_files(root: Path, dataset: Dataset) -> Path:
    """`root/<name>` (how GroupLens zips are laid out) or `root` itself, holding every file."""
    for candidate in (root / dataset.name, root):
        if _missing_files(candidate, dataset) == []:
            return candidate
    nearest = root / dataset.name if (root / dataset.name).is_dir() else root
    missing = _missing_files(nearest, dataset) or list(dataset.required_files)
    raise DataFileNotFound(
        f"{dataset.name} is incomplete: {', '.join(missing)} not found.",
        hint=f"use the complete {dataset.name}.zip from GroupLens.",
    )


def _missing_files(folder: Path, dataset: Dataset) -> list[str] | None:
    """Required files absent from `folder`; None when the folder does not exist."""
    if not folder.is_dir():
        return None
    return [file_name for file_name in dataset.required_files if not (folder / file_name).is_file()]


def _move_into_place(unpacked: Path, dataset: Dataset, data_root: Path) -> Path:
    """Rename the complete folder to <data_root>/<name>; an older copy is replaced whole."""
    target = data_root / dataset.name
    retired = data_root / f".{dataset.name}.replaced"
    shutil.rmtree(retired, ignore_errors=True)
    if target.exists():
        os.replace(target, retired)
    os.replace(unpacked, target)
    shutil.rmtree(retired, ignore_errors=True)
    log.info("unpacked %s into %s", dataset.name, target)
    return target


def _md5_of(path: Path) -> str:
    digest = hashlib.md5()  # noqa: S324
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def _temporary_file(folder: Path, prefix: str) -> Iterator[Path]:
    handle, name = tempfile.mkstemp(prefix=prefix, suffix=".part", dir=folder)
    os.close(handle)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)
