"""Jobs created move out of the year figures: rows the OWES reports feed wrote (source
`owes_report`) held jobs created in the `employees` columns. Their counts go to `jobs_created`;
such a row goes from the year figures when it held nothing else (no revenue), so the year figures
keep only what ROPS or the PS's own annual report say about the people employed."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-06T06:27:39:000000"
VERSION = "1.38.0"
DESCRIPTION = "jobs created from the year figures of owes_report rows"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ses", description=DESCRIPTION)

    async def move() -> None:
        engine = engine_finder()
        await engine.run_ddl(
            "INSERT INTO jobs_created (organisation, year, jobs_created, jobs_created_at_risk, "
            "jobs_created_disabled, updated_at) SELECT organisation, year, employees, employees_at_risk, "
            "employees_disabled, updated_at FROM year_figures WHERE source = 'owes_report'"
        )
        await engine.run_ddl(
            "DELETE FROM year_figures WHERE source = 'owes_report' "
            "AND revenue_pln IS NULL AND market_revenue_pln IS NULL"
        )

    manager.add_raw(move)
    return manager
