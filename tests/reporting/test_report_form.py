"""The report form (pure): form fields ↔ report content, and error paths ↔ inputs."""

from __future__ import annotations

from datetime import date

from ses.errors import FieldError
from ses.reporting import catalogue, form, rules
from ses.reporting.model import parse_definition
from ses.reporting.periods import parse

DEFINITION = parse_definition(next(d for d in catalogue.shipped_documents() if d["version"] == 1))


def test_typed_values_become_content_and_blank_rows_are_dropped():
    typed = {
        "f.pes_supported_total": " 1 200 ",
        "f.initiative_groups": "dwa",
        "f.grants_total_pln": "12,50",
        "f.remarks": "",
        "n.jobs": "3",
        "t.jobs.0.ps_organisation_id": "",
        "t.jobs.0.fte": "",
        "t.jobs.1.ps_organisation_id": "17",
        "t.jobs.1.fte": "0,5",
        "t.jobs.1.person_category": "at_risk",
        "t.jobs.2.fte": ["1", "ignored second value"],
        "n.job_followups": "1",
        "t.job_followups.0.months": "12",
    }
    values = form.from_form(DEFINITION, typed)
    assert values.tables["jobs"] == [
        {
            "ps_organisation_id": "17",
            "person_category": "at_risk",
            "fte": "0,5",
            "contract_type": "",
            "started_on": "",
        },
        {"ps_organisation_id": "", "person_category": "", "fte": "1", "contract_type": "", "started_on": ""},
    ]
    content = form.content_of(DEFINITION, values)
    assert content["pes_supported_total"] == 1200
    assert content["initiative_groups"] == "dwa"  # left as typed: the rules word the problem
    assert content["grants_total_pln"] == "12,50"
    assert "remarks" not in content
    assert content["jobs"] == [
        {"ps_organisation_id": 17, "person_category": "at_risk", "fte": "0,5"},
        {"fte": "1"},
    ]
    assert content["job_followups"] == [{"months": 12}]
    assert content["grants"] == []

    # The rules accept what the form produces, and word what they refuse.
    outcome = rules.validate(
        DEFINITION,
        content,
        rules.Context(period=parse("2025-Q1", "quarter"), today=date(2025, 5, 1), partial=True),
    )
    assert [(e.field, e.message) for e in outcome.problems] == [
        ("data.initiative_groups", "Oczekiwano liczby całkowitej.")
    ]
    assert outcome.data["grants_total_pln"] == "12.50" and outcome.data["jobs"][0]["fte"] == "0.5"


def test_stored_content_comes_back_as_the_same_form():
    stored = {
        "pes_supported_total": 3,
        "grants_total_pln": "1000.50",
        "jobs": [{"ps_organisation_id": 4, "fte": "1", "person_category": "other"}],
    }
    values = form.from_content(DEFINITION, stored)
    assert values.fields["pes_supported_total"] == "3" and values.fields["initiative_groups"] == ""
    assert (
        values.tables["jobs"][0]["ps_organisation_id"] == "4" and values.tables["jobs"][0]["started_on"] == ""
    )
    assert values.shown["jobs"] == 2 and values.shown["grants"] == 1  # a spare row under the filled ones
    assert len(values.rows("jobs")) == 2 and values.rows("jobs")[1] == {}
    assert form.content_of(DEFINITION, values)["jobs"] == [
        {"ps_organisation_id": 4, "fte": "1", "person_category": "other"}
    ]


def test_adding_rows_grows_only_that_table_and_is_bounded():
    values = form.from_form(DEFINITION, {"n.jobs": "2", "n.grants": "1"})
    grown = form.with_room(DEFINITION, values, add="jobs")
    assert grown.shown["jobs"] == 2 + form.ADD_ROWS and grown.shown["grants"] == 1
    huge = form.from_form(DEFINITION, {"n.jobs": "999999999"})
    assert huge.shown["jobs"] == form.MAX_SHOWN_ROWS
    assert form.from_form(DEFINITION, {"n.jobs": "-3"}).shown["jobs"] == 0


def test_error_paths_point_at_inputs_with_person_readable_labels():
    assert form.input_of("data.jobs.2.fte") == "t.jobs.2.fte"
    assert form.input_of("data.new_jobs_total") == "f.new_jobs_total"
    assert form.input_of("data.jobs.2.") == "t.jobs.2"
    assert form.input_of("data.jobs", DEFINITION) == "t.jobs"
    assert form.input_of("data.remarks", DEFINITION) == "f.remarks"
    assert form.input_of("period") == "period"
    summary, by_input = form.problems(
        DEFINITION,
        [
            FieldError("data.jobs.2.fte", "Wartość nie może być większa niż 1."),
            FieldError("data.new_jobs_at_risk", "Za dużo."),
            FieldError("owes_id", "Wybierz OWES."),
        ],
        {"owes_id": "OWES"},
    )
    assert [p.label for p in summary] == [
        "Nowe miejsca pracy w PS, wiersz 3: Wymiar etatu",
        DEFINITION.field("new_jobs_at_risk").label,
        "OWES",
    ]
    assert by_input["t.jobs.2.fte"] == ["Wartość nie może być większa niż 1."]
    assert form.input_id("t.jobs.2.fte") == "in-t-jobs-2-fte"


def test_choices_have_polish_labels():
    assert form.choice_label("social_cooperative") == "spółdzielnia socjalna"
    assert form.choice_label("employment") == "umowa o pracę"
    assert form.choice_label(12) == "12 miesięcy"
    assert form.choice_label("unknown_code") == "unknown_code"
    assert form.choice_label(True) == "true"


def test_rule_messages_name_no_english_code():
    """The definition's messages name tables, columns and choices by code; the form words them."""
    errors = [
        FieldError("data.new_jobs_total", DEFINITION.rules[1]["message"]),
        FieldError("data.new_jobs_at_risk", DEFINITION.rules[2]["message"]),
        FieldError("data.new_pes_created", DEFINITION.rules[4]["message"]),
        FieldError("data.new_entities.0", DEFINITION.table("new_entities").row_rules[0]["message"]),
    ]
    summary, _ = form.problems(DEFINITION, errors)
    words = [problem.message for problem in summary]
    assert (
        words[0]
        == "Liczba nowych miejsc pracy musi odpowiadać liczbie wierszy w tabeli „Nowe miejsca pracy w PS”."
    )
    assert "osoba zagrożona wykluczeniem społecznym lub osoba z niepełnosprawnością" in words[1]
    assert "„PES czy PS” = PES" in words[2]
    assert "(„Podmiot z rejestru (jeśli już w nim jest)”)" in words[3]
    for text in words:
        for code in ("jobs", "at_risk", "disabled", "new_entities", "entity", "organisation_id", " pes"):
            assert code not in text, (code, text)


def test_units_take_the_polish_form_of_their_number():
    from ses.reporting import units
    from ses.reporting.model import FieldSpec

    count = FieldSpec(name="count", type="integer", unit="podmioty")
    shown = [units.unit_of(count, None, typed).shown for typed in ("1", "2", "5", "12", "22", "104", "")]
    assert shown == ["podmiot", "podmioty", "podmiotów", "podmiotów", "podmioty", "podmioty", "podmiotów"]
    fte = DEFINITION.table("jobs").column("fte")
    assert [units.unit_of(fte, "jobs", typed).shown for typed in ("1", "0,5")] == ["etat", "etatu"]
    hours = DEFINITION.table("services").column("hours")
    assert [units.unit_of(hours, "services", typed).shown for typed in ("1", "3,5", "5")] == [
        "godzina",
        "godziny",
        "godzin",
    ]
    assert units.unit_of(DEFINITION.field("grants_total_pln"), None, "12,50").shown == "zł"
    assert units.unit_of(DEFINITION.table("job_followups").column("months"), "job_followups", "6") is None
