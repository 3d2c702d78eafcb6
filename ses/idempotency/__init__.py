"""`Idempotency-Key` for POSTs, one mechanism for every package: a retried request gets the first
answer and changes nothing more.

How a package uses it (reporting, accreditation and network surveys do exactly this):

    # api.py (the handler): the key of this request, fingerprinted with what it sends
    key = idempotency.key_of(request, viewer.account_id, body_bytes_or_json)
    # services.py (the use case): the work runs in one write transaction, at most once per key
    answer = await idempotency.once(key, work)      # work() -> (status, body, resource id or None)
    return Response(answer.body, status_code=answer.status)

`ses.idempotency.services` holds the mechanism (no Litestar); `key_of` is the one helper that reads
the request (ses/idempotency/http.py).
"""

from ses.idempotency.http import key_of
from ses.idempotency.services import (
    ANSWER_FROM_CTE,
    Answer,
    Claim,
    ClaimedWork,
    Key,
    Work,
    answer_json,
    checked_once,
    lookup,
    make_key,
    once,
    to_json,
)

__all__ = [
    "ANSWER_FROM_CTE",
    "Answer",
    "Claim",
    "ClaimedWork",
    "Key",
    "Work",
    "answer_json",
    "checked_once",
    "key_of",
    "lookup",
    "make_key",
    "once",
    "to_json",
]
