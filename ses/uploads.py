"""Uploaded files, read one way for every route: within limits, and never on the event loop.

An upload is a multipart form whose file part is `file` (or `data`, the name the API's first
clients used). `file_from` finds it or refuses with 422; `read_upload` reads it within
SES_MAX_UPLOAD_BYTES (413 past it); `parse_table` reads a CSV or XLSX in a worker thread, so a
hostile file cannot stall other requests, within limits on rows, columns, the unpacked size of
every XLSX part (document properties included, checked from the archive's directory before
anything is unpacked) and time. A file past a limit is refused with a message naming the limit.

Polish Excel saves CSV in Windows-1250 with semicolons; we accept UTF-8 (with or without BOM) and
Windows-1250, with commas or semicolons, and say clearly when a file is neither. A control
character (NUL and the like) in a cell is refused naming its row and column: no database stores
NUL, and such text breaks exports.
"""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread

from ses.errors import DomainError, FieldError, ValidationFailed
from ses.settings import get_settings

XLSX_MAGIC = b"PK\x03\x04"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters no cell may hold (tab, line feed and carriage return are text)."""
MULTIPART_SLACK = 64 * 1024
"""Room for the form's own fields and boundaries around the file in a request body."""
CHECK_EVERY = 1024
"""Rows between two looks at the clock."""
T = TypeVar("T")


class TooLarge(DomainError):
    status = 413
    title = "Plik jest za duży"
    slug = "too-large"


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    """The uploaded file itself (SES_MAX_UPLOAD_BYTES)."""
    max_rows: int
    """Rows of a table, empty ones included (SES_UPLOAD_MAX_ROWS)."""
    max_columns: int
    """Columns of a table (SES_UPLOAD_MAX_COLUMNS)."""
    max_unpacked_bytes: int
    """All parts of an XLSX together, unpacked (SES_UPLOAD_MAX_UNPACKED_BYTES)."""
    max_part_bytes: int
    """Any one XLSX part other than a worksheet or the shared strings, unpacked: document
    properties, styles, relationships (SES_UPLOAD_MAX_PART_BYTES)."""
    max_parts: int
    """Files inside an XLSX archive."""
    max_seconds: float
    """Time to read one file (SES_UPLOAD_MAX_SECONDS)."""


def limits() -> Limits:
    settings = get_settings()
    return Limits(
        max_bytes=settings.max_upload_bytes,
        max_rows=settings.upload_max_rows,
        max_columns=settings.upload_max_columns,
        max_unpacked_bytes=settings.upload_max_unpacked_bytes,
        max_part_bytes=settings.upload_max_part_bytes,
        max_parts=1000,
        max_seconds=settings.upload_max_seconds,
    )


def operator_limits() -> Limits:
    """For a file an operator loads from disk (`ses import`): no size, row or time limit, the
    structural limits kept."""
    return replace(limits(), max_bytes=2**62, max_rows=2**62, max_seconds=float("inf"))


def body_limit() -> int:
    """`request_max_body_size` of an upload route: the largest file and the form around it."""
    return get_settings().max_upload_bytes + MULTIPART_SLACK


def _mb(size: int) -> str:
    return f"{size / 2**20:.0f} MB" if size >= 2**20 else f"{size // 1024} KB"


# --- the form's file part -------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes


def file_from(form: Any, names: tuple[str, ...] = ("file", "data")) -> Any:
    """The file part of a multipart form, or 422 naming the field to send it in."""
    from litestar.datastructures import UploadFile

    if isinstance(form, UploadFile):
        return form
    for name in names:
        part = form.get(name) if isinstance(form, dict) else None
        if isinstance(part, UploadFile):
            return part
    raise ValidationFailed(
        "Brak pliku.", [FieldError(names[0], f"Wyślij plik CSV albo XLSX w polu formularza „{names[0]}”.")]
    )


def check_size(content: bytes, limit: int | None = None) -> None:
    limit = get_settings().max_upload_bytes if limit is None else limit
    if len(content) > limit:
        raise TooLarge(
            f"Plik jest za duży: {_mb(len(content))}, największy dozwolony to {_mb(limit)}.",
            [FieldError("file", f"Największy plik: {_mb(limit)} (SES_MAX_UPLOAD_BYTES).")],
        )


async def read_upload(form: Any, names: tuple[str, ...] = ("file", "data")) -> Upload:
    """The file of a multipart form with its name, within SES_MAX_UPLOAD_BYTES."""
    part = file_from(form, names)
    content = await part.read()
    if not content and not part.filename:  # a browser's form sent with no file chosen
        raise ValidationFailed("Nie wybrano pliku.", [FieldError(names[0], "Wybierz plik CSV albo XLSX.")])
    check_size(content)
    return Upload(filename=part.filename or "", content=content)


HELD = Path(tempfile.gettempdir()) / "ses-held-uploads"
HELD_SECONDS = 3600


def hold(upload: Upload, account_id: int | None, purpose: str) -> str:
    """Keep an uploaded file until its sender confirms what a dry run showed; returns a token.

    The file waits in a private temporary folder under a random token bound to the account that
    sent it and to the page it was sent for (an hour at most)."""
    HELD.mkdir(mode=0o700, exist_ok=True)
    stamp = time.time()
    for old in HELD.glob("*.json"):
        if stamp - old.stat().st_mtime > HELD_SECONDS:
            old.unlink(missing_ok=True)
            old.with_suffix(".bin").unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    (HELD / f"{token}.bin").write_bytes(upload.content)
    meta = {"account": account_id, "filename": upload.filename, "purpose": purpose}
    (HELD / f"{token}.json").write_text(json.dumps(meta))
    return token


@dataclass(frozen=True)
class HeldWords:
    """What `held` says when the file is gone (expired, confirmed already or a bad token) and
    when another account or page sent it; a page passes its own, translated ones."""

    gone: str = "Plik czekający na potwierdzenie wygasł albo już go wczytano. Wyślij go ponownie."
    again: str = "Wyślij plik ponownie."
    foreign: str = "Ten plik wysłała inna osoba albo dla innej listy."


def held(token: str, account_id: int | None, purpose: str, words: HeldWords = HeldWords()) -> Upload:
    """The file `hold` kept under `token` for this account and purpose, or 422 saying why not."""
    meta_path = HELD / f"{token}.json"
    if (
        not token.replace("-", "").replace("_", "").isalnum()
        or not meta_path.exists()
        or time.time() - meta_path.stat().st_mtime > HELD_SECONDS
    ):
        raise ValidationFailed(words.gone, [FieldError("file", words.again)])
    meta = json.loads(meta_path.read_text())
    if meta["account"] != account_id or meta.get("purpose") != purpose:
        raise ValidationFailed(words.foreign, [FieldError("file", "—")])
    return Upload(filename=meta["filename"], content=(HELD / f"{token}.bin").read_bytes())


def release(token: str) -> None:
    if token.replace("-", "").replace("_", "").isalnum():
        (HELD / f"{token}.json").unlink(missing_ok=True)
        (HELD / f"{token}.bin").unlink(missing_ok=True)


async def off_loop(func: Callable[..., T], *args: Any) -> T:
    """Run a parser of an uploaded file in a worker thread, so the event loop keeps answering."""
    return await anyio.to_thread.run_sync(func, *args)


async def parse_table(
    content: bytes, filename: str = "", encoding: str | None = None, within: Limits | None = None
) -> Table:
    return await off_loop(read_table, content, filename, encoding, within)


# --- reading tables (pure) ------------------------------------------------------------------


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]
    """(line number in the file, counting the header as 1; values by column)"""
    encoding: str


class _Budget:
    """Rows and time a reader may still spend on one file."""

    def __init__(self, within: Limits) -> None:
        self.limits = within
        self.deadline = time.monotonic() + within.max_seconds
        self.rows = 0

    def columns(self, count: int) -> None:
        if count > self.limits.max_columns:
            raise ValidationFailed(
                f"Plik ma za dużo kolumn: więcej niż {self.limits.max_columns}.",
                [
                    FieldError(
                        "file",
                        f"Najwięcej kolumn: {self.limits.max_columns} (SES_UPLOAD_MAX_COLUMNS).",
                        row=1,
                    )
                ],
            )

    def row(self) -> None:
        self.rows += 1
        if self.rows > self.limits.max_rows:
            raise ValidationFailed(
                f"Plik ma za dużo wierszy: więcej niż {self.limits.max_rows} "
                "(licząc puste wiersze arkusza; usuń je albo podziel plik).",
                [
                    FieldError(
                        "file", f"Najwięcej wierszy: {self.limits.max_rows} (SES_UPLOAD_MAX_ROWS).", row=None
                    )
                ],
            )
        if self.rows % CHECK_EVERY == 0 and time.monotonic() > self.deadline:
            raise ValidationFailed(
                f"Czytanie pliku trwało dłużej niż {self.limits.max_seconds:g} s; "
                "plik jest za duży albo uszkodzony.",
                [
                    FieldError(
                        "file",
                        f"Najdłuższy czas czytania: {self.limits.max_seconds:g} s (SES_UPLOAD_MAX_SECONDS).",
                    )
                ],
            )


def _refuse_control(header: list[str], cells: list[str], line: int) -> None:
    """A control character in a row: refused naming the row and the column."""
    errors = [
        FieldError(
            header[index] if index < len(header) and header[index] else f"kolumna {index + 1}",
            f"Komórka zawiera niedozwolony znak sterujący (U+{ord(found.group()):04X}), "
            "zwykle wklejony z innego programu: usuń go.",
            row=line,
        )
        for index, cell in enumerate(cells)
        if (found := CONTROL.search(cell))
    ]
    raise ValidationFailed("Plik zawiera niedozwolone znaki sterujące; nic nie zapisano.", errors)


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise ValidationFailed(
                f"Pliku nie da się odczytać w kodowaniu {encoding}.", [FieldError("file", str(exc))]
            ) from exc
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1250")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            "Nie rozpoznano kodowania pliku: zapisz go jako CSV UTF-8 albo CSV (Windows-1250).",
            [
                FieldError(
                    "file",
                    f"Bajt {data[exc.start]:#04x} na pozycji {exc.start} "
                    "nie pasuje do UTF-8 ani Windows-1250.",
                )
            ],
        ) from exc
    return text, "cp1250"


def read_csv(data: bytes, encoding: str | None = None, within: Limits | None = None) -> Table:
    within = within or limits()
    check_size(data, within.max_bytes)
    budget = _Budget(within)
    text, used = decode(data, encoding)
    if not text.strip():
        raise ValidationFailed("Plik jest pusty.", [FieldError("file", "Brak wiersza nagłówka.")])
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    suspect = CONTROL.search(text) is not None  # one scan of the whole text; rows only when needed
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [cell.strip().lower() for cell in next(reader)]
        budget.columns(len(header))
        if suspect and CONTROL.search("".join(header)):
            _refuse_control(header, header, 1)
        rows: list[tuple[int, dict[str, str]]] = []
        for values in reader:
            budget.row()
            line = reader.line_num
            if not any(cell.strip() for cell in values):
                continue
            if len(values) != len(header):
                raise ValidationFailed(
                    "Plik CSV ma wiersz o innej liczbie kolumn niż nagłówek.",
                    [FieldError("file", f"Oczekiwano {len(header)} kolumn, jest {len(values)}.", row=line)],
                )
            if suspect and CONTROL.search("".join(values)):
                _refuse_control(header, values, line)
            rows.append((line, dict(zip(header, (cell.strip() for cell in values), strict=True))))
    except csv.Error as exc:
        raise ValidationFailed(
            "Plik CSV jest uszkodzony.", [FieldError("file", str(exc), row=reader.line_num)]
        ) from exc
    return Table(header=header, rows=rows, encoding=used)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _is_bulk_part(name: str) -> bool:
    """Worksheets and the shared strings: the parts that hold the table itself."""
    return name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml"


def check_xlsx_parts(data: bytes, within: Limits | None = None) -> None:
    """Refuse an XLSX whose parts would unpack past the limits, from the archive's directory alone.

    Python's zipfile never gives more bytes of a part than the directory declares (a part that
    holds more fails its checksum), so the declared sizes bound what openpyxl can unpack."""
    within = within or limits()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ValidationFailed("Pliku XLSX nie da się otworzyć.", [FieldError("file", str(exc))]) from exc
    if len(parts) > within.max_parts:
        raise ValidationFailed(
            f"Plik XLSX ma za dużo części: {len(parts)}, najwięcej {within.max_parts}.",
            [FieldError("file", f"Najwięcej części archiwum: {within.max_parts}.")],
        )
    total = 0
    for part in parts:
        total += part.file_size
        if _is_bulk_part(part.filename):
            limit, setting = within.max_unpacked_bytes, "SES_UPLOAD_MAX_UNPACKED_BYTES"
        else:
            limit, setting = within.max_part_bytes, "SES_UPLOAD_MAX_PART_BYTES"
        if part.file_size > limit:
            raise ValidationFailed(
                f"Część pliku XLSX „{part.filename[:100]}” po rozpakowaniu ma {_mb(part.file_size)}, "
                f"najwięcej {_mb(limit)}.",
                [FieldError("file", f"Największa część {part.filename[:100]}: {_mb(limit)} ({setting}).")],
            )
    if total > within.max_unpacked_bytes:
        raise ValidationFailed(
            f"Plik XLSX po rozpakowaniu ma {_mb(total)}, najwięcej {_mb(within.max_unpacked_bytes)}.",
            [
                FieldError(
                    "file",
                    f"Najwięcej po rozpakowaniu: {_mb(within.max_unpacked_bytes)} "
                    "(SES_UPLOAD_MAX_UNPACKED_BYTES).",
                )
            ],
        )


def read_xlsx(data: bytes, within: Limits | None = None) -> Table:
    from openpyxl import load_workbook

    within = within or limits()
    check_size(data, within.max_bytes)
    check_xlsx_parts(data, within)
    budget = _Budget(within)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ValidationFailed("Pliku XLSX nie da się otworzyć.", [FieldError("file", str(exc))]) from exc
    try:
        sheet = workbook.worksheets[0]
        # Bounds for openpyxl, which would otherwise pad every row to the width and height the
        # sheet claims (16,384 columns, a million rows): one column and one row past the limits,
        # so a file that reaches them is seen and refused.
        width = sheet.max_column  # None when the sheet does not say: rows as long as their cells
        if width is not None:
            width = min(width, within.max_columns + 1)
        lines = sheet.iter_rows(values_only=True, max_col=width, max_row=within.max_rows + 2)
        try:
            header = [_cell_text(cell).lower() for cell in next(lines)]
        except StopIteration:
            empty = [FieldError("file", "Brak wiersza nagłówka.")]
            raise ValidationFailed("Arkusz jest pusty.", empty) from None
        while header and not header[-1]:
            header.pop()
        budget.columns(len(header))
        if CONTROL.search("".join(header)):
            _refuse_control(header, header, 1)
        rows: list[tuple[int, dict[str, str]]] = []
        for number, values in enumerate(lines, start=2):
            budget.row()
            if not any(values) and all(value is None or value == "" for value in values):
                continue  # an empty row (a sheet's formatting reaches far below its data)
            cells = [_cell_text(cell) for cell in values[: len(header)]]
            if not any(cells):
                continue
            if CONTROL.search("".join(cells)):
                _refuse_control(header, cells, number)
            cells += [""] * (len(header) - len(cells))
            rows.append((number, dict(zip(header, cells, strict=True))))
    except (zipfile.BadZipFile, OSError, ValueError, KeyError) as exc:  # a part broken past its header
        raise ValidationFailed("Pliku XLSX nie da się odczytać.", [FieldError("file", str(exc))]) from exc
    finally:
        workbook.close()
    return Table(header=header, rows=rows, encoding="xlsx")


def is_xlsx(data: bytes, filename: str = "") -> bool:
    return data.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx")


def read_table(
    data: bytes, filename: str = "", encoding: str | None = None, within: Limits | None = None
) -> Table:
    if is_xlsx(data, filename):
        return read_xlsx(data, within)
    return read_csv(data, encoding, within)
