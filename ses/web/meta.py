"""Small public endpoints: health and the code lists the API speaks."""

from __future__ import annotations

from litestar import get
from pydantic import BaseModel, Field

from ses.auth.policy import Role, allow
from ses.register.statuses import MACHINES, STATE_LABELS
from ses.register.vocab import ACTIVITY_STATE_LABELS, KIND_LABELS, KIND_LETTER, LEGAL_FORM_LABELS


class Health(BaseModel):
    status: str = Field(description="`ok` while the process answers")


class Code(BaseModel):
    code: str
    label: str


class KindCode(Code):
    pes_letter: str | None = Field(description="The PES letter of the kind, if it is one")


class StatusMachine(BaseModel):
    label: str
    initial: list[str] = Field(description="States a status of this type can be recorded in")
    transitions: dict[str, list[str]] = Field(description="State → the states it may move to")
    valid_years: int | None


class Vocabulary(BaseModel):
    kinds: list[KindCode]
    legal_forms: list[Code]
    activity_states: list[Code]
    statuses: dict[str, StatusMachine] = Field(description="Status type → its state machine")
    state_labels: dict[str, str]


@get("/health", guards=[allow(Role.PUBLIC)], tags=["System"], summary="Liveness")
async def health() -> Health:
    return {"status": "ok"}  # type: ignore[return-value]


@get("/api/v1/vocab", guards=[allow(Role.PUBLIC)], tags=["System"], summary="Code lists with Polish labels")
async def vocab() -> Vocabulary:
    return {  # type: ignore[return-value]
        "kinds": [
            {
                "code": kind.value,
                "label": label,
                "pes_letter": (KIND_LETTER[kind].value if kind in KIND_LETTER else None),
            }
            for kind, label in KIND_LABELS.items()
        ],
        "legal_forms": [{"code": form.value, "label": label} for form, label in LEGAL_FORM_LABELS.items()],
        "activity_states": [
            {"code": state.value, "label": label} for state, label in ACTIVITY_STATE_LABELS.items()
        ],
        "statuses": {
            status_type.value: {
                "label": machine.label,
                "initial": sorted(machine.initial),
                "transitions": {state: sorted(targets) for state, targets in machine.transitions.items()},
                "valid_years": machine.valid_years,
            }
            for status_type, machine in MACHINES.items()
        },
        "state_labels": STATE_LABELS,
    }
