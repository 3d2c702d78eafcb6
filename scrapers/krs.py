"""KRS open API (Ministry of Justice): the current extract of a number, and the bulletins.

`fetch_*` talk HTTP and return what came back, untouched; `parse_*` are pure and turn a payload
into plain values for the register. Format: shared reference "data-sources" §1 (recorded answers
in tests/fixtures/krs).

KRS numbers carry no check digit (the Ministry hands them out in sequence): a number is refused
when it is not 1–10 digits or is all zeros. NIP and REGON inside an extract are checked with
python-stdnum, and a wrong check digit is reported on the record instead of being proposed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx

from ses.register.identifiers import nip_problem, regon_problem
from ses.register.vocab import Kind, LegalForm
from ses.text import fold

REGISTERS = ("P", "S")


class BadNumber(ValueError):
    """A KRS number that cannot be a KRS number."""


def normalise_number(value: Any) -> str:
    """'30897', ' 0000030897 ' → '0000030897'; anything else is refused with a Polish message."""
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        raise BadNumber(f"„{text}” nie jest numerem KRS (do 10 cyfr).")
    if int(text) == 0:
        raise BadNumber("Numer KRS nie może składać się z samych zer.")
    return text.zfill(10)


# ---------------------------------------------------------------------------------------- fetching


@dataclass(frozen=True)
class Fetched:
    """What the source answered for one number."""

    number: str
    outcome: str
    """found | deregistered (204) | not_found (404 in both registers)"""
    register: str | None = None
    status: int = 200
    text: str = ""


async def fetch_extract(client: httpx.AsyncClient, number: str, first: str = "P") -> Fetched:
    """The current extract, asking register `first` and then the other (a number lives in one).

    Raises httpx errors (after the client's retries) for timeouts, 5xx and the like: the caller
    records them against the number.
    """
    order = (first, *[r for r in REGISTERS if r != first])
    last = 404
    for register in order:
        # the query written out: httpx merging a params dict costs more than the parse of the answer
        response = await client.get(f"/OdpisAktualny/{number}?rejestr={register}&format=json")
        if response.status_code == 200:
            return Fetched(number, "found", register, 200, response.text)
        if response.status_code == 204:
            return Fetched(number, "deregistered", register, 204, "")
        if response.status_code != 404:
            response.raise_for_status()
        last = response.status_code
    return Fetched(number, "not_found", None, last, "")


async def fetch_bulletin(
    client: httpx.AsyncClient, day: date, hours: tuple[int, int] | None = None
) -> list[str]:
    """KRS numbers with entries on `day` (or within an hour window of it); 204/404 mean none."""
    if hours is None:
        response = await client.get(f"/Biuletyn/{day.isoformat()}")
    else:
        response = await client.get(
            f"/BiuletynGodzinowy/{day.isoformat()}", params={"godzinaOd": hours[0], "godzinaDo": hours[1]}
        )
    if response.status_code in (204, 404):
        return []
    response.raise_for_status()
    return parse_bulletin(response.text)


# ----------------------------------------------------------------------------------------- parsing


class MalformedPayload(ValueError):
    """The source answered 200 with something that is not an extract (truncated, wrong shape)."""


def parse_bulletin(text: str) -> list[str]:
    """Unique KRS numbers, zero-padded, in first-seen order; entries that are no number are dropped."""
    try:
        values = json.loads(text)
    except json.JSONDecodeError as error:
        raise MalformedPayload(f"Biuletyn KRS nie jest poprawnym JSON-em ({error.msg}).") from error
    if not isinstance(values, list):
        raise MalformedPayload("Biuletyn KRS nie jest listą numerów.")
    seen: dict[str, None] = {}
    for value in values:
        try:
            seen.setdefault(normalise_number(value), None)
        except BadNumber:
            continue
    return list(seen)


@dataclass
class Seat:
    voivodeship: str = ""
    powiat: str = ""
    gmina: str = ""
    locality: str = ""


@dataclass
class KrsExtract:
    """One current extract, in the register's terms."""

    krs: str
    register: str
    name: str
    legal_form_text: str
    legal_form: str
    kind: str
    nip: str | None
    regon: str | None
    """9 digits (the register's form); KRS gives 14: the entity's 9 padded with five zeros."""
    regon14: str | None
    opp: bool
    pkd: list[str]
    seat: Seat
    street: str | None
    postal_code: str | None
    locality: str | None
    email: str | None
    website: str | None
    registered_on: date | None
    as_of: date | None
    in_liquidation: bool
    problems: list[str] = field(default_factory=list)

    def register_values(self) -> dict[str, Any]:
        """The register's fields this extract speaks for (the gmina is resolved separately)."""
        values: dict[str, Any] = {
            "name": self.name,
            "legal_form": self.legal_form,
            "krs": self.krs,
            "nip": self.nip,
            "regon": self.regon,
            "locality": self.locality,
            "street": self.street,
            "postal_code": self.postal_code,
            "email": self.email,
            "website": self.website,
            "registered_on": self.registered_on,
        }
        if self.in_liquidation:
            values["activity_state"] = "in_liquidation"
        return {key: value for key, value in values.items() if value not in (None, "")}


LEGAL_FORMS = {
    "fundacja": LegalForm.FOUNDATION,
    "stowarzyszenie": LegalForm.ASSOCIATION,
    "stowarzyszenie kultury fizycznej": LegalForm.ASSOCIATION,
    "spoldzielnia": LegalForm.COOPERATIVE,
    "spolka z ograniczona odpowiedzialnoscia": LegalForm.LIMITED_COMPANY,
    "spolka akcyjna": LegalForm.JOINT_STOCK_COMPANY,
    "koscielna osoba prawna": LegalForm.CHURCH_LEGAL_PERSON,
    "zwiazek stowarzyszen": LegalForm.ASSOCIATION,
}


def _kind(form: LegalForm, name_folded: str) -> Kind:
    """A first guess of the kind of a new organisation (staff confirm it when they accept it)."""
    if form is LegalForm.FOUNDATION:
        return Kind.FOUNDATION
    if form is LegalForm.ASSOCIATION:
        if "ochotnicza straz pozarna" in name_folded:
            return Kind.OSP
        return Kind.ASSOCIATION
    if form is LegalForm.COOPERATIVE:
        if "socjaln" in name_folded:
            return Kind.SOCIAL_COOPERATIVE
        if "inwalid" in name_folded or "niewidom" in name_folded:
            return Kind.DISABLED_COOPERATIVE
        if "produkcji rolnej" in name_folded:
            return Kind.AGRICULTURAL_COOPERATIVE
        return Kind.WORK_COOPERATIVE
    if form is LegalForm.CHURCH_LEGAL_PERSON:
        return Kind.CHURCH_ENTITY
    if form in (LegalForm.LIMITED_COMPANY, LegalForm.JOINT_STOCK_COMPANY):
        return Kind.NONPROFIT_COMPANY if "non profit" in name_folded.replace("-", " ") else Kind.BUSINESS
    return Kind.OTHER_NGO


def _date(value: Any) -> date | None:
    if not value:
        return None
    try:
        # DD.MM.YYYY sliced by hand: strptime cost a tenth of the parse (benchmarks/krs_sync.py)
        text = str(value).strip()
        if len(text) < 10 or text[2] != "." or text[5] != ".":
            return None
        return date(int(text[6:10]), int(text[3:5]), int(text[:2]))
    except ValueError:
        return None


_SMALL_WORDS = {"ul.": "ul.", "al.": "al.", "pl.": "pl.", "os.": "os.", "i": "i", "w": "w", "nad": "nad"}


def title(text: str | None) -> str | None:
    """'UL. DOMINIKAŃSKA' → 'ul. Dominikańska' (KRS writes every name in capitals)."""
    if not text:
        return None
    words = []
    for index, word in enumerate(" ".join(str(text).split()).split(" ")):
        lowered = word.lower()
        if lowered in _SMALL_WORDS and (index > 0 or lowered.endswith(".")):
            words.append(_SMALL_WORDS[lowered])
        else:
            words.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
    return " ".join(words)


def _street(address: Mapping[str, Any]) -> str | None:
    street = title(address.get("ulica")) or title(address.get("miejscowosc"))
    number = " ".join(str(address.get("nrDomu") or "").split())
    if address.get("nrLokalu"):
        number += f"/{str(address['nrLokalu']).strip()}"
    text = " ".join(part for part in (street, number) if part)
    return text[:200] or None


def _pkd(section: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    activity = section.get("przedmiotDzialalnosci") or {}
    entries = [
        *(activity.get("przedmiotPrzewazajacejDzialalnosci") or []),
        *(activity.get("przedmiotPozostalejDzialalnosci") or []),
    ]
    opp = section.get("przedmiotDzialalnosciOPP") or {}
    entries += [*(opp.get("nieodplatnyPkd") or []), *(opp.get("odplatnyPkd") or [])]
    for entry in entries:
        if isinstance(entry, Mapping) and entry.get("kodDzial"):
            code = f"{entry.get('kodDzial')}.{entry.get('kodKlasa', '')}.{entry.get('kodPodklasa', '')}"
            if code not in found:
                found.append(code)
    return found


def parse_extract(text: str | bytes | Mapping[str, Any]) -> KrsExtract:
    """A current extract (OdpisAktualny, JSON) → KrsExtract; MalformedPayload when it is not one."""
    if isinstance(text, Mapping):
        payload: Any = text
    else:
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as error:
            raise MalformedPayload(
                f"Odpowiedź KRS nie jest poprawnym JSON-em (ucięta?): {error.msg} w znaku {error.pos}."
            ) from error
    try:
        odpis = payload["odpis"]
        header = odpis["naglowekA"]
        dane = odpis["dane"]
        section1 = dane["dzial1"]
        entity = section1["danePodmiotu"]
        name = " ".join(str(entity["nazwa"]).split())
        krs = normalise_number(header["numerKRS"])
    except (KeyError, TypeError, BadNumber) as error:
        raise MalformedPayload(f"Odpowiedź KRS nie ma oczekiwanej budowy odpisu (brak {error}).") from error
    problems: list[str] = []
    ids = entity.get("identyfikatory") or {}
    nip = str(ids.get("nip") or "").strip() or None
    if nip and (problem := nip_problem(nip)):
        problems.append(f"NIP {nip} z KRS pominięto: {problem}")
        nip = None
    regon14 = str(ids.get("regon") or "").strip() or None
    regon = None
    if regon14:
        # KRS pads the 9-digit REGON of the entity with five zeros (no local-unit check digit);
        # a real 14-digit REGON (a local unit) is checked as such.
        base = regon14[:9] if len(regon14) == 14 and regon14.endswith("00000") else regon14
        if problem := regon_problem(base):
            problems.append(f"REGON {regon14} z KRS pominięto: {problem}")
            regon14 = None
        else:
            regon = base[:9]
    seat_raw = (section1.get("siedzibaIAdres") or {}).get("siedziba") or {}
    address = (section1.get("siedzibaIAdres") or {}).get("adres") or {}
    contact = section1.get("siedzibaIAdres") or {}
    form_text = str(entity.get("formaPrawna") or "")
    form = LEGAL_FORMS.get(fold(form_text), LegalForm.OTHER)
    email = str(contact.get("adresPocztyElektronicznej") or "").strip().lower() or None
    website = str(contact.get("adresStronyInternetowej") or "").strip().lower() or None
    postal = str(address.get("kodPocztowy") or "").strip() or None
    if postal and not re.fullmatch(r"\d{2}-\d{3}", postal):
        problems.append(f"Kod pocztowy „{postal}” z KRS pominięto: nie ma postaci 00-000.")
        postal = None
    return KrsExtract(
        krs=krs,
        register="P" if str(header.get("rejestr", "")).endswith("P") else "S",
        name=name,
        legal_form_text=form_text,
        legal_form=form.value,
        kind=_kind(form, fold(name)).value,
        nip=nip,
        regon=regon,
        regon14=regon14,
        opp=bool(entity.get("czyPosiadaStatusOPP")),
        pkd=_pkd(dane.get("dzial3") or {}),
        seat=Seat(
            voivodeship=str(seat_raw.get("wojewodztwo") or ""),
            powiat=str(seat_raw.get("powiat") or ""),
            gmina=str(seat_raw.get("gmina") or ""),
            locality=str(seat_raw.get("miejscowosc") or ""),
        ),
        street=_street(address) if address else None,
        postal_code=postal,
        locality=title(address.get("miejscowosc") or seat_raw.get("miejscowosc")),
        email=email,
        website=website,
        registered_on=_date(header.get("dataRejestracjiWKRS")),
        as_of=_date(header.get("stanZDnia")),
        in_liquidation=bool(dane.get("dzial6")),
        problems=problems,
    )


def unique_numbers(values: Iterable[Any]) -> tuple[list[str], list[str]]:
    """Numbers given by a person: (valid, zero-padded, unique; messages about the refused ones)."""
    valid: dict[str, None] = {}
    refused: list[str] = []
    for value in values:
        if not str(value).strip():
            continue
        try:
            valid.setdefault(normalise_number(value), None)
        except BadNumber as error:
            refused.append(str(error))
    return list(valid), refused
