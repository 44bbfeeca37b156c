"""The console in a real browser (issue 13, item 6): Debian's Chromium, headless, driven by selenium 4.32 through
/usr/bin/chromedriver (never a browser download). At a desktop size and at a 390-pixel phone size: a coordinator
signs in with two-factor (enrolling it: the key is read off the page once, the code computed with pyotp), NGO staff
sign in with their code, acknowledge a report made through the helpline's own services and refer it to another
district's NGO, enrol a family and record a check-in's answers, read a chart of the statistics (its image loaded,
its table, its SVG with Devanagari names in Hindi). Screenshots go to var/screenshots/, or to the directory named
by HELPLINE_SCREENSHOTS_DIR: the README's are refreshed with
`HELPLINE_SCREENSHOTS_DIR=docs/screenshots .venv/bin/python -m pytest tests/test_console_browser.py -q`, so a
plain test run leaves the checkout clean. The console runs in a thread of this process with a ManualClock, so the
codes are computed for the console's own time and nothing depends on the wall clock."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pyotp
import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait
from sqlalchemy import select
from werkzeug.serving import make_server

from bot.clock import ManualClock
from bot.console import accounts
from bot.console.app import create_app
from bot.store.db import session_scope
from bot.store.models import Delivery, FollowupCase, Report
from tests.console_helpers import PASSWORD, World, build_world, fast_hashing, ngo_id

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / os.environ.get("HELPLINE_SCREENSHOTS_DIR", "var/screenshots")  # an absolute path stays absolute
VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.fixture
def world(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    monkeypatch.setenv("HELPLINE_TRANSLATOR", "off")
    fast_hashing(monkeypatch)
    world = build_world(ManualClock())
    with session_scope() as session:  # staff-magadh chose two-factor earlier: its code is asked at sign-in
        user = accounts.find_user(session, "staff-magadh")
        assert user is not None
        world.secrets["staff-magadh"] = accounts.totp_secret(session, user)
        user.totp_confirmed_at = world.clock.now()
    yield world


@pytest.fixture
def console_url(world: World) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, create_app(clock=world.clock), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def _browser(width: int, height: int) -> WebDriver:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={width},{height}", "--lang=en-GB", "--force-device-scale-factor=1"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500})
    driver.implicitly_wait(5)
    return driver


@pytest.fixture(params=sorted(VIEWPORTS))
def browser(request: pytest.FixtureRequest) -> Iterator[tuple[str, WebDriver]]:
    driver = _browser(*VIEWPORTS[request.param])
    try:
        yield request.param, driver
    finally:
        driver.quit()


def _shot(driver: WebDriver, viewport: str, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"{viewport}-{name}.png"))


def _fits(driver: WebDriver, viewport: str) -> None:
    """Nothing wider than the screen: a phone never scrolls sideways (wide tables scroll inside themselves)."""
    width = driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[viewport][0], f"{driver.current_url} is {width}px wide"


def _sign_in(driver: WebDriver, url: str, username: str) -> None:
    driver.get(f"{url}/login")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    _submit(driver, "sign-in")


def _submit(driver: WebDriver, element_id: str) -> None:
    """Click a button that loads a new page, and wait until the old page is gone (no sleeping)."""
    _click_to_new_page(driver, By.ID, element_id)


def _follow(driver: WebDriver, by: str, value: str) -> None:
    _click_to_new_page(driver, by, value)


def _click_to_new_page(driver: WebDriver, by: str, value: str) -> None:
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(by, value).click()
    WebDriverWait(driver, 15).until(_gone(old))


def _gone(old: WebElement) -> Callable[[WebDriver], bool]:
    """Selenium's staleness_of, also for the other error chromedriver gives about a node of a page that was just
    replaced ("Node with given id does not belong to the document") instead of a stale-element error."""

    def check(_: WebDriver) -> bool:
        try:
            old.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise
        return False

    return check


def _code(world: World, username: str) -> str:
    return pyotp.TOTP(world.secrets[username]).at(world.clock.now())


def test_console_in_chromium(world: World, console_url: str, browser: tuple[str, WebDriver]) -> None:
    viewport, driver = browser
    # A coordinator's first sign-in: enrol two-factor (key shown once), then the Bihar dashboard.
    _sign_in(driver, console_url, "coord-bihar")
    world.secrets["coord-bihar"] = driver.find_element(By.ID, "totp-secret").text
    _fits(driver, viewport)
    _shot(driver, viewport, "two-factor-enrolment")
    driver.find_element(By.ID, "code").send_keys(_code(world, "coord-bihar"))
    _submit(driver, "verify")
    assert world.reports["gaya"] in driver.find_element(By.ID, "waiting").text
    assert world.reports["jaipur"] not in driver.page_source  # Rajasthan's report is not Bihar's
    _submit(driver, "logout")
    # NGO staff with two-factor: acknowledge the Gaya report, then refer it to Patna's NGO.
    _sign_in(driver, console_url, "staff-magadh")
    world.clock.advance(seconds=30)  # a fresh code (each is accepted once)
    driver.find_element(By.ID, "code").send_keys(_code(world, "staff-magadh"))
    _submit(driver, "verify")
    _fits(driver, viewport)
    _shot(driver, viewport, "action-needed")
    code = world.reports["gaya"]
    _follow(driver, By.LINK_TEXT, code)
    assert "Teen bachche le gaye" in driver.find_element(By.ID, "details").text  # the original, decrypted
    _submit(driver, "acknowledge")
    assert driver.find_element(By.ID, "report-status").text == "acknowledged"
    Select(driver.find_element(By.ID, "refer-ngo")).select_by_value(str(ngo_id("patna-bal-raksha-sample")))
    _submit(driver, "refer")
    assert "waiting for an answer" in driver.page_source
    _fits(driver, viewport)
    _shot(driver, viewport, "report")
    with session_scope() as session:
        report = session.execute(select(Report).where(Report.code == code)).scalar_one()
        purposes = session.execute(select(Delivery.purpose).where(Delivery.report_id == report.id)).scalars().all()
        assert report.status == "acknowledged" and "referral" in purposes
    # Enrol a family and record the answers of its check-in.
    _follow(driver, By.LINK_TEXT, "Cases")
    _submit(driver, "enrol-link")
    Select(driver.find_element(By.ID, "channel")).select_by_value("sms")
    driver.find_element(By.ID, "address").send_keys("+15005550298")
    driver.find_element(By.ID, "district").send_keys("Nawada")
    driver.execute_script("document.getElementById('returned-on').value = '2026-10-01'")
    driver.find_element(By.ID, "child-age").send_keys("12")
    driver.find_element(By.ID, "guardian-consent").send_keys("CWC file (test)")
    _fits(driver, viewport)
    _shot(driver, viewport, "enrol")
    _submit(driver, "enrol")
    reference = driver.find_element(By.ID, "case-reference").text
    Select(driver.find_element(By.ID, "answer-home")).select_by_value("yes")
    Select(driver.find_element(By.ID, "answer-school")).select_by_value("yes")
    Select(driver.find_element(By.ID, "answer-money")).select_by_value("no")
    Select(driver.find_element(By.ID, "answer-agent")).select_by_value("no")
    _submit(driver, "record-checkin")
    statuses = [e.text for e in driver.find_elements(By.CLASS_NAME, "checkin-status")]
    assert statuses[0] == "answered"
    _fits(driver, viewport)
    _shot(driver, viewport, "case")
    with session_scope() as session:
        case = session.execute(select(FollowupCase).where(FollowupCase.reference == reference)).scalar_one()
        assert case.school_stage == "attending" and case.living_at_home is True
    # In Hindi.
    driver.get(f"{console_url}/?lang=hi")
    assert "तुरंत करने वाले काम" in driver.page_source
    _shot(driver, viewport, "action-needed-hindi")
    _read_a_chart(driver, console_url, viewport)


def _images_loaded(driver: WebDriver) -> bool:
    return bool(driver.execute_script(
        "return Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"))


def _read_a_chart(driver: WebDriver, url: str, viewport: str) -> None:
    """Magadh's staff: the statistics page's charts load (SVG images from the console, under its CSP), the figure's
    table counts the one Gaya report, and the chart in Hindi names the district in Devanagari."""
    driver.get(f"{url}/stats?lang=en&by=district")
    WebDriverWait(driver, 15).until(_images_loaded)
    assert len(driver.find_elements(By.CSS_SELECTOR, "img.chart")) == 5
    _fits(driver, viewport)
    _shot(driver, viewport, "statistics")
    _follow(driver, By.LINK_TEXT, "Reports by kind")
    WebDriverWait(driver, 15).until(_images_loaded)
    cells = [c.text for c in driver.find_elements(By.CSS_SELECTOR, "#stats-table tbody tr:first-child td")]
    assert cells[0] == "Gaya" and cells[-1] == "1", cells  # one report, made in Gaya; nothing outside the scope
    assert len(driver.find_elements(By.CSS_SELECTOR, "#stats-table tbody tr")) == 1
    _fits(driver, viewport)
    _shot(driver, viewport, "statistics-figure")
    driver.get(f"{url}/stats/reports_by_kind.svg?lang=hi&by=district")
    assert "गया" in driver.page_source and "प्रकार के अनुसार रिपोर्टें" in driver.page_source
