"""`watchit download` against a real local HTTP server, and `--from` with local zips and folders.

The archives are built in each test from the tiny fixture files; nothing from GroupLens is used.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import socket
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from pipeline import datasets
from pipeline.cli import app


def zip_folder(
    folder: Path, prefix: str = "ml-1m/", extra: dict[str, bytes] | None = None
) -> bytes:
    """A zip laid out like GroupLens': every file under `<prefix>`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.writestr(prefix + path.name, path.read_bytes())
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


@pytest.fixture
def publish_md5(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, bytes], None]:
    """Make `data` the published archive of `name` (the real constants describe GroupLens' zips)."""

    def publish(name: str, data: bytes) -> None:
        entry = dataclasses.replace(datasets.DATASETS[name], md5=md5(data), size=len(data))
        monkeypatch.setitem(datasets.DATASETS, name, entry)

    return publish


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def leftovers(data_root: Path) -> list[str]:
    return sorted(path.name for path in data_root.iterdir()) if data_root.exists() else []


def test_download_verifies_md5_and_unpacks(
    runner: CliRunner, httpserver: HTTPServer, movielens_dir, publish_md5, tmp_path: Path
) -> None:
    source = movielens_dir()
    archive = zip_folder(source)
    publish_md5("ml-1m", archive)
    httpserver.expect_request("/movielens/ml-1m.zip").respond_with_data(
        archive, content_type="application/zip"
    )
    data_root = tmp_path / "data"
    code, out, err = run(
        runner,
        "download",
        "--data-root",
        str(data_root),
        "--base-url",
        httpserver.url_for("/movielens"),
    )
    assert code == 0, err
    assert out.strip() == str(data_root / "ml-1m")
    for name in ("ratings.dat", "users.dat", "movies.dat"):
        assert (data_root / "ml-1m" / name).read_bytes() == (source / name).read_bytes()
    assert leftovers(data_root) == ["ml-1m"]  # no .part file, no staging folder
    # The unpacked folder is what `watchit load` expects.
    warehouse = tmp_path / "w.duckdb"
    code, _, err = run(runner, "--warehouse", str(warehouse), "load", "--data-dir", out.strip())
    assert code == 0, err


def test_complete_folder_is_not_downloaded_again(
    runner: CliRunner, httpserver: HTTPServer, movielens_dir, tmp_path: Path
) -> None:
    data_root = tmp_path / "data"
    movielens_dir(name="data/ml-1m")  # tmp_path/data/ml-1m
    code, out, err = run(
        runner, "download", "--data-root", str(data_root), "--base-url", httpserver.url_for("/")
    )
    assert code == 0, err
    assert out.strip() == str(data_root / "ml-1m")
    assert httpserver.log == []


def test_bad_checksum_leaves_nothing_behind(
    runner: CliRunner, httpserver: HTTPServer, movielens_dir, tmp_path: Path
) -> None:
    archive = zip_folder(movielens_dir())
    httpserver.expect_request("/ml-1m.zip").respond_with_data(archive)
    data_root = tmp_path / "data"
    code, _, err = run(
        runner, "download", "--data-root", str(data_root), "--base-url", httpserver.url_for("/")
    )
    assert code == 1
    assert err.startswith("Error: ") and err.count("\n") == 1
    assert (
        f"md5 {md5(archive)} does not match the published c4d9eecfca2ab87c1945afe126590906" in err
    )
    assert leftovers(data_root) == []


def test_http_404_names_the_url(runner: CliRunner, httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/ml-100k.zip").respond_with_data("gone", status=404)
    code, _, err = run(
        runner,
        "download",
        "--dataset",
        "ml-100k",
        "--data-root",
        str(tmp_path / "data"),
        "--base-url",
        httpserver.url_for("/"),
    )
    assert code == 1
    assert f"Error: {httpserver.url_for('/ml-100k.zip')} answered HTTP 404" in err
    assert "watchit download --from ~/Downloads/ml-100k.zip" in err
    assert leftovers(tmp_path / "data") == []


def test_connection_refused_fails_with_one_line_saying_how_to_supply_the_files(
    runner: CliRunner, tmp_path: Path
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, _, err = run(
        runner,
        "download",
        "--data-root",
        str(tmp_path / "data"),
        "--base-url",
        f"http://127.0.0.1:{port}",
    )
    assert code == 1
    assert err == (
        f"Error: cannot reach http://127.0.0.1:{port}/ml-1m.zip (connection refused). "
        "Hint: download ml-1m.zip elsewhere and run `watchit download --from ~/Downloads/ml-1m.zip`, "
        "or unzip it and run `watchit load --data-dir <folder>`.\n"
    )


def test_base_url_comes_from_the_environment(
    httpserver: HTTPServer, movielens_dir, publish_md5, tmp_path: Path
) -> None:
    archive = zip_folder(movielens_dir())
    publish_md5("ml-1m", archive)
    httpserver.expect_request("/mirror/ml-1m.zip").respond_with_data(archive)
    runner = CliRunner(env={"WATCHIT_GROUPLENS_URL": httpserver.url_for("/mirror")})
    code, out, err = run(runner, "download", "--data-root", str(tmp_path / "data"))
    assert code == 0, err
    assert (Path(out.strip()) / "ratings.dat").is_file()


def test_published_md5_file_verifies_refreshed_archives(
    runner: CliRunner, httpserver: HTTPServer, tmp_path: Path
) -> None:
    """ml-latest-small is re-released now and then; its checksum comes from <name>.zip.md5."""
    files = tmp_path / "src"
    files.mkdir()
    for name in ("ratings.csv", "movies.csv", "links.csv", "tags.csv"):
        (files / name).write_bytes(b"userId,movieId\r\n1,1\r\n")
    archive = zip_folder(files, prefix="ml-latest-small/")
    httpserver.expect_request("/ml-latest-small.zip").respond_with_data(archive)
    httpserver.expect_request("/ml-latest-small.zip.md5").respond_with_data(
        f"MD5 (ml-latest-small.zip) = {md5(archive)}\n"
    )
    args = ["download", "--dataset", "ml-latest-small", "--data-root", str(tmp_path / "data")]
    code, out, err = run(runner, *args, "--base-url", httpserver.url_for("/"))
    assert code == 0, err
    assert (Path(out.strip()) / "tags.csv").read_bytes() == b"userId,movieId\r\n1,1\r\n"

    httpserver.clear()
    httpserver.expect_request("/ml-latest-small.zip").respond_with_data(archive + b"x")
    httpserver.expect_request("/ml-latest-small.zip.md5").respond_with_data(md5(archive))
    code, _, err = run(runner, *args, "--force", "--base-url", httpserver.url_for("/"))
    assert code == 1 and "does not match the published" in err
    assert (Path(out.strip()) / "tags.csv").is_file()  # the earlier copy is untouched


def test_zip_slip_entry_is_rejected_before_anything_is_written(
    runner: CliRunner, httpserver: HTTPServer, movielens_dir, publish_md5, tmp_path: Path
) -> None:
    archive = zip_folder(movielens_dir(), extra={"ml-1m/../../escaped.txt": b"pwned"})
    publish_md5("ml-1m", archive)
    httpserver.expect_request("/ml-1m.zip").respond_with_data(archive)
    data_root = tmp_path / "deep" / "data"
    code, _, err = run(
        runner, "download", "--data-root", str(data_root), "--base-url", httpserver.url_for("/")
    )
    assert code == 1
    assert "entry 'ml-1m/../../escaped.txt' would be written outside the data folder" in err
    assert not list(tmp_path.rglob("escaped.txt"))
    assert leftovers(data_root) == []


@pytest.mark.parametrize("entry", ["/etc/escaped.txt", "C:/escaped.txt"])
def test_absolute_entries_are_rejected_in_local_zips(
    runner: CliRunner, movielens_dir, tmp_path: Path, entry: str
) -> None:
    zipped = tmp_path / "ml-1m.zip"
    zipped.write_bytes(zip_folder(movielens_dir(), extra={entry: b"pwned"}))
    code, _, err = run(
        runner, "download", "--from", str(zipped), "--data-root", str(tmp_path / "data")
    )
    assert code == 1 and "would be written outside the data folder" in err
    assert leftovers(tmp_path / "data") == []


def test_from_local_zip_recognises_the_dataset(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    for name, text in {
        "u.data": "1\t1\t5\t881250949\n",
        "u.user": "1|24|M|technician|85711\n",
        "u.item": "1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n",
        "u.genre": "unknown|0\n",
        "u.occupation": "technician\n",
    }.items():
        (folder / name).write_text(text)
    zipped = tmp_path / "downloads" / "ml-100k.zip"
    zipped.parent.mkdir()
    zipped.write_bytes(zip_folder(folder, prefix="ml-100k/"))
    code, out, err = run(
        runner, "download", "--from", str(zipped), "--data-root", str(tmp_path / "data")
    )
    assert code == 0, err
    assert out.strip() == str(tmp_path / "data" / "ml-100k")
    assert (tmp_path / "data" / "ml-100k" / "u.item").read_text() == (folder / "u.item").read_text()


def test_from_folder_copies_it_and_replaces_an_older_copy(
    runner: CliRunner, movielens_dir, tmp_path: Path
) -> None:
    source = movielens_dir(name="unpacked/ml-1m")
    data_root = tmp_path / "data"
    (data_root / "ml-1m").mkdir(parents=True)
    (data_root / "ml-1m" / "stale.txt").write_text("old")
    code, out, err = run(
        runner, "download", "--from", str(source.parent), "--data-root", str(data_root)
    )
    assert code == 0, err
    assert sorted(path.name for path in Path(out.strip()).iterdir()) == [
        "movies.dat",
        "ratings.dat",
        "users.dat",
    ]
    assert leftovers(data_root) == ["ml-1m"]


def test_from_incomplete_folder_names_the_missing_file(
    runner: CliRunner, movielens_dir, tmp_path: Path
) -> None:
    source = movielens_dir()
    (source / "users.dat").unlink()
    code, _, err = run(
        runner,
        "download",
        "--from",
        str(source),
        "--dataset",
        "ml-1m",
        "--data-root",
        str(tmp_path / "data"),
    )
    assert code == 1
    assert err == (
        "Error: ml-1m is incomplete: users.dat not found. "
        "Hint: use the complete ml-1m.zip from GroupLens.\n"
    )


def test_from_something_that_is_not_a_zip(runner: CliRunner, tmp_path: Path) -> None:
    fake = tmp_path / "ml-1m.zip"
    fake.write_text("<html>not found</html>")
    code, _, err = run(
        runner, "download", "--from", str(fake), "--data-root", str(tmp_path / "data")
    )
    assert code == 1 and f"Error: {fake} is neither a folder nor a zip archive." in err
