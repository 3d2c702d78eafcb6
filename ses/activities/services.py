"""Use-cases of the ROPS's support work: activities and their participants, the training-needs
survey, local governments' deinstitutionalisation plans and the project's targets.

Personal data: only staff read participants' names and e-mails (the routes say so); a listing of
participants that leaves SES is audited; a person's data is removed on request by anonymising the
person while the participations (with the institution and gmina copied onto them) keep counting.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from ses.activities.indicators import DEFINITIONS
from ses.activities.schemas import ActivityIn, ParticipantIn, PlanIn, TargetIn, TrainingNeedIn
from ses.activities.tables import (
    Activity,
    DeinstitutionalisationPlan,
    Participation,
    Person,
    ProjectTarget,
    TrainingNeed,
)
from ses.activities.vocab import (
    KIND_LABELS,
    NETWORKING_KINDS,
    ROLE_LABELS,
    TOPIC_LABELS,
    ActivityKind,
    label,
)
from ses.audit.services import Actor, record_event
from ses.db import write_transaction
from ses.errors import Conflict, FieldError, NotFound, PreconditionFailed, ValidationFailed
from ses.extensions import EventMeeting, installed
from ses.register.tables import Organisation
from ses.territories.services import gmina_exists_checker, territory_codes


def now() -> datetime:
    return datetime.now(UTC)


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def activity_etag(row: dict[str, Any]) -> str:
    return f'"activity-{row["id"]}-v{row["version"]}"'


async def _check_gmina(code: str, field: str) -> None:
    if not (await gmina_exists_checker())(code):
        raise ValidationFailed("Nieznana gmina.", [FieldError(field, f"Nie ma gminy o kodzie TERYT {code}.")])


def _labels(row: dict[str, Any]) -> dict[str, Any]:
    row["kind_label"] = label(KIND_LABELS, row["kind"])
    row["topic_label"] = label(TOPIC_LABELS, row["topic"])
    return row


# -- activities ----------------------------------------------------------------------------------


async def list_activities(
    year: int | None = None, kind: str | None = None, page: int = 1, page_size: int = 50
) -> dict[str, Any]:
    where = []
    if year is not None:
        where.append((Activity.starts_on >= date(year, 1, 1)) & (Activity.starts_on <= date(year, 12, 31)))
    if kind:
        where.append(Activity.kind == kind)
    query = Activity.select(
        Activity.id,
        Activity.kind,
        Activity.topic,
        Activity.title,
        Activity.starts_on,
        Activity.ends_on,
        Activity.place,
        Activity.hours,
    )
    count = Activity.count()
    for condition in where:
        query = query.where(condition)
        count = count.where(condition)
    rows = (
        await query.order_by(Activity.starts_on, ascending=False)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    ids = [row["id"] for row in rows]
    counts: dict[int, int] = {}
    if ids:
        marks = ", ".join("{}" for _ in ids)
        for row in await Participation.raw(
            "SELECT activity AS id, COUNT(*) AS n FROM activity_participation "
            f"WHERE activity IN ({marks}) GROUP BY activity",
            *ids,
        ):
            counts[int(row["id"])] = int(row["n"])
    for row in rows:
        _labels(row)
        row["participants"] = counts.get(row["id"], 0)
    return {"items": rows, "page": page, "page_size": page_size, "total": await count}


async def get_activity(activity_id: int) -> dict[str, Any]:
    row = await Activity.select().where(Activity.id == activity_id).first()
    if row is None:
        raise NotFound(f"Nie ma działania o id {activity_id}.")
    return _labels(row)


async def create_activity(data: ActivityIn, actor: Actor) -> dict[str, Any]:
    await _check_gmina(data.gmina_code, "gmina_code")
    async with write_transaction():
        row = (await Activity.insert(Activity(**data.model_dump(), created_at=now())).returning(Activity.id))[
            0
        ]
        await record_event(
            actor,
            "activity.create",
            "activity",
            row["id"],
            {
                "title": [None, data.title],
                "kind": [None, data.kind.value],
                "starts_on": [None, data.starts_on],
            },
        )
    return await get_activity(row["id"])


async def update_activity(activity_id: int, data: ActivityIn, expected: int, actor: Actor) -> dict[str, Any]:
    await _check_gmina(data.gmina_code, "gmina_code")
    async with write_transaction():
        before = await get_activity(activity_id)
        if before["version"] != expected:
            raise PreconditionFailed(
                "To działanie zmienił w międzyczasie ktoś inny. Odśwież i spróbuj ponownie."
            )
        values = data.model_dump()
        changes = {k: [before[k], v] for k, v in values.items() if before.get(k) != v}
        await Activity.update({**values, "version": expected + 1}).where(Activity.id == activity_id)
        await record_event(actor, "activity.update", "activity", activity_id, changes)
        await _announce(activity_id, actor)
    return await get_activity(activity_id)


# -- participants --------------------------------------------------------------------------------

PARTICIPANT_COLUMNS = (
    Participation.id,
    Participation.person.as_alias("person_id"),
    Participation.person.full_name.as_alias("full_name"),
    Participation.person.email.as_alias("email"),
    Participation.person.consent_on.as_alias("consent_on"),
    Participation.person.anonymised_at.as_alias("anonymised_at"),
    Participation.role,
    Participation.organisation.as_alias("organisation_id"),
    Participation.institution,
    Participation.gmina_code,
    Participation.completed,
    Participation.certificate_number,
)


async def participants(activity_id: int) -> list[dict[str, Any]]:
    await get_activity(activity_id)
    rows = await (
        Participation.select(*PARTICIPANT_COLUMNS)
        .where(Participation.activity == activity_id)
        .order_by(Participation.id)
    )
    for row in rows:
        row["role_label"] = label(ROLE_LABELS, row["role"])
        if row["anonymised_at"] is not None:
            row["full_name"] = "dane usunięte na wniosek"
    return rows


async def add_participant(activity_id: int, data: ParticipantIn, actor: Actor) -> dict[str, Any]:
    problems = []
    if data.consent_on is None:
        problems.append(
            FieldError("consent_on", "Uczestnik musi wyrazić zgodę na przetwarzanie danych — podaj jej datę.")
        )
    if data.organisation_id is None and not (data.institution and data.gmina_code):
        problems.append(
            FieldError("institution", "Wskaż organizację z rejestru albo wpisz instytucję i jej gminę.")
        )
    if data.certificate_number and not data.completed:
        problems.append(FieldError("certificate_number", "Zaświadczenie wydaje się po ukończeniu działania."))
    if problems:
        raise ValidationFailed("Nie można dopisać uczestnika.", problems)
    institution, gmina_code = data.institution, data.gmina_code
    if data.organisation_id is not None:
        org = (
            await Organisation.select(Organisation.name, Organisation.gmina_code)
            .where(Organisation.id == data.organisation_id)
            .first()
        )
        if org is None:
            raise ValidationFailed(
                "Nie ma takiej organizacji w rejestrze.",
                [FieldError("organisation_id", f"Nie ma organizacji o id {data.organisation_id}.")],
            )
        institution = institution or org["name"]
        gmina_code = gmina_code or org["gmina_code"]
    if gmina_code is None:
        raise ValidationFailed("Podaj gminę instytucji.", [FieldError("gmina_code", "Brak gminy.")])
    await _check_gmina(gmina_code, "gmina_code")
    async with write_transaction():
        activity = await get_activity(activity_id)
        if data.consent_on and data.consent_on > max(_day(activity["ends_on"]), date.today()):
            raise ValidationFailed(
                "Zgoda nie może mieć daty z przyszłości.",
                [FieldError("consent_on", "Data zgody z przyszłości.")],
            )
        person = None
        if data.email:
            person = (
                await Person.select(Person.id)
                .where((Person.email == data.email.lower()) & Person.anonymised_at.is_null())
                .first()
            )
        if person is None:
            person = (
                await Person.insert(
                    Person(
                        full_name=data.full_name,
                        email=data.email.lower() if data.email else None,
                        consent_on=data.consent_on,
                        created_at=now(),
                    )
                ).returning(Person.id)
            )[0]
        elif await Participation.exists().where(
            (Participation.activity == activity_id) & (Participation.person == person["id"])
        ):
            raise Conflict(
                "Ta osoba jest już uczestnikiem tego działania.",
                [FieldError("email", "Uczestnik o tym adresie e-mail jest już na liście.")],
            )
        row = (
            await Participation.insert(
                Participation(
                    activity=activity_id,
                    person=person["id"],
                    role=data.role.value,
                    organisation=data.organisation_id,
                    institution=institution[:300],
                    gmina_code=gmina_code,
                    completed=data.completed,
                    certificate_number=data.certificate_number or None,
                )
            ).returning(Participation.id)
        )[0]
        await record_event(
            actor,
            "activity.participant_add",
            "activity",
            activity_id,
            {
                "participation": [None, row["id"]],
                "person": [None, person["id"]],
                "role": [None, data.role.value],
            },
        )
        await _announce(activity_id, actor)
    return row


async def remove_participation(activity_id: int, participation_id: int, actor: Actor) -> None:
    async with write_transaction():
        found = await Participation.exists().where(
            (Participation.id == participation_id) & (Participation.activity == activity_id)
        )
        if not found:
            raise NotFound(f"Nie ma uczestnictwa o id {participation_id} w tym działaniu.")
        await Participation.delete().where(Participation.id == participation_id)
        await record_event(
            actor,
            "activity.participant_remove",
            "activity",
            activity_id,
            {"participation": [participation_id, None]},
        )
        await _announce(activity_id, actor)


async def erase_person(person_id: int, actor: Actor, reason: str) -> None:
    """Remove a person's personal data on request (GDPR art. 17): the counts already reported stay."""
    if len(reason.strip()) < 3:
        raise ValidationFailed(
            "Podaj podstawę usunięcia danych.", [FieldError("reason", "Wpisz podstawę (wniosek).")]
        )
    async with write_transaction():
        person = await Person.select(Person.id, Person.anonymised_at).where(Person.id == person_id).first()
        if person is None:
            raise NotFound(f"Nie ma osoby o id {person_id}.")
        if person["anonymised_at"] is not None:
            raise Conflict("Dane tej osoby już usunięto.")
        await Person.update({Person.full_name: None, Person.email: None, Person.anonymised_at: now()}).where(
            Person.id == person_id
        )
        await record_event(
            actor,
            "person.erase",
            "activity_person",
            person_id,
            {"personal_data": ["present", None]},
            reason=reason,
        )


async def audit_export(actor: Actor, activity_id: int, rows: int) -> None:
    async with write_transaction():
        await record_event(
            actor, "activity.participants_export", "activity", activity_id, {"rows": [None, rows]}
        )


async def _announce(activity_id: int, actor: Actor) -> None:
    """Tell the installed packages which register organisations met at a networking event."""
    hooks = [hook for extension in installed() for hook in extension.event_meetings]
    if not hooks:
        return
    activity = await get_activity(activity_id)
    organisations: tuple[int, ...] = ()
    if ActivityKind(activity["kind"]) in NETWORKING_KINDS:
        rows = (
            await Participation.select(Participation.organisation)
            .where((Participation.activity == activity_id) & Participation.organisation.is_not_null())
            .distinct()
        )
        organisations = tuple(sorted(int(row["organisation"]) for row in rows))
    meeting = EventMeeting(activity_id, activity["title"], _day(activity["starts_on"]), organisations)
    for hook in hooks:
        await hook(meeting, actor)


# -- training needs, plans, targets ---------------------------------------------------------------


async def add_training_need(data: TrainingNeedIn, actor: Actor) -> dict[str, Any]:
    await _check_gmina(data.gmina_code, "gmina_code")
    async with write_transaction():
        row = (
            await TrainingNeed.insert(
                TrainingNeed(
                    **data.model_dump(exclude={"organisation_id", "topic"}),
                    topic=data.topic.value,
                    organisation=data.organisation_id,
                    created_at=now(),
                )
            ).returning(TrainingNeed.id)
        )[0]
        await record_event(
            actor, "training_need.add", "activity_training_need", row["id"], {"year": [None, data.year]}
        )
    return row


async def training_needs(year: int) -> list[dict[str, Any]]:
    """The survey's answers summed by topic: what the plan of activities should answer first."""
    rows = await TrainingNeed.raw(
        "SELECT topic, SUM(people) AS people, COUNT(*) AS institutions, MIN(priority) AS top_priority "
        "FROM activity_training_need WHERE year = {} GROUP BY topic ORDER BY SUM(people) DESC",
        year,
    )
    planned = {
        row["topic"]: int(row["n"])
        for row in await Activity.raw(
            "SELECT topic, COUNT(*) AS n FROM activity "
            "WHERE starts_on >= {} AND starts_on <= {} GROUP BY topic",
            date(year, 1, 1),
            date(year, 12, 31),
        )
    }
    for row in rows:
        row["topic_label"] = label(TOPIC_LABELS, row["topic"])
        row["activities"] = planned.get(row["topic"], 0)
        row["people"] = int(row["people"] or 0)
    return rows


async def add_plan(data: PlanIn, actor: Actor) -> dict[str, Any]:
    codes = await territory_codes()
    if data.territory_code not in codes:
        raise ValidationFailed(
            "Nieznany samorząd.",
            [FieldError("territory_code", f"Nie ma gminy ani powiatu o kodzie TERYT {data.territory_code}.")],
        )
    if data.adopted_on > date.today():
        raise ValidationFailed(
            "Plan nie mógł zostać przyjęty w przyszłości.", [FieldError("adopted_on", "Data z przyszłości.")]
        )
    async with write_transaction():
        if await DeinstitutionalisationPlan.exists().where(
            DeinstitutionalisationPlan.territory_code == data.territory_code
        ):
            raise Conflict(
                "Ten samorząd ma już zapisany plan deinstytucjonalizacji.",
                [FieldError("territory_code", "Plan tego samorządu jest już w SES.")],
            )
        row = (
            await DeinstitutionalisationPlan.insert(
                DeinstitutionalisationPlan(**data.model_dump(), created_at=now())
            ).returning(DeinstitutionalisationPlan.id)
        )[0]
        await record_event(
            actor,
            "di_plan.add",
            "activity_di_plan",
            row["id"],
            {"territory_code": [None, data.territory_code], "adopted_on": [None, data.adopted_on]},
        )
    return row


async def list_plans() -> list[dict[str, Any]]:
    rows = await DeinstitutionalisationPlan.raw(
        "SELECT p.id, p.territory_code, t.name AS territory_name, p.title, p.adopted_on "
        "FROM activity_di_plan p LEFT JOIN territory t ON t.code = p.territory_code ORDER BY p.adopted_on"
    )
    return list(rows)


async def set_target(code: str, data: TargetIn, actor: Actor) -> None:
    if code not in DEFINITIONS:
        raise NotFound(f"Nie ma wskaźnika projektu o kodzie {code}.")
    async with write_transaction():
        existing = await ProjectTarget.select().where(ProjectTarget.code == code).first()
        values = {"baseline": data.baseline, "target": data.target, "target_year": data.target_year}
        if existing:
            await ProjectTarget.update(values).where(ProjectTarget.code == code)
        else:
            await ProjectTarget.insert(ProjectTarget(code=code, **values))
        await record_event(
            actor,
            "project_target.set",
            "activity_project_target",
            None,
            {"code": [None, code], "target": [existing and str(existing["target"]), str(data.target)]},
        )
