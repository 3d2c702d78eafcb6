"""Checklist templates: the shipped working standards, round-trips, and errors that name the field."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import yaml

from accreditation.checklists import (
    Template,
    TemplateError,
    criterion_index,
    dump_template,
    iter_criteria,
    load_template,
    must_hold_codes,
)


def _minimal() -> dict[str, Any]:
    return {
        "code": "test",
        "version": "1",
        "title": "Szablon testowy",
        "status": "official",
        "legal_basis": "art. 36 ustawy o ekonomii społecznej",
        "parts": [
            {
                "code": "I",
                "kind": "formal_organisational",
                "title": "Standardy formalno-organizacyjne",
                "areas": [
                    {
                        "code": "I.1",
                        "title": "Kadra",
                        "criteria": [
                            {
                                "code": "I.1.1",
                                "requirement": "OWES zatrudnia kadrę kluczową.",
                                "verification_methods": ["desk_review"],
                                "whole_period": True,
                            },
                            {
                                "code": "I.1.2",
                                "requirement": "Ocena okresowa kadry.",
                                "verification_methods": ["desk_review", "interview"],
                                "scoring": "points",
                                "max_points": 4,
                                "weight": 2.5,
                            },
                        ],
                    }
                ],
            }
        ],
    }


def _errors(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(TemplateError) as caught:
        load_template(json.dumps(data), "json")
    return {issue.path: issue.message for issue in caught.value.issues}


def test_shipped_template_is_a_working_version_with_both_parts_and_five_services(
    shipped_template: Template,
) -> None:
    assert shipped_template.status == "working"
    assert "ROBOCZA" in (shipped_template.notes or "")
    kinds = [part.kind for part in shipped_template.parts]
    assert kinds == ["formal_organisational", "substantive"]
    formal, substantive = shipped_template.parts
    assert [a.title for a in formal.areas] == [
        "Doświadczenie wnioskodawcy",
        "Organizacja OWES",
        "Kadra OWES świadcząca usługi wsparcia PES",
    ]
    assert len(substantive.areas) == 5
    titles = " | ".join(a.title for a in substantive.areas).lower()
    for service in (
        "animacja lokalna",
        "tworzenie",
        "reintegr",
        "zamówieniach publicznych",
        "wsparcie biznesowe",
    ):
        assert service in titles
    criteria = list(iter_criteria(shipped_template))
    assert 50 <= len(criteria) <= 60
    # Formal-organisational standards must hold for the whole accreditation period.
    assert must_hold_codes(shipped_template) == {p.criterion.code for p in criteria if p.part.code == "I"}
    staff = criterion_index(shipped_template)
    assert (
        "ocen" in staff["I.3.6"].criterion.requirement
        and "plan rozwoju" in staff["I.3.7"].criterion.requirement
    )


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_round_trip_is_exact(shipped_template: Template, fmt: str) -> None:
    text = dump_template(shipped_template, fmt)  # type: ignore[arg-type]
    again = load_template(text, fmt)  # type: ignore[arg-type]
    assert again == shipped_template
    assert dump_template(again, fmt) == text  # type: ignore[arg-type]


def test_yaml_and_json_carry_the_same_template() -> None:
    template = Template.model_validate(_minimal())
    via_json = load_template(dump_template(template, "json"), "json")
    via_yaml = load_template(dump_template(via_json, "yaml"), "yaml")
    assert via_yaml == template
    assert via_yaml.max_total_points == 4
    assert "ą" in dump_template(template, "yaml") or "ę" in dump_template(template, "yaml")  # not escaped


def test_unknown_field_and_bad_value_are_named_by_path() -> None:
    data = _minimal()
    criterion = data["parts"][0]["areas"][0]["criteria"][0]
    criterion["verification_methods"] = ["desk_review", "telefon"]
    criterion["wymog"] = "literówka"
    errors = _errors(data)
    path = "parts[0].areas[0].criteria[0]"
    assert (
        "dozwolone: desk_review, site_visit, interview, register_check"
        in errors[f"{path}.verification_methods[1]"]
    )
    assert "nieznane pole" in errors[f"{path}.wymog"]


def test_max_points_only_with_points_scoring() -> None:
    data = _minimal()
    data["parts"][0]["areas"][0]["criteria"][0]["max_points"] = 3
    del data["parts"][0]["areas"][0]["criteria"][1]["max_points"]
    errors = _errors(data)
    assert "tylko przy ocenie punktowej" in errors["parts[0].areas[0].criteria[0].max_points"]
    assert "podaj max_points" in errors["parts[0].areas[0].criteria[1].max_points"]


def test_codes_must_match_their_area_and_part_and_be_unique() -> None:
    data = _minimal()
    data["parts"][0]["areas"][0]["criteria"][1]["code"] = "I.2.1"
    errors = _errors(data)
    assert "nie należy do obszaru „I.1”" in errors["parts[0].areas[0].criteria[1].code"]

    data = _minimal()
    data["parts"][0]["areas"][0]["criteria"][1]["code"] = "I.1.1"
    errors = _errors(data)
    assert "powtórzony" in errors["parts[0].areas[0].criteria[1].code"]

    data = _minimal()
    second = copy.deepcopy(data["parts"][0])
    second["code"] = "II"
    second["kind"] = "substantive"
    second["areas"][0]["code"] = "I.1"
    data["parts"].append(second)
    errors = _errors(data)
    assert "nie należy do części „II”" in errors["parts[1].areas[0].code"]

    data = _minimal()
    data["parts"][0]["areas"][0]["criteria"][0]["code"] = "I-1-1"
    errors = _errors(data)
    assert "niepoprawny format" in errors["parts[0].areas[0].criteria[0].code"]


def test_error_message_is_polish_and_points_at_the_criterion() -> None:
    data = _minimal()
    data["parts"][0]["areas"][0]["criteria"][1]["whole_period"] = "tak"
    with pytest.raises(TemplateError) as caught:
        load_template(yaml.safe_dump(data, allow_unicode=True))
    message = str(caught.value)
    assert "nie można wczytać (1 błąd)" in message
    assert "parts[0].areas[0].criteria[1].whole_period [kryterium I.1.2]" in message
    assert "true albo false" in message


def test_unquoted_version_number_and_syntax_errors_are_explained() -> None:
    data = _minimal()
    text = yaml.safe_dump(data, allow_unicode=True).replace("version: '1'", "version: 1.0")
    assert _issue_paths(text) == {
        "version": 'oczekiwano tekstu (w YAML ujmij wartość w cudzysłów, np. "1.0")'
    }
    with pytest.raises(TemplateError, match="błąd składni YAML w wierszu 2"):
        load_template("code: x\n  - zły: [wcięcie")
    with pytest.raises(TemplateError, match="błąd składni JSON"):
        load_template("{", "json")
    with pytest.raises(TemplateError, match="plik musi zawierać obiekt"):
        load_template("- a\n- b\n")


def _issue_paths(text: str) -> dict[str, str]:
    with pytest.raises(TemplateError) as caught:
        load_template(text)
    return {issue.path: issue.message for issue in caught.value.issues}


def test_template_is_immutable_and_rejects_unknown_criterion(shipped_template: Template) -> None:
    with pytest.raises(KeyError, match="nie zawiera kryterium „IX.1.1”"):
        shipped_template.criterion("IX.1.1")
    with pytest.raises(ValueError):
        shipped_template.parts[0].areas[0].criteria[0].code = "I.1.9"  # type: ignore[misc]
