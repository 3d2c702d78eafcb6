"""Small public endpoints: health and the code lists the API speaks."""

from __future__ import annotations

from typing import Any

from litestar import get

from ses.auth.policy import Role, allow
from ses.register.statuses import MACHINES, STATE_LABELS
from ses.register.vocab import ACTIVITY_STATE_LABELS, KIND_LABELS, KIND_LETTER, LEGAL_FORM_LABELS


@get("/health", guards=[allow(Role.PUBLIC)], tags=["System"], summary="Liveness")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@get("/api/v1/vocab", guards=[allow(Role.PUBLIC)], tags=["System"], summary="Code lists with Polish labels")
async def vocab() -> dict[str, Any]:
    return {
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
