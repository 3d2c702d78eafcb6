"""The residents' search page /uslugi: no sign-in, three languages, nearest first, clear messages."""

from __future__ import annotations

import re

import pytest

from ses.directory.geo import centroid, gmina_at, inside_poland
from tests.directory.conftest import BYDGOSZCZ, LUBICZ, TORUN, service_body

pytestmark = pytest.mark.anyio


async def _services(client, staff, make_org):
    org = await make_org()
    far_location = {
        "name": "Filia w Lubiczu",
        "street": "ul. Lipnowska 2",
        "locality": "Lubicz Górny",
        "postal_code": "87-162",
        "gmina_code": LUBICZ,
        "latitude": 53.045,
        "longitude": 18.77,
    }
    near = service_body(org["id"], name="Klub Seniora Starówka", area_codes=["0463"])
    far = service_body(
        org["id"],
        name="Wsparcie dla rodzin z Ukrainy",
        category="wspieranie_rodziny",
        target_groups=["cudzoziemcy"],
        cost="free",
        languages=["uk", "pl"],
        locations=[far_location],
        area_codes=["04"],
    )
    elsewhere = service_body(
        org["id"],
        name="Usługa tylko dla Bydgoszczy",
        area_codes=[BYDGOSZCZ],
        locations=[{**far_location, "gmina_code": BYDGOSZCZ, "latitude": 53.12, "longitude": 18.0}],
    )
    for body in (near, far, elsewhere):
        assert (await client.post("/api/v1/services", json=body, headers=staff.headers)).status_code == 201


def _rows(html: str) -> list[str]:
    return re.findall(r"<strong>([^<]+)</strong>", html)


async def test_a_resident_finds_services_by_town_without_polish_letters(client, staff, make_org):
    await _services(client, staff, make_org)
    page = await client.get("/uslugi", params={"q": "torun"})
    assert page.status_code == 200
    assert '<html lang="pl">' in page.text
    assert "Usługi dla mieszkańców: Toruń" in page.text
    assert _rows(page.text) == ["Klub Seniora Starówka", "Wsparcie dla rodzin z Ukrainy"]  # nearest first
    assert "<svg" in page.text and 'role="img"' in page.text and "<table" in page.text
    assert "Usługa tylko dla Bydgoszczy" not in page.text


async def test_filters_and_languages(client, staff, make_org):
    await _services(client, staff, make_org)
    english = await client.get("/uslugi", params={"gmina": TORUN, "cost": "free", "lang": "en"})
    assert '<html lang="en">' in english.text and "Services for residents of Toruń" in english.text
    assert _rows(english.text) == ["Wsparcie dla rodzin z Ukrainy"]
    ukrainian = await client.get("/uslugi", params={"gmina": TORUN, "language": "uk", "lang": "uk"})
    assert '<html lang="uk">' in ukrainian.text and "Послуги для мешканців" in ukrainian.text
    assert "Українська" in ukrainian.text
    # the page frame speaks Ukrainian too: skip link, the site's name, sign-in
    for frame in ("Перейти до змісту", "реєстр і моніторинг соціальної економіки", "Увійти"):
        assert frame in ukrainian.text
    assert "Przejdź do treści" not in ukrainian.text and "Zaloguj się" not in ukrainian.text
    assert len(_rows(ukrainian.text)) == 2
    by_group = await client.get("/uslugi", params={"gmina": TORUN, "group": "cudzoziemcy"})
    assert _rows(by_group.text) == ["Wsparcie dla rodzin z Ukrainy"]
    by_category = await client.get("/uslugi", params={"gmina": TORUN, "category": "pomoc_spoleczna"})
    assert _rows(by_category.text) == ["Klub Seniora Starówka"]


async def test_shared_location_finds_the_gmina_and_orders_by_distance(client, staff, make_org):
    await _services(client, staff, make_org)
    page = await client.get("/uslugi", params={"lat": "53.046", "lon": "18.771"})
    assert page.status_code == 200 and "Lubicz" in page.text
    # Lubicz lies in powiat toruński (0415): the Toruń city club (powiat 0463) is not for its residents.
    assert _rows(page.text) == ["Wsparcie dla rodzin z Ukrainy"]
    assert 'class="home"' in page.text  # the visitor's own point is on the map
    near_torun = await client.get("/uslugi", params={"lat": "53.0104", "lon": "18.6046"})
    assert _rows(near_torun.text) == ["Klub Seniora Starówka", "Wsparcie dla rodzin z Ukrainy"]
    # the browser may give the page the position ("Use my location"); no other page may ask
    assert "geolocation=(self)" in near_torun.headers["permissions-policy"]
    assert "geolocation=()" in (await client.get("/login")).headers["permissions-policy"]


async def test_ambiguous_names_offer_a_choice(client):
    page = await client.get("/uslugi", params={"q": "Boleslawiec", "lang": "en"})
    assert page.status_code == 200 and "Which gmina do you mean?" in page.text
    assert "gmina=0201011" in page.text and "gmina=0201022" in page.text
    assert "urban gmina" in page.text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "Xyzzyville"}, "Nie znaleziono gminy ani miejscowości „Xyzzyville”"),
        ({"gmina": "0499999", "lang": "en"}, "There is no gmina with the code"),
        ({"lat": "48.85", "lon": "2.35", "lang": "uk"}, "за межами Польщі"),
        ({"lat": "abc", "lon": "1"}, "Niepoprawne współrzędne"),
        ({"lat": "nan", "lon": "inf"}, "Niepoprawne współrzędne"),
        ({"gmina": TORUN, "page": "999999"}, "Nie ma takiej strony"),
        ({"gmina": TORUN, "page": "x"}, "Nie ma takiej strony"),
        ({"gmina": TORUN, "category": "<b>zle</b>"}, "Nieznana wartość filtra „&lt;b&gt;zle&lt;/b&gt;”"),
        ({"q": "a" * 101, "lang": "en"}, "The text is too long"),
    ],
)
async def test_bad_input_is_a_clear_message_never_a_500(client, params, message):
    page = await client.get("/uslugi", params=params)
    assert page.status_code == 422
    assert message in page.text
    assert 'role="alert"' in page.text


async def test_hostile_text_is_escaped(client):
    page = await client.get("/uslugi", params={"q": "<script>alert(1)</script>"})
    assert page.status_code == 422
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


async def test_suggestions_while_typing(client):
    answer = await client.get("/uslugi/gminy", params={"q": "bydgo"})
    assert answer.json()[0]["code"] == BYDGOSZCZ
    assert (await client.get("/uslugi/gminy", params={"q": "b"})).json() == []


def test_geometry_of_poland():
    assert inside_poland(52.23, 21.01) and not inside_poland(48.85, 2.35)
    assert gmina_at(53.0138, 18.5984) == TORUN
    lat, lon = centroid(TORUN) or (0, 0)
    assert abs(lat - 53.02) < 0.05 and abs(lon - 18.61) < 0.05
    assert gmina_at(40.0, 10.0) is None


def test_the_map_shows_the_gmina_among_its_neighbours_and_every_gmina_has_one():
    from ses.directory.geo import neighbourhood, shapes, svg_map

    around = neighbourhood(TORUN)
    assert TORUN in around and LUBICZ in around  # the city and the gmina next to it
    assert BYDGOSZCZ not in around  # 40 km away: not on Toruń's map
    drawn = svg_map(TORUN, [(53.045, 18.77, "Filia w Lubiczu")])
    assert drawn is not None and len(drawn.points) == 1  # the place is inside the frame
    assert drawn.areas.count("<path") == len(around)
    assert drawn.areas.count('class="area selected"') == 1
    assert drawn.areas.rindex("area selected") > drawn.areas.rindex('class="area"')  # outline on top
    assert gmina_at(*centroid(TORUN)) == TORUN
    # the grid index finds the same neighbours as a scan of every gmina's box would
    gminas = shapes("gmina")
    for code in list(gminas)[::97]:
        x0, y0, x1, y1 = gminas[code].box
        scanned = {
            other
            for other, shape in gminas.items()
            if other.startswith(code[:4])
            or (
                shape.box[0] <= x1 + 0.12
                and shape.box[2] >= x0 - 0.12
                and shape.box[1] <= y1 + 0.12
                and shape.box[3] >= y0 - 0.12
            )
        }
        assert set(neighbourhood(code)) == scanned
        assert svg_map(code, []) is not None
