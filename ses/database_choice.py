"""Which database a `ses` command uses when SES_DATABASE_URL is not set (pure; read by ses/cli.py).

One default for every command: the SQLite file that exists in the working folder, `ses.sqlite`
first, else the demo's `ses-demo.sqlite`. Only the commands that are asked to make a database may
make one when neither exists: `ses migrate` makes `ses.sqlite`, `ses demo` makes `ses-demo.sqlite`.
Any other command (`ses import`, `ses network …`, `ses serve`, `ses user …`) refuses to start
instead of creating an empty file beside the real one; so does a command pointed by
SES_DATABASE_URL at an SQLite file that does not exist.
"""

from __future__ import annotations

from pathlib import Path

MAIN = "ses.sqlite"
DEMO = "ses-demo.sqlite"
CREATES = {"migrate": MAIN, "demo": DEMO}


class NoDatabase(RuntimeError):
    """The command would create an empty database it was not asked to create."""


def _is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def choose(command: str | None, configured: str | None, folder: Path = Path(".")) -> str:
    """The database URL or SQLite path the command uses (NoDatabase when there is none to use)."""
    if configured:
        path = configured.removeprefix("sqlite:///")
        if _is_postgres(configured) or command in CREATES or (folder / path).exists():
            return configured
        raise NoDatabase(
            f"SES_DATABASE_URL wskazuje plik {path}, którego nie ma. Utwórz bazę poleceniem "
            "`ses migrate` (pusta) albo `ses demo` (z danymi pokazowymi), albo popraw zmienną."
        )
    for name in (MAIN, DEMO):
        if (folder / name).exists():
            return name
    if command in CREATES:
        return CREATES[command]
    raise NoDatabase(
        f"Nie ma bazy danych ({MAIN} ani {DEMO} w {folder.resolve()}) i nie ustawiono "
        "SES_DATABASE_URL. Utwórz ją poleceniem `ses migrate` albo `ses demo`."
    )
