"""Evidence files: what may be uploaded, and where the bytes live (content-addressed by SHA-256).

The type of a file is decided from its first bytes together with its extension: the name must end
in an allowed extension AND the content must look like that kind of file, so a renamed program is
refused. Executables and scripts are refused whatever their name. Settings come from the
environment, read on every call (cheap), so a deployment or a test can change them without restart:

- ``SES_EVIDENCE_STORAGE``: ``disk`` (default) or ``db``
- ``SES_EVIDENCE_DIR``: where ``disk`` keeps files (default ``$SES_DATA_DIR/evidence``)
- ``SES_EVIDENCE_MAX_BYTES``: largest accepted file (default 20 MiB)

No database and no web framework here; only the file system for ``disk`` storage.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

__all__ = [
    "ALLOWED_TYPES",
    "EvidenceRejected",
    "EvidenceSettings",
    "StoredBlob",
    "check_file",
    "evidence_settings",
    "read_blob",
    "safe_filename",
    "write_blob",
]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# extension -> (content type, human label)
ALLOWED_TYPES: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "PDF"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
    "odt": ("application/vnd.oasis.opendocument.text", "ODT"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "ODS"),
    "jpg": ("image/jpeg", "JPEG"),
    "jpeg": ("image/jpeg", "JPEG"),
    "png": ("image/png", "PNG"),
    "txt": ("text/plain; charset=utf-8", "tekst"),
    "csv": ("text/csv; charset=utf-8", "CSV"),
}

_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa")


class EvidenceRejected(ValueError):
    """A file that may not be stored; the message (Polish) says why and what is allowed."""


@dataclass(frozen=True)
class EvidenceSettings:
    storage: str
    directory: Path
    max_bytes: int


def evidence_settings() -> EvidenceSettings:
    env = os.environ
    storage = env.get("SES_EVIDENCE_STORAGE", "disk").strip().lower()
    if storage not in {"disk", "db"}:
        raise RuntimeError(f"SES_EVIDENCE_STORAGE must be 'disk' or 'db', not {storage!r}")
    default_dir = Path(env.get("SES_DATA_DIR", ".")) / "evidence"
    return EvidenceSettings(
        storage=storage,
        directory=Path(env.get("SES_EVIDENCE_DIR") or default_dir),
        max_bytes=int(env.get("SES_EVIDENCE_MAX_BYTES", str(DEFAULT_MAX_BYTES))),
    )


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",") + " MiB"


def safe_filename(name: str) -> str:
    """The file's own name without any directory part or control characters (max 200 chars)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(
        ch for ch in unicodedata.normalize("NFC", base) if ch.isprintable() and ch not in '"<>|:*?'
    )
    return base.strip(" .")[:200] or "plik"


def _looks_like(ext: str, data: bytes) -> bool:
    head = data[:8]
    if ext == "pdf":
        return data[:5] == b"%PDF-"
    if ext in {"jpg", "jpeg"}:
        return head[:3] == b"\xff\xd8\xff"
    if ext == "png":
        return head == b"\x89PNG\r\n\x1a\n"
    if ext in {"docx", "xlsx", "odt", "ods"}:
        if head[:4] != b"PK\x03\x04":
            return False
        try:
            names = set(zipfile.ZipFile(BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return False
        marker = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}.get(ext, "content.xml")
        return marker in names
    if ext in {"txt", "csv"}:
        if b"\x00" in data:
            return False
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                data.decode("cp1250")
            except UnicodeDecodeError:
                return False
        return True
    return False


def check_file(filename: str, data: bytes, settings: EvidenceSettings | None = None) -> tuple[str, str]:
    """Validate an upload; returns (safe file name, content type) or raises `EvidenceRejected`."""
    settings = settings or evidence_settings()
    name = safe_filename(filename)
    allowed = ", ".join(sorted({ext for ext in ALLOWED_TYPES if ext != "jpeg"}))
    if not data:
        raise EvidenceRejected(f"Plik „{name}” jest pusty.")
    if len(data) > settings.max_bytes:
        raise EvidenceRejected(
            f"Plik „{name}” ma {_mib(len(data))}, a dowód może mieć najwyżej {_mib(settings.max_bytes)}."
        )
    if data.startswith(_EXECUTABLE_MAGIC):
        raise EvidenceRejected(
            f"Plik „{name}” jest programem lub skryptem; takich plików nie przyjmujemy jako dowodów."
        )
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED_TYPES:
        shown = f"„.{ext}”" if ext else "bez rozszerzenia"
        raise EvidenceRejected(
            f"Niedozwolony typ pliku „{name}” ({shown}). Dozwolone rodzaje dowodów: {allowed}."
        )
    content_type, label = ALLOWED_TYPES[ext]
    if not _looks_like(ext, data):
        raise EvidenceRejected(
            f"Zawartość pliku „{name}” nie jest plikiem {label}, choć tak wskazuje rozszerzenie. "
            f"Dozwolone rodzaje dowodów: {allowed}."
        )
    return name, content_type


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    storage: str
    data: bytes | None  # kept in the database row when storage == "db"


def _path(directory: Path, digest: str) -> Path:
    return directory / digest[:2] / digest[2:4] / digest


def write_blob(data: bytes, settings: EvidenceSettings | None = None) -> StoredBlob:
    """Store the bytes once per content: the same file uploaded twice occupies one place on disk."""
    settings = settings or evidence_settings()
    digest = hashlib.sha256(data).hexdigest()
    if settings.storage == "db":
        return StoredBlob(digest, len(data), "db", data)
    target = _path(settings.directory, digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written to a temporary name first, so a crash never leaves half a file under the hash.
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as handle:
            handle.write(data)
            temporary = Path(handle.name)
        os.chmod(temporary, 0o640)
        temporary.replace(target)
    return StoredBlob(digest, len(data), "disk", None)


def read_blob(
    sha256: str, storage: str, data: bytes | None, settings: EvidenceSettings | None = None
) -> bytes:
    """The stored bytes, checked against their SHA-256 (a damaged file is never served)."""
    if storage == "db":
        content = bytes(data or b"")
    else:
        settings = settings or evidence_settings()
        path = _path(settings.directory, sha256)
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            raise FileNotFoundError(f"Brak pliku dowodu {sha256} w katalogu {settings.directory}") from None
    if hashlib.sha256(content).hexdigest() != sha256:
        raise ValueError(f"Plik dowodu {sha256} jest uszkodzony (suma SHA-256 się nie zgadza)")
    return content
