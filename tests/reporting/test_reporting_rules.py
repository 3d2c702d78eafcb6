"""The pure parts of reporting: periods, the definition model, the validator and the lifecycle."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ses.auth.policy import Role
from ses.reporting import periods, rules, workflow
from ses.reporting.catalogue import shipped_documents
from ses.reporting.model import DefinitionError, parse_definition

DEFINITION = parse_definition(next(d for d in shipped_documents() if d["code"] == "owes-quarterly"))
Q3 = periods.parse("2025-Q3", "quarter")
CTX = rules.Context(period=Q3, today=date(2026, 1, 15))


def test_periods_have_dates_deadlines_and_neighbours():
    q4 = periods.parse("2025-q4", "quarter")
    assert (q4.code, q4.start, q4.end) == ("2025-Q4", date(2025, 10, 1), date(2025, 12, 31))
    assert q4.deadline(30) == date(2026, 1, 30)
    assert q4.previous(4).code == "2024-Q4"
    assert periods.months_before(q4, 12).code == "2024-Q4"
    assert [p.code for p in periods.last_ended(date(2026, 2, 1), "quarter", 3)] == [
        "2025-Q2",
        "2025-Q3",
        "2025-Q4",
    ]
    assert periods.parse("2024", "year").end == date(2024, 12, 31)
    with pytest.raises(ValueError, match="RRRR-QN"):
        periods.parse("2025-Q5", "quarter")


def test_definition_structure_errors_are_all_reported():
    with pytest.raises(DefinitionError) as caught:
        parse_definition(
            {
                "code": "x",
                "version": 0,
                "title": "t",
                "period_type": "month",
                "fields": [{"name": "a", "type": "money"}],
                "tables": {"t": {"columns": [{"name": "c", "type": "code"}], "key": ["d"]}},
                "rules": [{"type": "compare", "left": "a", "op": "=<", "right": "zzz"}],
            }
        )
    fields = {error.field for error in caught.value.errors}
    assert {
        "version",
        "period_type",
        "fields.0.type",
        "tables.t.columns.0.choices",
        "tables.t.key",
        "rules.0.op",
        "rules.0.right",
    } <= fields


def test_rows_are_checked_cell_by_cell_with_file_lines():
    jobs = DEFINITION.table("jobs")
    assert jobs is not None
    problems: list = []
    references: list = []
    rows = rules.validate_table(
        jobs,
        [
            {
                "ps_organisation_id": "7",
                "person_category": "at_risk",
                "fte": "0,75",
                "contract_type": "employment",
                "started_on": "2025-08-01",
            },
            {
                "ps_organisation_id": "x",
                "person_category": "",
                "fte": "1",
                "contract_type": "employment",
                "started_on": "2025-01-01",
            },
        ],
        CTX,
        "quarter",
        lambda i, column: (column, i + 2),
        from_text=True,
        problems=problems,
        references=references,
    )
    assert rows[0] == {
        "ps_organisation_id": 7,
        "person_category": "at_risk",
        "fte": "0.75",
        "contract_type": "employment",
        "started_on": "2025-08-01",
    }
    assert {(p.row, p.field) for p in problems} == {
        (3, "ps_organisation_id"),
        (3, "person_category"),
        (3, "started_on"),
    }
    assert references == [("ps_organisation_id", 2, 7)]


def test_row_rules_keys_and_follow_up_against_earlier_report():
    data = {
        "job_followups": [
            {"created_period": "2024-Q3", "months": 12, "jobs_created": 4, "jobs_kept": 5},
            {"created_period": "2024-Q3", "months": 12, "jobs_created": 4, "jobs_kept": 1},
            {"created_period": "2025-Q3", "months": 6, "jobs_created": 1, "jobs_kept": 1},
            {"created_period": "2024-Q2", "months": 18, "jobs_created": 1, "jobs_kept": 1},
        ]
    }
    outcome = rules.validate(DEFINITION, data, rules.Context(period=Q3, today=date(2026, 1, 1), partial=True))
    messages = {p.field: p.message for p in outcome.problems}
    assert "więcej niż utworzonych" in messages["data.job_followups.0.jobs_kept"]
    assert "Powtórzony wiersz" in messages["data.job_followups.1.created_period"]
    assert "musi poprzedzać" in messages["data.job_followups.2.created_period"]
    assert "dozwolone: 6, 12, 24" in messages["data.job_followups.3.months"]
    clean = {
        "job_followups": [{"created_period": "2024-Q3", "months": 12, "jobs_created": 4, "jobs_kept": 3}]
    }
    assert rules.prior_periods(DEFINITION, clean) == {"jobs-kept-le-created-earlier": {"2024-Q3"}}
    ctx = rules.Context(
        period=Q3, today=date(2026, 1, 1), prior={"jobs-kept-le-created-earlier": {"2024-Q3": Decimal(2)}}
    )
    problems = rules.rule_problems(DEFINITION, clean, ctx, types=("prior_le",))
    assert [p.field for p in problems] == ["data.job_followups.0.jobs_created"]
    assert "wykazano wtedy 2" in problems[0].message


def test_operands_count_and_sum_with_filters():
    data = {
        "jobs": [
            {"person_category": "at_risk"},
            {"person_category": "disabled"},
            {"person_category": "other"},
        ],
        "grants": [{"amount_pln": "10.50"}, {"amount_pln": "4.50"}],
        "a": 2,
    }
    assert rules.evaluate({"count": "jobs", "where": {"person_category": ["at_risk", "disabled"]}}, data) == 2
    assert rules.evaluate({"sum": "grants.amount_pln"}, data) == Decimal("15.00")
    assert rules.evaluate({"add": ["a", 3]}, data) == 5
    assert rules.evaluate("missing", data) is None


def test_json_types_are_strict_but_file_cells_are_text():
    spec = DEFINITION.field("initiative_groups")
    assert spec is not None
    assert rules.convert(spec, "3", "quarter")[1] == "Oczekiwano liczby całkowitej."
    assert rules.convert(spec, True, "quarter")[1] == "Oczekiwano liczby całkowitej."
    assert rules.convert(spec, "3", "quarter", from_text=True) == (3, None)
    assert "mniejsza niż 0" in (rules.convert(spec, -1, "quarter")[1] or "")


def test_diff_by_key_and_by_position():
    before = {"initiative_groups": 1, "services": [{"standard": "reintegration", "sessions": 1}]}
    after = {"initiative_groups": 2, "services": [{"standard": "reintegration", "sessions": 3}]}
    changes = rules.diff(before, after, DEFINITION)
    assert changes[0] == {"path": "initiative_groups", "before": 1, "after": 2}
    assert changes[1]["path"] == "services[reintegration]"


def test_lifecycle_is_explicit():
    assert workflow.transition_problem("submit", "draft") is None
    assert "zaakceptowane" in (workflow.transition_problem("submit", "accepted") or "")
    assert workflow.transition_problem("correct", "returned") is None
    assert workflow.actions_for("submitted", Role.STAFF) == ["accept", "return"]
    assert workflow.actions_for("submitted", Role.OWES) == []
    assert workflow.actions_for("accepted", Role.STAFF) == ["reopen"]


def test_demo_reports_fill_the_tables_the_rules_check_and_obey_every_rule():
    from ses.reporting.demo import demo_content

    filled: set[str] = set()
    for seed, code in enumerate(("2024-Q1", "2024-Q2", "2025-Q3", "2025-Q4")):
        period = periods.parse(code, "quarter")
        data = demo_content(period, 4182, __import__("random").Random(seed))
        outcome = rules.validate(DEFINITION, data, rules.Context(period=period, today=date(2026, 6, 1)))
        assert outcome.problems == []
        assert outcome.data["new_jobs_total"] == len(data["jobs"])
        assert outcome.data["pes_supported_total"] == sum(row["count"] for row in data["supported_pes"])
        assert all(
            period.start.isoformat() <= job["started_on"] <= period.end.isoformat() for job in data["jobs"]
        )
        filled |= {name for name, value in data.items() if isinstance(value, list) and value}
    # The demo is worth checking only if it gives the cross-field rules something to compare.
    assert {"supported_pes", "services", "jobs", "grants"} <= filled


# --- The rules of the quarterly OWES report, one by one (issue #14) ---------------------------------


def quiet_quarter(**changes) -> dict:
    """A complete report of a quarter in which the OWES supported nobody: every rule holds."""
    return {
        "pes_supported_total": 0,
        "initiative_groups": 0,
        "new_pes_created": 0,
        "new_ps_created": 0,
        "new_jobs_total": 0,
        "new_jobs_at_risk": 0,
        "grants_total_pln": "0",
        "ps_applications_supported": 0,
        "procurement_cases": 0,
        **changes,
    }


def problems_of(data: dict, ctx: rules.Context = CTX) -> dict[str, str]:
    return {p.field: p.message for p in rules.validate(DEFINITION, data, ctx).problems}


def test_a_quiet_quarter_is_a_valid_report_and_is_stored_as_sent():
    outcome = rules.validate(DEFINITION, quiet_quarter(remarks=" Brak działań w kwartale. "), CTX)
    assert outcome.problems == []
    assert outcome.data["remarks"] == "Brak działań w kwartale."
    assert outcome.data["grants_total_pln"] == "0"
    assert outcome.data["jobs"] == [] and outcome.data["services"] == []


def test_hours_are_required_when_there_were_sessions():
    service = {"standard": "reintegration", "sessions": 3, "hours": 0, "participants": 12}
    assert problems_of(quiet_quarter(services=[service])) == {
        "data.services.0.hours": "Skoro były spotkania, podaj liczbę godzin."
    }
    assert problems_of(quiet_quarter(services=[{**service, "hours": "0.5"}])) == {}
    assert problems_of(quiet_quarter(services=[{**service, "sessions": 0, "hours": 0}])) == {}
    assert problems_of(quiet_quarter(services=[{**service, "sessions": 1, "hours": "0.0001"}])) == {}


def test_a_new_organisation_needs_its_register_id_nip_or_krs():
    row = {"entity": "pes", "name": "Fundacja Nowy Start", "kind": "foundation", "gmina_code": "0463011"}
    row["created_on"] = "2025-08-14"
    data = quiet_quarter(new_pes_created=1)
    assert problems_of({**data, "new_entities": [row]}) == {
        "data.new_entities.0.organisation_id": (
            "Każdy wskazany podmiot musi być w rejestrze (organisation_id) albo mieć NIP lub KRS, "
            "by go dopisać."
        )
    }
    for identifier in ({"nip": "PL 526-104-08-28"}, {"krs": "30897"}, {"organisation_id": 4182}):
        assert problems_of({**data, "new_entities": [{**row, **identifier}]}) == {}, identifier
    outcome = rules.validate(DEFINITION, {**data, "new_entities": [{**row, "nip": "526-104-08-28"}]}, CTX)
    assert outcome.data["new_entities"][0]["nip"] == "5261040828"


def test_an_organisation_outside_the_register_needs_its_name_kind_and_gmina():
    row = {"entity": "ps", "nip": "7251801126", "created_on": "2025-09-30"}
    assert problems_of(quiet_quarter(new_ps_created=1, new_entities=[row])) == {
        "data.new_entities.0.name": "Podmiot spoza rejestru wymaga nazwy, rodzaju i gminy.",
        "data.new_entities.0.kind": "Podmiot spoza rejestru wymaga nazwy, rodzaju i gminy.",
        "data.new_entities.0.gmina_code": "Podmiot spoza rejestru wymaga nazwy, rodzaju i gminy.",
    }
    named = {**row, "name": "Spółdzielnia Socjalna Razem", "kind": "social_cooperative"}
    assert set(problems_of(quiet_quarter(new_ps_created=1, new_entities=[named]))) == {
        "data.new_entities.0.gmina_code"
    }
    registered = {"entity": "ps", "organisation_id": 4182, "created_on": "2025-09-30"}
    outcome = rules.validate(DEFINITION, quiet_quarter(new_ps_created=1, new_entities=[registered]), CTX)
    assert outcome.problems == []
    assert outcome.references == [("data.new_entities.0.organisation_id", None, 4182)]


def test_dates_in_a_table_lie_within_the_reported_quarter():
    job = {"ps_organisation_id": 4182, "person_category": "other", "fte": "1", "contract_type": "employment"}
    data = quiet_quarter(new_jobs_total=1)
    for day in ("2025-07-01", "2025-09-30"):
        assert problems_of({**data, "jobs": [{**job, "started_on": day}]}) == {}, day
    assert problems_of({**data, "jobs": [{**job, "started_on": "2025-06-30"}]}) == {
        "data.jobs.0.started_on": "Data 2025-06-30 leży poza okresem sprawozdawczym 2025-07-01–2025-09-30."
    }
    assert set(problems_of({**data, "jobs": [{**job, "started_on": "2025-10-01"}]})) == {
        "data.jobs.0.started_on"
    }


def test_job_follow_ups_concern_an_earlier_quarter():
    row = {"created_period": "2025-Q2", "months": 6, "jobs_created": 2, "jobs_kept": 2}
    assert problems_of(quiet_quarter(job_followups=[row])) == {}
    assert problems_of(quiet_quarter(job_followups=[{**row, "created_period": "2025-Q3"}])) == {
        "data.job_followups.0.created_period": "Okres 2025-Q3 musi poprzedzać okres sprawozdania 2025-Q3."
    }
    assert set(problems_of(quiet_quarter(job_followups=[{**row, "created_period": "2025-Q4"}]))) == {
        "data.job_followups.0.created_period"
    }
    assert problems_of(quiet_quarter(job_followups=[{**row, "jobs_kept": 3}])) == {
        "data.job_followups.0.jobs_kept": "Utrzymanych miejsc pracy nie może być więcej niż utworzonych."
    }


def test_totals_must_match_the_lists_and_say_both_numbers():
    job = {
        "ps_organisation_id": 4182,
        "person_category": "disabled",
        "fte": "0.5",
        "contract_type": "cooperative_employment",
        "started_on": "2025-08-01",
    }
    assert problems_of(quiet_quarter(new_jobs_total=1, new_jobs_at_risk=1, jobs=[job])) == {}
    assert problems_of(quiet_quarter(new_jobs_total=2, new_jobs_at_risk=1, jobs=[job])) == {
        "data.new_jobs_total": (
            "Liczba nowych miejsc pracy musi odpowiadać liczbie wierszy w tabeli jobs. "
            "(2 = 1 nie jest prawdą)"
        )
    }
    outcome = rules.validate(DEFINITION, quiet_quarter(new_jobs_total=1, new_jobs_at_risk=2, jobs=[job]), CTX)
    assert [(p.field, p.message) for p in outcome.problems] == [
        (
            "data.new_jobs_at_risk",
            "Nowych miejsc pracy dla osób zagrożonych wykluczeniem nie może być więcej niż wszystkich nowych "
            "miejsc pracy. (2 ≤ 1 nie jest prawdą)",
        ),
        (
            "data.new_jobs_at_risk",
            "Liczba miejsc dla osób zagrożonych wykluczeniem musi odpowiadać wierszom jobs z kategorią "
            "at_risk lub disabled. (2 = 1 nie jest prawdą)",
        ),
    ]
    grants = [
        {"recipient_organisation_id": 4182, "amount_pln": "25000.00", "purpose": "new_jobs"},
        {"recipient_organisation_id": 4190, "amount_pln": "12500,50", "purpose": "development"},
    ]
    assert problems_of(quiet_quarter(grants_total_pln="37500.50", grants=grants)) == {}
    assert set(problems_of(quiet_quarter(grants_total_pln="37500.49", grants=grants))) == {
        "data.grants_total_pln"
    }
    supported = [
        {"kind": "association", "powiat_code": "0463", "count": 4},
        {"kind": "social_cooperative", "powiat_code": "0415", "count": 2},
    ]
    assert problems_of(quiet_quarter(pes_supported_total=6, supported_pes=supported)) == {}
    assert set(problems_of(quiet_quarter(pes_supported_total=5, supported_pes=supported))) == {
        "data.pes_supported_total"
    }


def test_cross_field_rules_wait_until_the_cells_are_right_and_the_report_is_sent():
    broken_cell = quiet_quarter(new_jobs_total=3, initiative_groups=-1)
    assert set(problems_of(broken_cell)) == {"data.initiative_groups"}
    draft = rules.Context(period=Q3, today=CTX.today, partial=True)
    assert problems_of({"new_jobs_total": 3}, draft) == {}
    assert set(problems_of({"new_jobs_total": 3})) == {
        "data.pes_supported_total",
        "data.initiative_groups",
        "data.new_pes_created",
        "data.new_ps_created",
        "data.new_jobs_at_risk",
        "data.grants_total_pln",
        "data.ps_applications_supported",
        "data.procurement_cases",
    }
    assert problems_of(quiet_quarter(new_jobs_at_risk=None)) == {
        "data.new_jobs_at_risk": "Pole jest wymagane."
    }


def test_a_report_body_is_an_object_with_known_fields_and_lists_of_rows():
    assert problems_of([1, 2]) == {"data": "Treść sprawozdania musi być obiektem JSON."}
    assert problems_of(quiet_quarter(volunteers=3)) == {
        "data.volunteers": "Nieznane pole w tej wersji definicji."
    }
    assert problems_of(quiet_quarter(jobs={"ps_organisation_id": 1})) == {
        "data.jobs": "Oczekiwano listy wierszy."
    }
    assert problems_of(quiet_quarter(jobs=["x"])) == {"data.jobs.0": "Wiersz tabeli musi być obiektem JSON."}
    outcome = rules.validate(DEFINITION, quiet_quarter(jobs=None), CTX)
    assert outcome.problems == [] and outcome.data["jobs"] == []
    assert problems_of(quiet_quarter(services=[{"standard": "reintegration", "sesje": 2}]), draft_ctx()) == {
        "data.services.0.sesje": "Nieznana kolumna."
    }


def draft_ctx() -> rules.Context:
    return rules.Context(period=Q3, today=CTX.today, partial=True)


def test_required_cells_of_a_row_are_checked_when_the_report_is_sent_not_in_a_draft():
    row = {"standard": "reintegration", "sessions": "", "hours": None}
    assert problems_of(quiet_quarter(services=[row])) == {
        "data.services.0.sessions": "Pole jest wymagane.",
        "data.services.0.hours": "Pole jest wymagane.",
        "data.services.0.participants": "Pole jest wymagane.",
    }
    assert problems_of(quiet_quarter(services=[row]), draft_ctx()) == {}


def test_a_row_repeated_for_the_same_key_is_pointed_at_with_the_first_line():
    jobs = DEFINITION.table("services")
    assert jobs is not None
    problems: list = []
    rows = [
        {"standard": "reintegration", "sessions": "2", "hours": "4", "participants": "9"},
        {"standard": "local_animation", "sessions": "1", "hours": "2", "participants": "5"},
        {"standard": "reintegration", "sessions": "1", "hours": "1", "participants": "3"},
    ]
    rules.validate_table(
        jobs, rows, CTX, "quarter", lambda i, c: (c, i + 2), from_text=True, problems=problems, references=[]
    )
    assert [(p.row, p.field, p.message) for p in problems] == [
        (4, "standard", "Powtórzony wiersz dla reintegration (jak wiersz 2).")
    ]
    json_problems: list = []
    rules.validate_table(
        jobs,
        rows,
        CTX,
        "quarter",
        lambda i, c: (f"data.services.{i}.{c}", None),
        from_text=True,
        problems=json_problems,
        references=[],
    )
    assert json_problems[0].message == "Powtórzony wiersz dla reintegration (jak data.services.0.standard)."


def test_a_table_longer_than_its_limit_is_refused_whole():
    spec = rules.TableSpec(name="t", label="t", columns=DEFINITION.table("services").columns, max_rows=2)
    problems: list = []
    rows = [
        {"standard": s, "sessions": 0, "hours": 0, "participants": 0}
        for s in ("reintegration", "local_animation", "creating_pes_ps")
    ]
    out = rules.validate_table(
        spec, rows, CTX, "quarter", lambda i, c: (f"data.t.{i}.{c}", None), problems=problems, references=[]
    )
    assert out == []
    assert [(p.field, p.message) for p in problems] == [("data.t.2", "Tabela może mieć najwyżej 2 wierszy.")]
    assert (
        rules.validate_table(
            spec, rows[:2], CTX, "quarter", lambda i, c: (f"data.t.{i}.{c}", None), problems=[], references=[]
        )
        != []
    )


def spec(kind: str, **extra) -> rules.FieldSpec:
    return rules.FieldSpec(name="x", type=kind, **extra)


@pytest.mark.parametrize(
    ("kind", "extra", "value", "from_text", "expected"),
    [
        ("integer", {}, 12, False, (12, None)),
        ("integer", {}, "1 200", True, (1200, None)),
        ("integer", {}, "1\u00a0200", True, (1200, None)),
        ("integer", {}, "-3", True, (-3, None)),
        ("integer", {}, "12.5", True, (None, "Oczekiwano liczby całkowitej, jest „12.5”.")),
        ("integer", {}, 12.0, False, (None, "Oczekiwano liczby całkowitej.")),
        ("integer", {}, False, True, (None, "Oczekiwano liczby całkowitej.")),
        ("integer", {"min": 0, "max": 100}, 100, False, (100, None)),
        ("integer", {"min": 0, "max": 100}, 0, False, (0, None)),
        ("integer", {"min": 0, "max": 100}, 101, False, (None, "Wartość nie może być większa niż 100.")),
        ("integer", {"min": 0, "max": 100}, -1, False, (None, "Wartość nie może być mniejsza niż 0.")),
        ("organisation", {}, 4182, False, (4182, None)),
        ("organisation", {}, "4182", True, (4182, None)),
        ("organisation", {}, 0, False, (None, "Id organizacji w rejestrze to dodatnia liczba całkowita.")),
        ("organisation", {}, 1, False, (1, None)),
        ("decimal", {}, "12,50", True, (Decimal("12.50"), None)),
        ("decimal", {}, 0.75, False, (Decimal("0.75"), None)),
        ("decimal", {}, 3, False, (Decimal(3), None)),
        ("decimal", {}, "12 500,5", False, (Decimal("12500.5"), None)),
        ("decimal", {}, "1.2345", False, (Decimal("1.2345"), None)),
        ("decimal", {}, "1.23456", False, (None, "Najwyżej 4 miejsca po przecinku.")),
        ("decimal", {}, "NaN", False, (None, "Oczekiwano skończonej liczby.")),
        ("decimal", {}, "Infinity", False, (None, "Oczekiwano skończonej liczby.")),
        ("decimal", {}, "dwa", False, (None, "Oczekiwano liczby (np. 12.50), jest „dwa”.")),
        ("decimal", {}, True, False, (None, "Oczekiwano liczby (np. 12.50).")),
        ("decimal", {}, None, False, (None, "Oczekiwano liczby (np. 12.50).")),
        ("decimal", {"min": 0.1, "max": 1}, "0.1", False, (Decimal("0.1"), None)),
        ("decimal", {"min": 0.1, "max": 1}, "0.05", False, (None, "Wartość nie może być mniejsza niż 0.1.")),
        ("decimal", {"min": 0.1, "max": 1}, "1.01", False, (None, "Wartość nie może być większa niż 1.")),
        ("boolean", {}, True, False, (True, None)),
        ("boolean", {}, False, False, (False, None)),
        ("boolean", {}, " Tak ", True, (True, None)),
        ("boolean", {}, "nie", True, (False, None)),
        ("boolean", {}, "0", True, (False, None)),
        ("boolean", {}, "tak", False, (None, "Oczekiwano wartości logicznej (true/false).")),
        ("boolean", {}, "może", True, (None, "Oczekiwano wartości logicznej (true/false).")),
        ("boolean", {}, 1, True, (None, "Oczekiwano wartości logicznej (true/false).")),
        ("date", {}, "2025-08-14", False, (date(2025, 8, 14), None)),
        ("date", {}, "2025-08-14 00:00:00", True, (date(2025, 8, 14), None)),
        (
            "date",
            {},
            "2025-08-14 00:00:00",
            False,
            (None, "Oczekiwano daty w formacie RRRR-MM-DD, jest „2025-08-14 00:00:00”."),
        ),
        ("date", {}, " 2025-08-14", True, (date(2025, 8, 14), None)),
        ("date", {}, "14.08.2025", True, (None, "Oczekiwano daty w formacie RRRR-MM-DD, jest „14.08.2025”.")),
        ("date", {}, 20250814, False, (None, "Oczekiwano daty w formacie RRRR-MM-DD.")),
        ("string", {}, "  Uwagi  ", False, ("Uwagi", None)),
        ("string", {}, 7, False, (None, "Oczekiwano tekstu.")),
        ("string", {"max_length": 5}, "abcde", False, ("abcde", None)),
        ("string", {"max_length": 5}, "abcdef", False, (None, "Tekst może mieć najwyżej 5 znaków.")),
        ("string", {"pattern": "^[0-9]{4}$"}, "0463", False, ("0463", None)),
        ("string", {"pattern": "^[0-9]{4}$"}, "463", False, (None, "Wartość „463” ma niepoprawną postać.")),
        ("string", {"pattern": "[0-9]{4}"}, "04631", False, (None, "Wartość „04631” ma niepoprawną postać.")),
        ("period", {}, " 2024-q3 ", False, ("2024-Q3", None)),
        ("nip", {}, "PL 526-104-08-28", False, ("5261040828", None)),
        ("nip", {}, "526-104-08-29", False, (None, "NIP ma błędną cyfrę kontrolną.")),
        ("krs", {}, "30897", False, ("0000030897", None)),
        ("krs", {}, "0", False, (None, "Numer KRS nie może składać się z samych zer.")),
        ("code", {"choices": ("pes", "ps")}, "ps", False, ("ps", None)),
        ("code", {"choices": ("pes", "ps")}, " ps ", False, ("ps", None)),
        (
            "code",
            {"choices": ("pes", "ps")},
            "PS",
            False,
            (None, "Niedozwolona wartość „PS”; dozwolone: pes, ps."),
        ),
        ("integer", {"choices": (6, 12, 24)}, 12, False, (12, None)),
        (
            "integer",
            {"choices": (6, 12, 24)},
            18,
            False,
            (None, "Niedozwolona wartość 18; dozwolone: 6, 12, 24."),
        ),
    ],
)
def test_each_kind_of_cell_accepts_what_a_person_would_type(kind, extra, value, from_text, expected):
    assert rules.convert(spec(kind, **extra), value, "quarter", from_text) == expected


def test_a_period_cell_names_the_expected_form():
    clean, problem = rules.convert(spec("period"), "2024/3", "quarter")
    assert clean is None and "RRRR-QN" in (problem or "")


@pytest.mark.parametrize(
    ("op", "holds"),
    [("<=", {1, 2}), ("<", {1}), (">=", {2, 3}), (">", {3}), ("==", {2}), ("!=", {1, 3})],
)
def test_every_comparison_of_a_rule(op, holds):
    definition = parse_definition(
        {
            "code": "t",
            "version": 1,
            "title": "t",
            "period_type": "quarter",
            "fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "integer"}],
            "rules": [{"id": "r", "type": "compare", "left": "a", "op": op, "right": "b", "message": "Źle."}],
        }
    )
    for a in (1, 2, 3):
        problems = rules.validate(definition, {"a": a, "b": 2}, CTX).problems
        assert (problems == []) == (a in holds), (op, a)
        if problems:
            assert problems[0].field == "data.a"
            assert problems[0].message == f"Źle. ({a} {rules.OP_WORDS[op]} 2 nie jest prawdą)"
    row_spec = rules.TableSpec(
        name="t",
        label="t",
        columns=(spec("integer"),),
        row_rules=({"type": "compare", "left": {"add": ["x", 0]}, "op": op, "right": 2, "column": "x"},),
    )
    for a in (1, 2, 3):
        problems = []
        rules.validate_table(
            row_spec, [{"x": a}], CTX, "quarter", lambda i, c: (c, i), problems=problems, references=[]
        )
        assert (problems == []) == (a in holds), (op, a)
        if problems:
            assert (problems[0].field, problems[0].message) == (
                "x",
                f"Warunek {{'add': ['x', 0]}} {rules.OP_WORDS[op]} 2 nie jest spełniony.",
            )


def test_a_rule_with_an_unknown_side_does_not_fire():
    definition = parse_definition(
        {
            "code": "t",
            "version": 1,
            "title": "t",
            "period_type": "quarter",
            "fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "integer"}],
            "rules": [
                {
                    "id": "r",
                    "type": "compare",
                    "left": {"add": ["a", 1]},
                    "op": "<",
                    "right": "b",
                    "field": "a",
                }
            ],
        }
    )
    assert rules.validate(definition, {"a": 5}, CTX).problems == []
    assert rules.validate(definition, {"b": 5}, CTX).problems == []
    [problem] = rules.validate(definition, {"a": 5, "b": 5}, CTX).problems
    assert (problem.field, problem.message) == ("data.a", "Reguła niespełniona. (6 < 5 nie jest prawdą)")


def test_operands_read_numbers_the_way_they_are_stored():
    data = {"a": "2.5", "b": True, "c": None, "d": 1.5, "e": "x", "f": [1], "g": 3}
    assert rules.evaluate("a", data) == Decimal("2.5")
    assert rules.evaluate("b", data) is None
    assert rules.evaluate("c", data) is None
    assert rules.evaluate("d", data) == Decimal("1.5")
    assert rules.evaluate("e", data) is None
    assert rules.evaluate("f", data) is None
    assert rules.evaluate("g", data) == 3
    assert rules.evaluate(2.5, data) == Decimal("2.5")
    assert rules.evaluate(True, data) is None
    assert rules.evaluate({"add": ["a", "g", 1]}, data) == Decimal("6.5")
    assert rules.evaluate({"add": ["a", "c"]}, data) is None
    assert rules.evaluate({"unknown": "a"}, data) is None
    assert rules.evaluate(["a"], data) is None
    grants = {
        "grants": [
            {"amount_pln": "100", "purpose": "new_jobs"},
            {"amount_pln": None, "purpose": "new_jobs"},
            {"amount_pln": "50.5", "purpose": "development"},
        ]
    }
    assert rules.evaluate({"sum": "grants.amount_pln", "where": {"purpose": "new_jobs"}}, grants) == 100
    assert rules.evaluate({"sum": "grants.amount_pln"}, grants) == Decimal("150.5")
    assert rules.evaluate({"sum": "grants.amount_pln"}, {}) == 0
    assert rules.evaluate({"count": "grants", "where": {"purpose": "development"}}, grants) == 1
    assert rules.evaluate({"count": "grants"}, grants) == 3
    assert rules.evaluate({"count": "jobs"}, grants) == 0


def test_follow_ups_are_checked_against_what_the_owes_reported_then():
    clean = {
        "job_followups": [
            {"created_period": "2024-Q3", "months": 12, "jobs_created": 4, "jobs_kept": 3},
            {"created_period": "2024-Q4", "months": 6, "jobs_created": 2, "jobs_kept": 2},
            {"created_period": "2025-Q1", "months": 6, "jobs_created": 1, "jobs_kept": 1},
        ]
    }
    assert rules.prior_periods(DEFINITION, clean) == {
        "jobs-kept-le-created-earlier": {"2024-Q3", "2024-Q4", "2025-Q1"}
    }
    assert rules.prior_periods(DEFINITION, {}) == {"jobs-kept-le-created-earlier": set()}
    prior = {"jobs-kept-le-created-earlier": {"2024-Q3": Decimal(4), "2024-Q4": Decimal(1)}}
    ctx = rules.Context(period=Q3, today=date(2026, 1, 1), prior=prior)
    problems = rules.rule_problems(DEFINITION, clean, ctx)
    assert [(p.field, p.message) for p in problems] == [
        (
            "data.job_followups.1.jobs_created",
            "Miejsc pracy z tamtego kwartału nie może być więcej, niż OWES wtedy wykazał. "
            "(wykazano wtedy 1).",
        )
    ]
    assert rules.rule_problems(DEFINITION, clean, ctx, types=("compare",)) == []
    full = rules.validate(DEFINITION, quiet_quarter(job_followups=clean["job_followups"]), ctx)
    assert [p.field for p in full.problems] == ["data.job_followups.1.jobs_created"]


def test_a_version_diff_shows_changed_added_and_deleted_rows():
    before = {
        "initiative_groups": 1,
        "remarks": "Wstępne dane.",
        "services": [
            {"standard": "reintegration", "sessions": 1},
            {"standard": "local_animation", "sessions": 4},
        ],
        "jobs": [{"ps_organisation_id": 4182, "fte": "1"}, {"ps_organisation_id": 4190, "fte": "0.5"}],
    }
    after = {
        "initiative_groups": 2,
        "remarks": "Wstępne dane.",
        "new_jobs_total": 1,
        "services": [
            {"standard": "reintegration", "sessions": 3},
            {"standard": "creating_pes_ps", "sessions": 2},
        ],
        "jobs": [{"ps_organisation_id": 4182, "fte": "1"}],
    }
    assert rules.diff(before, after, DEFINITION) == [
        {"path": "initiative_groups", "before": 1, "after": 2},
        {"path": "new_jobs_total", "before": None, "after": 1},
        {
            "path": "services[creating_pes_ps]",
            "before": None,
            "after": {"standard": "creating_pes_ps", "sessions": 2},
        },
        {
            "path": "services[local_animation]",
            "before": {"standard": "local_animation", "sessions": 4},
            "after": None,
        },
        {
            "path": "services[reintegration]",
            "before": {"standard": "reintegration", "sessions": 1},
            "after": {"standard": "reintegration", "sessions": 3},
        },
        {"path": "jobs[1]", "before": {"ps_organisation_id": 4190, "fte": "0.5"}, "after": None},
    ]
    assert rules.diff(after, after, DEFINITION) == []
    assert rules.diff({}, {"jobs": [{"ps_organisation_id": 1}]}, DEFINITION) == [
        {"path": "jobs[0]", "before": None, "after": {"ps_organisation_id": 1}}
    ]


def test_a_diff_keys_rows_by_every_key_column():
    before = {"supported_pes": [{"kind": "association", "powiat_code": "0463", "count": 4}]}
    after = {
        "supported_pes": [
            {"kind": "association", "powiat_code": "0463", "count": 4},
            {"kind": "association", "powiat_code": "0415", "count": 1},
        ]
    }
    assert rules.diff(before, after, DEFINITION) == [
        {
            "path": "supported_pes[association/0415]",
            "before": None,
            "after": {"kind": "association", "powiat_code": "0415", "count": 1},
        }
    ]


def test_a_decimal_in_scientific_notation_is_stored_written_out():
    outcome = rules.validate(DEFINITION, quiet_quarter(grants_total_pln="2.5E+3"), CTX)
    assert outcome.data["grants_total_pln"] == "2500"


def test_a_count_or_sum_filters_on_numbers_too_and_names_the_table_before_the_first_dot():
    followups = {"job_followups": [{"months": 12}, {"months": 6}, {"months": 12}]}
    assert rules.evaluate({"count": "job_followups", "where": {"months": 12}}, followups) == 2
    assert rules.evaluate({"sum": "grants.kwota.brutto"}, {"grants": [{"kwota.brutto": "5"}]}) == 5


def test_a_draft_with_an_unfinished_follow_up_row_shows_no_rule_problem():
    row = {"created_period": "2025-Q2", "months": 6, "jobs_kept": 2}
    assert problems_of({"job_followups": [row]}, draft_ctx()) == {}


def small_table(*row_rules: dict, **spec_fields) -> rules.TableSpec:
    columns = (
        rules.FieldSpec(name="a", type="integer", required=True),
        rules.FieldSpec(name="b", type="integer"),
        rules.FieldSpec(name="c", type="integer"),
    )
    return rules.TableSpec(name="t", label="t", columns=columns, row_rules=row_rules, **spec_fields)


def file_problems(table: rules.TableSpec, rows: list, **options) -> list[tuple[int | None, str, str]]:
    problems: list = []
    rules.validate_table(
        table,
        rows,
        CTX,
        "quarter",
        lambda i, c: (f"t.{i}.{c}", i + 2),
        problems=problems,
        references=[],
        **options,
    )
    return [(p.row, p.field, p.message) for p in problems]


def test_row_rules_without_their_own_message_say_what_is_missing():
    table = small_table(
        {"type": "require_any", "columns": ["b", "c"]},
        {"type": "required_unless", "column": "b", "columns": ["c"]},
        {"type": "compare", "left": {"add": ["a", 0]}, "op": "<=", "right": 5},
    )
    assert file_problems(table, [{"a": 7}]) == [
        (2, "t.0.b", "Podaj co najmniej jedno z: b, c."),
        (2, "t.0.c", "Pole jest wymagane."),
        (2, "t.0.row", "Warunek {'add': ['a', 0]} ≤ 5 nie jest spełniony."),
    ]


def test_problems_of_an_uploaded_table_carry_the_file_line():
    assert file_problems(small_table(), ["x", {"a": 1, "z": 2}, {"a": "y"}], from_text=True) == [
        (2, "t.0", "Wiersz tabeli musi być obiektem JSON."),
        (3, "t.1.z", "Nieznana kolumna."),
        (4, "t.2.a", "Oczekiwano liczby całkowitej, jest „y”."),
    ]
    assert file_problems(small_table(max_rows=1), [{"a": 1}, {"a": 2}]) == [
        (3, "t.1", "Tabela może mieć najwyżej 1 wierszy.")
    ]


def test_json_table_cells_are_typed_values_not_text():
    assert file_problems(small_table(), [{"a": "12"}]) == [(2, "t.0.a", "Oczekiwano liczby całkowitej.")]


def test_a_row_with_a_wrong_cell_is_not_also_called_a_repeat():
    services = DEFINITION.table("services")
    good = {"standard": "reintegration", "sessions": 2, "hours": 4, "participants": 9}
    assert file_problems(services, [good, {**good, "hours": None}]) == [
        (3, "t.1.hours", "Pole jest wymagane.")
    ]
    assert file_problems(services, [good, {**good, "hours": "dużo"}]) == [
        (3, "t.1.hours", "Oczekiwano liczby (np. 12.50), jest „dużo”.")
    ]
    supported = DEFINITION.table("supported_pes")
    row = {"kind": "association", "powiat_code": "0463", "count": 4}
    assert file_problems(supported, [row, row]) == [
        (3, "t.1.kind", "Powtórzony wiersz dla association, 0463 (jak wiersz 2).")
    ]


def test_every_wrong_field_and_table_of_a_report_is_reported_at_once():
    data = quiet_quarter(
        initiative_groups=-1,
        new_pes_created="dwa",
        jobs={"ps_organisation_id": 1},
        grants=[{"recipient_organisation_id": 0, "amount_pln": "100", "purpose": "new_jobs"}],
    )
    assert problems_of(data) == {
        "data.initiative_groups": "Wartość nie może być mniejsza niż 0.",
        "data.new_pes_created": "Oczekiwano liczby całkowitej.",
        "data.jobs": "Oczekiwano listy wierszy.",
        "data.grants.0.recipient_organisation_id": "Id organizacji w rejestrze to dodatnia liczba całkowita.",
    }
    outcome = rules.validate(DEFINITION, "treść", CTX)
    assert outcome.data == {} and outcome.references == []


def test_problems_are_named_under_the_prefix_the_caller_gives():
    problems = rules.validate(DEFINITION, quiet_quarter(new_jobs_total=1), CTX, prefix="report").problems
    assert [p.field for p in problems] == ["report.new_jobs_total"]


def test_rules_of_a_definition_without_messages_or_field_names_still_say_what_is_wrong():
    definition = parse_definition(
        {
            "code": "t",
            "version": 1,
            "title": "t",
            "period_type": "quarter",
            "fields": [{"name": "a", "type": "integer"}, {"name": "since", "type": "period"}],
            "tables": {
                "followups": {
                    "columns": [
                        {"name": "created_period", "type": "period"},
                        {"name": "jobs_created", "type": "integer"},
                    ]
                }
            },
            "rules": [
                {"id": "sum", "type": "compare", "left": {"add": ["a", 1]}, "op": "<", "right": 3},
                {
                    "id": "prior",
                    "type": "prior_le",
                    "table": "followups",
                    "period_column": "created_period",
                    "value_column": "jobs_created",
                },
            ],
        }
    )
    ctx = rules.Context(period=Q3, today=CTX.today, prior={"prior": {"2024-Q4": Decimal(1)}})
    outcome = rules.validate(
        definition,
        {"a": 2, "since": "2024-q4", "followups": [{"created_period": "2024-Q4", "jobs_created": 3}]},
        ctx,
    )
    assert outcome.data["since"] == "2024-Q4"
    assert [(p.field, p.message) for p in outcome.problems] == [
        ("data.", "Reguła niespełniona. (3 < 3 nie jest prawdą)"),
        ("data.followups.0.jobs_created", "Reguła niespełniona. (wykazano wtedy 1)."),
    ]
