"""An upload's name is only ever a label: never part of a path on the server. A name with a
control character (NUL, a line break) is refused with a message; a name over 255 bytes (which a
Windows user can make with the ordinary upload box) is shortened, keeping its extension; a
path's folders are dropped. The Load page says so in words, never with a 500."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from callbacks import load
from server.services import Services
from config import Settings
from db.importer import UsageError, check_upload
from db.importer.pipeline import MAX_NAME_BYTES, upload_name, uploaded_file
from db.engine import session_factory
from metrics.access import Caller
from tests.builders import valid_return


@pytest.mark.parametrize(("given", "named"), [
    ("return.xlsx", "return.xlsx"),
    ("C:\\fakepath\\return.xlsx", "return.xlsx"),
    ("../../etc/passwd", "passwd"),
    ("/tmp/return.zip", "return.zip"),
    ("..", "upload"),
    ("", "upload"),
])  # fmt: skip
def test_a_name_is_its_last_part(given: str, named: str) -> None:
    assert upload_name(given) == named


@pytest.mark.parametrize("given", ["a" * 300 + ".xlsx", "é" * 200 + ".xlsx", "ü" * 400])
def test_an_over_long_name_is_shortened_to_255_bytes_keeping_its_extension(given: str) -> None:
    name = upload_name(given)
    assert len(name.encode()) <= MAX_NAME_BYTES and "…" in name
    assert name.endswith(".xlsx") == given.endswith(".xlsx")


@pytest.mark.parametrize("given", ["a\x00.xlsx", "\x00", "re\nturn.zip", "tab\t.xlsx"])
def test_a_name_with_a_control_character_is_refused_with_a_message(given: str) -> None:
    with pytest.raises(UsageError, match="control character"):
        upload_name(given)


@pytest.mark.parametrize("given", ["../../evil.xlsx", "a" * 300 + ".xlsx", "x/../../y.zip"])
def test_the_temporary_file_never_takes_the_uploaders_name(given: str) -> None:
    with uploaded_file(b"PK", upload_name(given)) as path:
        assert path.stem == "upload" and path.parent.name.startswith("return-upload-")


def test_a_long_name_is_reported_under_its_shortened_name(sqlite_url: str, tmp_path: Path) -> None:
    body = valid_return().write_xlsx(tmp_path / "r.xlsx").read_bytes()
    settings = Settings(database_url=sqlite_url, secret_key="test")
    with session_factory(settings)() as session:
        report = check_upload(session, body, "é" * 200 + ".xlsx")
    assert report.ok and report.file_name == upload_name("é" * 200 + ".xlsx")


@pytest.mark.parametrize(("contents", "name", "says"), [
    ("data:;base64,UEsDBA==", "a\x00.xlsx", "control character"),
    ("data:;base64,!!!not base64!!!", "return.xlsx", "could not be read"),
    ("no comma here", "return.xlsx", "could not be read"),
    ("", "return.xlsx", "Choose a file first"),
])  # fmt: skip
def test_the_load_page_says_what_is_wrong_with_an_upload(sqlite_url: str, contents: str,
                                                         name: str, says: str) -> None:
    services = Services.from_settings(Settings(database_url=sqlite_url, secret_key="test"))
    admin = Caller("ada", "admin")
    checked = load.check_file(services, admin, contents, name, None, None)
    loaded = load.load_file(services, admin, contents, name, None, None)
    assert says in checked.summary and not checked.can_load
    assert says in loaded.message and not loaded.loaded


def test_a_long_name_loads_from_the_load_page(sqlite_url: str, tmp_path: Path) -> None:
    services = Services.from_settings(Settings(database_url=sqlite_url, secret_key="test"))
    body = valid_return().write_xlsx(tmp_path / "r.xlsx").read_bytes()
    contents = "data:application/octet-stream;base64," + base64.b64encode(body).decode()
    view = load.load_file(services, Caller("ada", "admin"), contents, "a" * 300 + ".xlsx", None, None)
    assert view.loaded, view.message
