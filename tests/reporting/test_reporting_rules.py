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


def test_demo_content_obeys_every_rule():
    rng = __import__("random").Random(1)
    for code in ("2024-Q1", "2024-Q2", "2025-Q4"):
        period = periods.parse(code, "quarter")
        data = __import__("ses.reporting.demo", fromlist=["demo_content"]).demo_content(period, 7, rng)
        outcome = rules.validate(DEFINITION, data, rules.Context(period=period, today=date(2026, 6, 1)))
        assert outcome.problems == []
