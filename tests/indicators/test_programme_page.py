"""Staff load the regional programme from the page: a bad file shows every problem by row and
column and stores nothing; a good one is previewed, then loaded only when confirmed."""

from __future__ import annotations

import io
import re

import pytest

from ses.indicators.tables import ProgrammeIndicator

pytestmark = pytest.mark.anyio

GOOD = (
    b"code,name_pl,baseline,baseline_year,target,target_year,computed_from\n"
    b"rpes.ps,Aktywne PS,10,2022,30,2030,ps.active\n"
)
BAD = b"code,name_pl,target,colour,computed_from\nrpes.ps,Aktywne PS,30,blue,no.such\n"


async def test_preview_confirm_and_bad_files(client, staff, committee):
    assert (await client.get("/panel/program", headers=committee.headers)).status_code == 403
    page = await client.get("/panel/program", headers=staff.headers)
    assert page.status_code == 200 and "nie został jeszcze wczytany" in page.text
    bad = await client.post(
        "/panel/program", files={"file": ("program.csv", io.BytesIO(BAD))}, headers=staff.headers
    )
    assert bad.status_code == 422 and "colour" in bad.text and "Nic nie zostało zapisane" in bad.text
    unknown_ref = BAD.replace(b",colour", b"").replace(b",blue", b"")
    bad = await client.post(
        "/panel/program", files={"file": ("program.csv", io.BytesIO(unknown_ref))}, headers=staff.headers
    )
    assert bad.status_code == 422 and "no.such" in bad.text
    preview = await client.post(
        "/panel/program", files={"file": ("program.csv", io.BytesIO(GOOD))}, headers=staff.headers
    )
    assert preview.status_code == 200 and "Zatwierdź i wczytaj" in preview.text and "rpes.ps" in preview.text
    assert await ProgrammeIndicator.count() == 0
    token = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)  # type: ignore[union-attr]
    done = await client.post("/panel/program/potwierdz", data={"token": token}, headers=staff.headers)
    assert done.status_code == 303 and done.headers["location"] == "/panel/program?wczytano=1"
    assert await ProgrammeIndicator.count() == 1
    page = await client.get(done.headers["location"], headers=staff.headers)
    assert (
        page.status_code == 200
        and "Wczytano program regionalny (wskaźników: 1)." in page.text
        and "Aktywne PS" in page.text
    )
