"""The ``explain --format html`` page, statically and in a real headless chromium.

The browser tests need Debian's ``chromium`` and ``chromium-driver`` and the ``selenium``
package.  Locally they skip when those are missing; with ``ERMBIT_BROWSER_TESTS=1`` (set by
CI) a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import pytest

from ermbit.cli import main
from ermbit.cnf import CNF
from ermbit.pipelines.explain import CHAINS, render, walk
from ermbit.pipelines.explain.blocks import Bits

TINY = CNF(3, ((1, -2), (2, 3), (-1, -3)))
COUNT = 2  # models of TINY: (F, F, T) and (T, T, F); checked below by brute force


def test_tiny_count_is_what_the_page_must_show() -> None:
    import itertools

    assert COUNT == sum(TINY.satisfied_by(a) for a in itertools.product((False, True), repeat=3))


class _Tags(HTMLParser):
    VOID: ClassVar[set[str]] = {"meta", "br", "hr", "img", "input", "link", "path", "rect"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs += attrs
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs += attrs

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Any]]:
    d = tmp_path_factory.mktemp("pages")
    cnf = d / "tiny.cnf"
    cnf.write_text(TINY.to_dimacs(), encoding="utf-8")
    out = {}
    for chain in CHAINS:
        page = d / f"{chain}.html"
        rc = main(["explain", chain, str(cnf), "--format", "html", "-o", str(page)],
                  out=io.StringIO(), err=io.StringIO())  # fmt: skip
        assert rc == 0
        out[chain] = (page, walk(chain, TINY))
    return out


def _marks(steps: Any) -> list[str]:
    return [
        seg.bits
        for s in steps
        for ex in s.exhibits
        for b in ex.blocks
        if isinstance(b, Bits)
        for seg in b.segments
        if seg.label
    ]


@pytest.mark.parametrize("chain", list(CHAINS))
def test_page_is_self_contained_and_well_formed(
    chain: str, pages: dict[str, tuple[Path, Any]]
) -> None:
    path, steps = pages[chain]
    html = path.read_text(encoding="utf-8")
    tags = _Tags()
    tags.feed(html)
    assert not tags.errors and tags.stack == []
    assert "<script" not in html.lower()
    for name, value in tags.attrs:  # nothing fetched: no src/href, no url() in styles
        assert name not in ("src", "href"), (name, value)
    assert "url(" not in html and "@import" not in html
    assert set(re.findall(r"https?://[^\"' <]+", html)) <= {"http://www.w3.org/2000/svg"}
    assert html == render(chain, TINY, steps, "html")


# --------------------------------------------------------------------------- browser


def _driver() -> Iterator[Any]:
    required = os.environ.get("ERMBIT_BROWSER_TESTS") == "1"
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_exe = shutil.which("chromedriver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        selenium_ok = False
    else:
        selenium_ok = True
    if not (chromium and driver_exe and selenium_ok):
        missing = f"chromium={chromium}, chromedriver={driver_exe}, selenium={selenium_ok}"
        if required:
            pytest.fail(f"ERMBIT_BROWSER_TESTS=1 but the browser is missing: {missing}")
        pytest.skip(f"no headless browser here ({missing}); CI sets ERMBIT_BROWSER_TESTS=1")
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,900",
    ):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(driver_exe), options=opts)
    try:
        yield drv
    finally:
        drv.quit()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from _driver()


@pytest.mark.parametrize("chain", list(CHAINS))
def test_page_renders_in_chromium(
    chain: str, pages: dict[str, tuple[Path, Any]], browser: Any
) -> None:
    path, steps = pages[chain]
    browser.set_window_size(1280, 900)
    browser.get(path.resolve().as_uri())
    assert browser.execute_script("return document.readyState") == "complete"
    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert errors == []
    text = browser.find_element("tag name", "body").text
    assert f"Chain {chain}" in text and "Every step confirmed." in text
    if chain in ("kronecker", "sharp-p-backprop", "sharp-p-erm"):
        assert f"#SAT(φ) = {COUNT}" in text
    marks = browser.find_elements("css selector", ".mark")
    assert [m.text for m in marks] == _marks(steps)
    assert all(m.is_displayed() for m in marks)
    for svg in browser.find_elements("css selector", "figure svg"):
        assert svg.size["width"] > 100 and svg.size["height"] > 50
    if chain in ("np-relu", "np-relu2"):
        assert "active" in text or "on)" in text  # the activation pattern is shown


@pytest.mark.parametrize("chain", ["sharp-p-backprop", "np-relu"])
def test_page_fits_a_phone(chain: str, pages: dict[str, tuple[Path, Any]], browser: Any) -> None:
    """On a 390 px wide screen the page itself does not scroll sideways (wide tables,
    bits and drawings scroll inside their own boxes)."""
    browser.set_window_size(390, 844)
    browser.get(pages[chain][0].resolve().as_uri())
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1
