"""Checklist templates (OWES standards) as versioned data.

A template is what staff load from a YAML or JSON file when a new call brings a new annex of
standards: Template → Part (formal-organisational | substantive) → Area → Criterion. The models are
frozen pydantic models in strict mode, so a `Template` instance is always valid: every rule that the
file must obey (unique codes, codes matching their area and part, points only with points scoring)
is checked on construction, and `load_template` turns any failure into a `TemplateError` whose
issues name the field path in the file (e.g. ``parts[1].areas[0].criteria[2].max_points``) with a
Polish message that staff can act on.

Pure module: no database, no web framework.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal, NamedTuple

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

__all__ = [
    "VERIFICATION_METHOD_LABELS",
    "PART_KIND_LABELS",
    "SHIPPED_TEMPLATES",
    "Area",
    "Criterion",
    "Part",
    "PlacedCriterion",
    "Template",
    "TemplateError",
    "TemplateFormat",
    "TemplateIssue",
    "criterion_index",
    "dump_template",
    "iter_criteria",
    "load_shipped_template",
    "load_template",
    "load_template_file",
    "must_hold_codes",
]

VerificationMethod = Literal["desk_review", "site_visit", "interview", "register_check"]
Scoring = Literal["yes_no", "points"]
PartKind = Literal["formal_organisational", "substantive"]
TemplateStatus = Literal["working", "official"]
TemplateFormat = Literal["yaml", "json"]

VERIFICATION_METHOD_LABELS: dict[str, str] = {
    "desk_review": "analiza dokumentów",
    "site_visit": "wizyta w siedzibie",
    "interview": "wywiad",
    "register_check": "sprawdzenie w rejestrze",
}
PART_KIND_LABELS: dict[str, str] = {
    "formal_organisational": "standardy formalno-organizacyjne",
    "substantive": "standardy merytoryczne",
}

# Templates shipped inside the package, by name (file stem in accreditation/standards/).
SHIPPED_TEMPLATES: tuple[str, ...] = ("owes_standards_working",)

_PART_CODE = re.compile(r"^[A-Z]{1,4}$")
_AREA_CODE = re.compile(r"^[A-Z]{1,4}\.[1-9][0-9]*$")
_CRITERION_CODE = re.compile(r"^[A-Z]{1,4}\.[1-9][0-9]*\.[1-9][0-9]*$")
_TEMPLATE_CODE = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")

# Error type used to carry our own rule violations through pydantic with a relative field path.
_RULES = "ses_template_rules"


def _rule_error(issues: Sequence[tuple[str, str]]) -> PydanticCustomError:
    """One pydantic error carrying several (relative path, Polish message) issues."""
    summary = "; ".join(f"{path}: {message}" if path else message for path, message in issues)
    return PydanticCustomError(_RULES, "{summary}", {"summary": summary, "issues": tuple(issues)})


def _code_error(value: str, what: str, example: str) -> PydanticCustomError:
    return _rule_error([("", f"{what} „{value}” ma niepoprawny format (oczekiwano np. „{example}”)")])


def _repeated(what: str, code: str, first_path: str) -> str:
    return f"kod {what} „{code}” powtórzony (pierwszy raz w {first_path})"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, str_strip_whitespace=True)


class Criterion(_Model):
    """One standard to verify, e.g. ``I.3.2`` with its requirement text in Polish."""

    code: str
    requirement: str = Field(min_length=1)
    verification_methods: list[VerificationMethod] = Field(min_length=1)
    evidence_types: list[str] = Field(default_factory=list)
    whole_period: bool = False
    scoring: Scoring = "yes_no"
    max_points: int | None = None
    weight: float = Field(default=1.0, gt=0)
    legal_reference: str | None = None

    @field_validator("code")
    @classmethod
    def _code_format(cls, value: str) -> str:
        if not _CRITERION_CODE.match(value):
            raise _code_error(value, "Kod kryterium", "I.3.2")
        return value

    @model_validator(mode="after")
    def _rules(self) -> Criterion:
        issues: list[tuple[str, str]] = []
        seen: set[str] = set()
        for i, method in enumerate(self.verification_methods):
            if method in seen:
                issues.append((f"verification_methods[{i}]", f"sposób weryfikacji „{method}” powtórzony"))
            seen.add(method)
        seen_evidence: set[str] = set()
        for i, evidence in enumerate(self.evidence_types):
            if not evidence.strip():
                issues.append((f"evidence_types[{i}]", "rodzaj dowodu nie może być pusty"))
            elif evidence in seen_evidence:
                issues.append((f"evidence_types[{i}]", f"rodzaj dowodu „{evidence}” powtórzony"))
            seen_evidence.add(evidence)
        if self.scoring == "points":
            if self.max_points is None:
                issues.append(("max_points", "przy ocenie punktowej (scoring: points) podaj max_points"))
            elif self.max_points <= 0:
                issues.append(("max_points", "max_points musi być większe od zera"))
        elif self.max_points is not None:
            issues.append(
                ("max_points", "max_points wolno podać tylko przy ocenie punktowej (scoring: points)")
            )
        if issues:
            raise _rule_error(issues)
        return self


class Area(_Model):
    """An area of standards, e.g. ``I.3`` "Kadra OWES"."""

    code: str
    title: str = Field(min_length=1)
    criteria: list[Criterion] = Field(min_length=1)

    @field_validator("code")
    @classmethod
    def _code_format(cls, value: str) -> str:
        if not _AREA_CODE.match(value):
            raise _code_error(value, "Kod obszaru", "I.3")
        return value

    @model_validator(mode="after")
    def _criteria_belong_here(self) -> Area:
        issues = [
            (
                f"criteria[{i}].code",
                f"kod kryterium „{c.code}” nie należy do obszaru „{self.code}” "
                f"(powinien mieć postać „{self.code}.<numer>”)",
            )
            for i, c in enumerate(self.criteria)
            if c.code.rsplit(".", 1)[0] != self.code
        ]
        if issues:
            raise _rule_error(issues)
        return self


class Part(_Model):
    """A part of the standards: formal-organisational or substantive."""

    code: str
    kind: PartKind
    title: str = Field(min_length=1)
    areas: list[Area] = Field(min_length=1)

    @field_validator("code")
    @classmethod
    def _code_format(cls, value: str) -> str:
        if not _PART_CODE.match(value):
            raise _code_error(value, "Kod części", "I")
        return value

    @model_validator(mode="after")
    def _areas_belong_here(self) -> Part:
        issues = [
            (
                f"areas[{i}].code",
                f"kod obszaru „{a.code}” nie należy do części „{self.code}” "
                f"(powinien mieć postać „{self.code}.<numer>”)",
            )
            for i, a in enumerate(self.areas)
            if a.code.split(".", 1)[0] != self.code
        ]
        if issues:
            raise _rule_error(issues)
        return self


class Template(_Model):
    """A versioned checklist template, e.g. the OWES standards annexed to one call."""

    code: str
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    status: TemplateStatus
    legal_basis: str = Field(min_length=1)
    source: str | None = None
    notes: str | None = None
    parts: list[Part] = Field(min_length=1)

    @field_validator("code")
    @classmethod
    def _code_format(cls, value: str) -> str:
        if not _TEMPLATE_CODE.match(value):
            raise _rule_error(
                [("", f"kod szablonu „{value}” może zawierać tylko małe litery, cyfry, „-” i „_”")]
            )
        return value

    @model_validator(mode="after")
    def _unique_codes(self) -> Template:
        issues: list[tuple[str, str]] = []
        parts: dict[str, str] = {}
        areas: dict[str, str] = {}
        criteria: dict[str, str] = {}
        for p, part in enumerate(self.parts):
            path = f"parts[{p}]"
            if part.code in parts:
                issues.append((f"{path}.code", _repeated("części", part.code, parts[part.code])))
            parts.setdefault(part.code, path)
            for a, area in enumerate(part.areas):
                apath = f"{path}.areas[{a}]"
                if area.code in areas:
                    issues.append((f"{apath}.code", _repeated("obszaru", area.code, areas[area.code])))
                areas.setdefault(area.code, apath)
                for c, criterion in enumerate(area.criteria):
                    cpath = f"{apath}.criteria[{c}]"
                    if criterion.code in criteria:
                        first = criteria[criterion.code]
                        issues.append((f"{cpath}.code", _repeated("kryterium", criterion.code, first)))
                    criteria.setdefault(criterion.code, cpath)
        if issues:
            raise _rule_error(issues)
        return self

    # Convenience look-ups used by services and rules.

    def criterion(self, code: str) -> Criterion:
        """The criterion with this code; KeyError (Polish message) when the template has none."""
        try:
            return criterion_index(self)[code].criterion
        except KeyError:
            message = f"Szablon „{self.code}” w wersji {self.version} nie zawiera kryterium „{code}”"
            raise KeyError(message) from None

    @property
    def criterion_codes(self) -> tuple[str, ...]:
        return tuple(placed.criterion.code for placed in iter_criteria(self))

    @property
    def max_total_points(self) -> int:
        """Sum of max_points over criteria scored in points (0 when all are yes/no)."""
        return sum(c.criterion.max_points or 0 for c in iter_criteria(self))


class PlacedCriterion(NamedTuple):
    """A criterion together with the part and area it belongs to."""

    part: Part
    area: Area
    criterion: Criterion


def iter_criteria(template: Template) -> Iterator[PlacedCriterion]:
    """Every criterion of the template in document order, with its part and area."""
    for part in template.parts:
        for area in part.areas:
            for criterion in area.criteria:
                yield PlacedCriterion(part, area, criterion)


def criterion_index(template: Template) -> dict[str, PlacedCriterion]:
    """Criteria by code (codes are unique within a template)."""
    return {placed.criterion.code: placed for placed in iter_criteria(template)}


def must_hold_codes(template: Template) -> frozenset[str]:
    """Codes of the criteria that must hold for the whole accreditation period."""
    return frozenset(p.criterion.code for p in iter_criteria(template) if p.criterion.whole_period)


# ---------------------------------------------------------------------------------------------
# Errors with field paths


@dataclass(frozen=True)
class TemplateIssue:
    """One problem in a template file: where it is and what is wrong (Polish)."""

    path: str
    message: str
    where: str | None = None  # human hint, e.g. "kryterium I.3.2"

    def __str__(self) -> str:
        location = self.path or "(cały plik)"
        if self.where:
            location = f"{location} [{self.where}]"
        return f"{location}: {self.message}"


class TemplateError(ValueError):
    """A template file that cannot be loaded; `issues` lists every problem found."""

    def __init__(self, issues: Sequence[TemplateIssue]) -> None:
        self.issues: tuple[TemplateIssue, ...] = tuple(issues)
        header = f"Szablonu listy kontrolnej nie można wczytać ({_count_errors(len(self.issues))}):"
        super().__init__("\n".join([header, *(f"- {issue}" for issue in self.issues)]))


def _count_errors(count: int) -> str:
    """Polish plural: 1 błąd, 2–4 błędy, 5+ błędów (12–14 błędów)."""
    if count == 1:
        return "1 błąd"
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return f"{count} błędy"
    return f"{count} błędów"


_PYDANTIC_MESSAGES: dict[str, str] = {
    "missing": "pole jest wymagane",
    "extra_forbidden": "nieznane pole (sprawdź pisownię nazwy pola)",
    "string_type": 'oczekiwano tekstu (w YAML ujmij wartość w cudzysłów, np. "1.0")',
    "string_too_short": "tekst nie może być pusty",
    "bool_type": "oczekiwano wartości logicznej true albo false",
    "int_type": "oczekiwano liczby całkowitej",
    "float_type": "oczekiwano liczby",
    "list_type": "oczekiwano listy",
    "dict_type": "oczekiwano obiektu (zestawu pól)",
    "model_type": "oczekiwano obiektu (zestawu pól)",
    "model_attributes_type": "oczekiwano obiektu (zestawu pól)",
    "none_required": "pole musi być puste",
}

_LITERAL_HINTS: dict[str, str] = {
    "verification_methods": "desk_review, site_visit, interview, register_check",
    "scoring": "yes_no, points",
    "kind": "formal_organisational, substantive",
    "status": "working, official",
}


def _path(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _where(data: Any, loc: Sequence[str | int]) -> str | None:
    """A human hint ("kryterium I.3.2") found by walking the raw input along the error path."""
    hint: str | None = None
    node = data
    names = {"parts": "część", "areas": "obszar", "criteria": "kryterium"}
    for i, part in enumerate(loc):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(part, int) and i > 0 and isinstance(node, dict):
            code = node.get("code")
            label = names.get(str(loc[i - 1]))
            if label and isinstance(code, str):
                hint = f"{label} {code}"
    return hint


def _message(error: Any, field: str) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "literal_error":
        allowed = _LITERAL_HINTS.get(field, str(ctx.get("expected", "")))
        return f"niedozwolona wartość {error['input']!r}; dozwolone: {allowed}"
    if kind == "greater_than":
        return f"wartość musi być większa niż {ctx.get('gt')}"
    if kind == "too_short":
        return "lista nie może być pusta"
    if kind in _PYDANTIC_MESSAGES:
        return _PYDANTIC_MESSAGES[kind]
    return f"niepoprawna wartość ({error.get('msg', kind)})"


def _issues_from(exc: ValidationError, data: Any) -> list[TemplateIssue]:
    issues: list[TemplateIssue] = []
    for error in exc.errors():
        loc = list(error["loc"])
        if error["type"] == _RULES:
            for relative, message in error["ctx"]["issues"]:
                full = loc + _split_relative(relative)
                issues.append(TemplateIssue(_path(full), message, _where(data, full)))
            continue
        # Strip pydantic's tag for literal lists etc. so the path is the file's path.
        field = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
        issues.append(TemplateIssue(_path(loc), _message(error, field), _where(data, loc)))
    return issues


def _split_relative(relative: str) -> list[str | int]:
    out: list[str | int] = []
    for token in re.findall(r"[^.\[\]]+|\[\d+\]", relative):
        out.append(int(token[1:-1]) if token.startswith("[") else token)
    return out


# ---------------------------------------------------------------------------------------------
# Load / dump


def _parse(text: str, fmt: TemplateFormat) -> Any:
    if fmt == "yaml":
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" w wierszu {mark.line + 1}, kolumnie {mark.column + 1}" if mark else ""
            problem = getattr(exc, "problem", None) or str(exc)
            raise TemplateError([TemplateIssue("", f"błąd składni YAML{where}: {problem}")]) from exc
    if fmt == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            message = f"błąd składni JSON w wierszu {exc.lineno}, kolumnie {exc.colno}: {exc.msg}"
            raise TemplateError([TemplateIssue("", message)]) from exc
    raise ValueError(f"Nieznany format szablonu „{fmt}”; dozwolone: yaml, json")


def load_template(text: str, fmt: TemplateFormat = "yaml") -> Template:
    """Parse and validate a template; raises `TemplateError` listing every problem with its path."""
    data = _parse(text, fmt)
    if not isinstance(data, dict):
        message = "plik musi zawierać obiekt z polami szablonu (code, version, title, …)"
        raise TemplateError([TemplateIssue("", message)])
    try:
        return Template.model_validate(data)
    except ValidationError as exc:
        raise TemplateError(_issues_from(exc, data)) from exc


def load_template_file(path: str | Path) -> Template:
    """Load a template from a .yaml/.yml or .json file."""
    p = Path(path)
    fmt: TemplateFormat = "json" if p.suffix.lower() == ".json" else "yaml"
    return load_template(p.read_text(encoding="utf-8"), fmt)


def load_shipped_template(name: str = "owes_standards_working") -> Template:
    """A template shipped with the package (see `SHIPPED_TEMPLATES`)."""
    if name not in SHIPPED_TEMPLATES:
        raise KeyError(f"Nie ma wbudowanego szablonu „{name}”; dostępne: {', '.join(SHIPPED_TEMPLATES)}")
    text = resources.files("accreditation").joinpath("standards", f"{name}.yaml").read_text(encoding="utf-8")
    return load_template(text, "yaml")


class _IndentedDumper(yaml.SafeDumper):
    """Indent list items under their key, which is how people write YAML by hand."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_IndentedDumper.add_representer(str, _str_representer)


def dump_template(template: Template, fmt: TemplateFormat = "yaml") -> str:
    """Serialise a template; `load_template(dump_template(t, fmt), fmt) == t` for both formats."""
    data = template.model_dump(mode="json")
    if fmt == "yaml":
        return yaml.dump(
            data, Dumper=_IndentedDumper, allow_unicode=True, sort_keys=False, width=100, indent=2
        )
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    raise ValueError(f"Nieznany format szablonu „{fmt}”; dozwolone: yaml, json")
