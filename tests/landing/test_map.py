"""The map and the tour, over HTTP: ten stakeholders × four phases, each cell written out,
and every link leading to a page the real services answer."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from landing.chart import LEGEND_CHAR, bar_chart
from landing.map import PHASES, STAKEHOLDERS
from landing.tour import STEPS, Step
from servicekit.headers import CONTENT_SECURITY_POLICY
from tests.landing.conftest import ISSUER_URL, VERIFIER_URL, WALLET_URL, Demo

ROOT = Path(__file__).resolve().parents[2]
NAMES = {
    "Credentialing Organizations", "Learners and Earners", "Employers", "HR Systems",
    "Career Navigators", "Governance", "Data Standards Bodies", "LER Solution Providers",
    "Funders", "Supporting Systems",
}  # fmt: skip


class Cells(HTMLParser):
    """Rows of the map table: row id -> {phase: text}, and every link's href."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, dict[str, str]] = {}
        self.names: dict[str, str] = {}
        self.links: list[str] = []
        self._row: str | None = None
        self._phase: str | None = None
        self._in_strong = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr" and found.get("id"):
            self._row = found["id"]
            self.rows[self._row or ""] = {}
        elif tag == "td" and self._row and found.get("data-phase"):
            self._phase = found["data-phase"]
            self.rows[self._row][self._phase or ""] = ""
        elif tag == "strong" and self._row:
            self._in_strong = True
        elif tag == "a" and found.get("href"):
            self.links.append(found["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._phase = None
        elif tag == "tr":
            self._row = None
        elif tag == "strong":
            self._in_strong = False

    def handle_data(self, data: str) -> None:
        if self._row and self._phase:
            self.rows[self._row][self._phase] += data
        if self._row and self._in_strong:
            self.names[self._row] = self.names.get(self._row, "") + data


def parsed(html: str) -> Cells:
    cells = Cells()
    cells.feed(html)
    return cells


def follow(demo: Demo, url: str) -> int:
    """GET a link in the app that serves it (redirects to a sign-in page followed)."""
    for base, app in ((ISSUER_URL, demo.issuer), (WALLET_URL, demo.wallet),
                      (VERIFIER_URL, demo.verifier)):  # fmt: skip
        if url.startswith(base + "/"):
            return TestClient(app, base_url=base).get(url.removeprefix(base)).status_code
    if url.startswith("#"):
        return 200  # an anchor on the same page
    assert url.startswith("/"), f"a link outside the configured services: {url}"
    return demo.visitor.get(url).status_code


def test_the_map_has_ten_stakeholders_by_four_phases_each_cell_written(demo: Demo) -> None:
    page = demo.visitor.get("/")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    cells = parsed(page.text)
    assert set(cells.names.values()) == NAMES
    assert len(cells.rows) == 10
    for row, phases in cells.rows.items():
        assert set(phases) == {key for key, _ in PHASES}, row
        for phase, text in phases.items():
            assert len(text.split()) >= 8, f"{row} / {phase}: {text!r}"
    texts = [text for phases in cells.rows.values() for text in phases.values()]
    assert len(set(texts)) == 40  # forty different descriptions, none repeated
    for _, title in PHASES:
        assert f">{title}</th>" in page.text


def test_every_link_on_the_map_and_the_tour_reaches_a_working_page(demo: Demo) -> None:
    links: set[str] = set()
    for path in ("/", "/tour", "/stats"):
        page = demo.visitor.get(path)
        assert page.status_code == 200, path
        links |= set(parsed(page.text).links)
    assert any(link.startswith(VERIFIER_URL + "/registry") for link in links)
    assert any(link.startswith(WALLET_URL + "/skills") for link in links)
    assert {"/stats", "/stats.json", "/tour"} <= links
    broken = {link: status for link in sorted(links) if (status := follow(demo, link)) >= 400}
    assert broken == {}


def test_each_stakeholder_links_to_where_it_acts(demo: Demo) -> None:
    cells = parsed(demo.visitor.get("/").text)
    assert len(cells.links) >= 2 * len(STAKEHOLDERS)
    governance = demo.visitor.get("/").text.split('id="governance"')[1].split("</tr>")[0]
    assert f'href="{VERIFIER_URL}/registry"' in governance


def test_the_text_lives_in_the_data_module_and_the_files_named_exist() -> None:
    assert [s.name for s in STAKEHOLDERS] and {s.name for s in STAKEHOLDERS} == NAMES
    for stakeholder in STAKEHOLDERS:
        assert set(stakeholder.phases) == {key for key, _ in PHASES}
        for file in stakeholder.files:
            assert (ROOT / file).exists(), file
    for step in STEPS:
        for file in step.files:
            assert (ROOT / file).exists(), file
    template = (ROOT / "landing" / "templates" / "map.html").read_text()
    assert STAKEHOLDERS[0].phases["issuing"] not in template


@pytest.mark.parametrize("step", STEPS, ids=lambda s: f"step-{s.number}")
def test_the_tour_shows_each_step_with_links_what_to_see_and_the_code(
    demo: Demo, step: Step
) -> None:
    page = demo.visitor.get("/tour").text
    section = page.split(f'id="step-{step.number}"')[1].split("</section>")[0]
    assert "You should see" in section and "Done by" in section
    assert re.search(r'href="https://(issuer|wallet|verifier)\.test/', section) or (
        'href="/stats"' in section
    )
    assert "<code>" in section
    assert len(STEPS) == 7


def test_the_tour_shows_backticked_text_as_code_never_the_backticks(demo: Demo) -> None:
    page = demo.visitor.get("/tour").text
    main = page.split("<main", 1)[1]
    assert "`" not in main
    assert "<code>ler up</code>" in main


def test_the_stats_chart_legend_wraps_inside_the_chart() -> None:
    """Long series names wrap to a second legend line instead of running off the right edge
    (the legend was clipped)."""
    series = [
        "credentials issued by the college",
        "credentials shared by learners",
        "credentials verified by employers",
    ]
    svg = bar_chart([("Food Handler", [3, 2, 1])], series, "t")
    width = float(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))  # type: ignore[union-attr]
    for x, name in re.findall(r'<text x="([\d.]+)" y="[\d.]+" font-size="12">([^<]+)</text>', svg):
        if name in series:
            assert float(x) + LEGEND_CHAR * len(name) <= width, name
    assert len({y for y in re.findall(r'<rect x="[\d.]+" y="([\d.]+)" width="12"', svg)}) == 2
