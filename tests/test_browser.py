"""The pages in headless Chromium: axe-core's WCAG 2.1 A and AA rules, and the search box's
suggestions driven from the keyboard.

Debian's chromium and chromium-driver (`make test` installs them as root); axe-core comes
bundled with axe-selenium-python. The server is the real gunicorn on loopback.
"""

import json
import shutil
import time
import urllib.request
from pathlib import Path

import pytest

from indexer.writing.build import build_index
from tests.server import free_port, gunicorn
from tests.test_facets import ARCHIVE, write_archive

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="Chromium (Debian: chromium chromium-driver) is not installed",
)
TOKEN = "browser-test-admin-token"
# The rules of WCAG 2.0 and 2.1 at levels A and AA. The axe-core that axe-selenium-python
# 2.1.6 bundles (3.1.1; its 3.0 needs Python 3.12) tags the 2.1 rules it has "wcag21aa" only.
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21aa"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("browser")
    seeds = write_archive(root / "seeds", ARCHIVE)
    build_index(seeds, root / "index")
    # E-mail alerts on, so that the pages show their form; nothing here sends mail.
    alerts = {
        "SOTEHAKU_SMTP_HOST": "127.0.0.1",
        "SOTEHAKU_SMTP_PORT": str(free_port()),
        "SOTEHAKU_MAIL_FROM": "haku@example.fi",
        "SOTEHAKU_PUBLIC_URL": "https://haku.example.fi",
    }
    with gunicorn(
        root / "index", seeds, workers=1, extra_env={"SOTEHAKU_ADMIN_TOKEN": TOKEN, **alerts}
    ) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1200,900", "--lang=fi"):  # fmt: skip
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(20)
    yield driver
    driver.quit()


def violations(browser, skip: list[str] = ()) -> list[str]:
    """Run axe-core's WCAG 2.1 A and AA rules on the page; return what fails, readably."""
    from axe_selenium_python import Axe

    axe = Axe(browser)
    axe.inject()
    options = {
        "runOnly": {"type": "tag", "values": WCAG_21_AA},
        "rules": {rule: {"enabled": False} for rule in skip},
    }
    # Axe.run writes the options into the script as given: JSON, not a Python repr.
    results = axe.run(options=json.dumps(options))
    return [
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results["violations"]
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?q=rahoitusmalli",
        "/?q=rahoitusmalli&source=keski-suomi&year=2021&sort=newest",
        "/?q=rahoitusmali",
        "/?q=*x",
        "/doc/etela-pohjanmaa/2021/kokous.txt?q=rahoitusmalli",
        "/help",
        "/admin/login",
        "/?q=sote&lang=sv",
        "/?q=sote&lang=en",
        "/nowhere",
        "/alerts/confirm?t=used",
        "/alerts/unsubscribe?t=ended",
    ],
)
def test_pages_pass_wcag_21_aa(browser, site: str, path: str) -> None:
    browser.get(site + path)
    assert browser.find_element("tag name", "main")
    found = violations(browser)
    assert found == [], "\n".join(found)


def test_the_suggestions_work_from_the_keyboard(browser, site: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(site + "/?lang=fi")
    box = browser.find_element(By.ID, "q")
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "false"
    listbox = browser.find_element(By.ID, box.get_attribute("aria-controls"))
    assert listbox.get_attribute("role") == "listbox"
    box.send_keys("rahoi")
    wait = WebDriverWait(browser, 10)
    wait.until(lambda _: box.get_attribute("aria-expanded") == "true")
    options = listbox.find_elements(By.CSS_SELECTOR, "[role=option]")
    texts = [o.text for o in options]
    assert texts[:2] == ["rahoitus", "rahoitusmalli"]
    status = browser.find_element(By.CSS_SELECTOR, ".combo [role=status]")
    wait.until(lambda _: status.get_attribute("textContent").startswith(f"{len(texts)} ehdotus"))
    # The list open is a page state of its own: it too must pass. The bundled axe-core 3.1.1
    # predates ARIA 1.2 and wants the combobox of ARIA 1.1 (a wrapper owning a textbox and the
    # list); the input that controls its list, ARIA 1.2's pattern, fails that one rule only.
    assert violations(browser, skip=["aria-required-children"]) == []

    box.send_keys(Keys.ARROW_DOWN)
    assert box.get_attribute("aria-activedescendant") == options[0].get_attribute("id")
    assert options[0].get_attribute("aria-selected") == "true"
    assert box.get_attribute("value") == "rahoitus"
    box.send_keys(Keys.ARROW_DOWN)
    assert box.get_attribute("value") == "rahoitusmalli"
    assert options[0].get_attribute("aria-selected") == "false"
    box.send_keys(Keys.ARROW_UP, Keys.ARROW_UP)
    assert box.get_attribute("value") == texts[-1]  # Up from the first goes round to the last

    box.send_keys(Keys.ESCAPE)
    assert box.get_attribute("aria-expanded") == "false"
    assert not listbox.is_displayed()
    assert box.get_attribute("value") == "rahoi"
    assert box.get_attribute("aria-activedescendant") is None

    box.send_keys(Keys.ARROW_DOWN, Keys.ARROW_DOWN, Keys.ENTER)
    wait.until(lambda _: "q=rahoitusmalli" in browser.current_url)
    assert browser.find_element(By.CSS_SELECTOR, ".count").text.startswith("5 tulosta")


def test_the_first_keystrokes_after_a_start_get_suggestions(browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    seeds = write_archive(tmp_path / "seeds", ARCHIVE)
    build_index(seeds, tmp_path / "index")
    # Two workers, typed into as soon as the server answers: whichever worker the request
    # reaches has read its word lists, or is reading them and the page asks again.
    with gunicorn(tmp_path / "index", seeds, workers=2) as url:
        started = time.monotonic()
        browser.get(url + "/?lang=fi")
        box = browser.find_element(By.ID, "q")
        box.send_keys("kokous ra")
        WebDriverWait(browser, 5).until(lambda _: box.get_attribute("aria-expanded") == "true")
        shown = [o.text for o in browser.find_elements(By.CSS_SELECTOR, "[role=option]")]
        assert shown[:2] == ["kokous rahoitus", "kokous rahoitusmalli"]
        assert time.monotonic() - started < 5


def test_facets_narrow_without_javascript(browser, site: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    def follow(element) -> None:
        element.click()
        WebDriverWait(browser, 10).until(EC.staleness_of(element))

    browser.get(site + "/?q=rahoitusmalli&lang=fi")
    follow(browser.find_element(By.PARTIAL_LINK_TEXT, "keski-suomi"))
    assert "source=keski-suomi" in browser.current_url
    assert len(browser.find_elements(By.CSS_SELECTOR, ".hit")) == 2
    # The order is a link: it applies at once, without a button or JavaScript.
    follow(browser.find_element(By.LINK_TEXT, "Uusin ensin"))
    assert "source=keski-suomi" in browser.current_url and "sort=newest" in browser.current_url
    hits = browser.find_elements(By.CSS_SELECTOR, ".hit")
    # The dated one first; the other has no date and comes last.
    assert [len(h.find_elements(By.TAG_NAME, "time")) for h in hits] == [1, 0]


def test_the_language_switch_is_remembered(browser, site: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(site + "/?lang=fi")
    browser.find_element(By.LINK_TEXT, "svenska").click()
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "sv"
    browser.get(site + "/help")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Sökhjälp"
    browser.get(site + "/?lang=fi")


@pytest.fixture(autouse=True)
def _no_console_errors(request: pytest.FixtureRequest):
    yield
    if "browser" in request.fixturenames:
        browser = request.getfixturevalue("browser")
        errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        # A CSP refusal or a script error shows here: the page would break for everyone. The
        # status of an error page itself is logged too, and is no error of the page.
        assert [e for e in errors if e["source"] != "network"] == []


def test_the_static_script_is_served_as_javascript(site: str) -> None:
    with urllib.request.urlopen(f"{site}/static/combobox.js", timeout=5) as r:
        assert r.headers["Content-Type"].startswith("text/javascript")
    assert Path(__file__).parent.parent.joinpath("webui/static/combobox.js").is_file()


def focus_order(browser, stop_at: str, limit: int = 60) -> list[str]:
    """Press Tab from the search box until the element matching `stop_at` has the focus;
    return what had it, each as its id, else its text."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.find_element(By.ID, "q").click()
    seen = []
    for _ in range(limit):
        active = browser.switch_to.active_element
        seen.append(active.get_attribute("id") or " ".join(active.text.split()))
        if browser.execute_script("return document.activeElement.matches(arguments[0])", stop_at):
            return seen
        active.send_keys(Keys.TAB)
    raise AssertionError(f"{stop_at} never had the focus: {seen}")


def test_the_keyboard_reaches_chips_and_filters_before_the_results(browser, site: str) -> None:
    browser.get(site + "/?q=rahoitusmalli&source=etela-pohjanmaa&year=2021&lang=fi")
    seen = focus_order(browser, ".hit h2 a")
    assert seen[:3] == ["q", "Hae", "Hakuohjeet"]  # the box, its button, the help
    chip = seen.index("Poista rajaus Lähde: etela-pohjanmaa ×")
    choices = seen.index("Uusin ensin")
    assert chip < choices < seen.index("20") < seen.index("from") < len(seen) - 1
    assert "Siirry tuloksiin" in seen[chip:]


def test_on_a_phone_the_filters_come_before_the_results(browser, site: str) -> None:
    from selenium.webdriver.common.by import By

    browser.set_window_size(390, 844)
    try:
        browser.get(site + "/?q=rahoitusmalli&source=keski-suomi&lang=fi")
        chips = browser.find_element(By.CSS_SELECTOR, ".chips")
        refine = browser.find_element(By.CSS_SELECTOR, ".refine")
        hit = browser.find_element(By.CSS_SELECTOR, ".hit")
        assert chips.rect["y"] < refine.rect["y"] < hit.rect["y"]
        assert refine.rect["width"] > 300  # one column, not squeezed beside the results
        assert violations(browser) == []
    finally:
        browser.set_window_size(1200, 900)


# The contrast of each focused element's outline with the background behind it (WCAG 1.4.11,
# 3:1), which axe-core does not check: its colour against the nearest opaque background.
FOCUS_CONTRAST = """
function luminance(rgb) {
  var c = rgb.match(/[\\d.]+/g).slice(0, 3).map(function (v) {
    v = v / 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}
function background(el) {
  for (var node = el.parentElement; node; node = node.parentElement) {
    var bg = getComputedStyle(node).backgroundColor;
    var alpha = bg.match(/[\\d.]+/g)[3];
    if (alpha === undefined || Number(alpha) > 0) { return bg; }
  }
  return "rgb(255, 255, 255)";
}
var el = document.activeElement, style = getComputedStyle(el);
if (el === document.body) { return ["", 21]; }
if (style.outlineStyle === "none" || parseFloat(style.outlineWidth) < 2) {
  return [el.outerHTML.slice(0, 80), 0];
}
var a = luminance(style.outlineColor), b = luminance(background(el));
return [el.outerHTML.slice(0, 80), (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
"""


@pytest.mark.parametrize("width", [1200, 390])
@pytest.mark.parametrize(
    "path",
    ["/?q=rahoitusmalli&source=keski-suomi", "/", "/doc/keski-suomi/muistio.txt?q=kunnat",
     "/help", "/admin/login", "/nowhere", "/alerts/confirm?t=used"],
)  # fmt: skip
def test_every_focus_outline_has_3_to_1_contrast(browser, site: str, path: str, width: int):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.set_window_size(width, 900)
    try:
        browser.get(site + path)
        body = browser.find_element(By.TAG_NAME, "body")
        body.send_keys(Keys.TAB)
        weak = []
        for _ in range(40):
            element, contrast = browser.execute_script(FOCUS_CONTRAST)
            if contrast < 3:
                weak.append(f"{contrast:.2f}:1 {element}")
            browser.switch_to.active_element.send_keys(Keys.TAB)
        assert weak == []
        assert violations(browser) == []
    finally:
        browser.set_window_size(1200, 900)


def test_the_feed_and_the_alert_form_are_reached_from_the_keyboard(browser, site: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(site + "/?q=rahoitusmalli&source=keski-suomi&lang=fi")
    seen = focus_order(browser, ".subscribe summary")
    feed = seen.index("Seuraa tätä hakua (Atom-syöte)")
    assert seen[feed + 1] == "Uudet asiakirjat sähköpostiin"
    link = browser.find_element(By.CSS_SELECTOR, "a.feed").get_attribute("href")
    assert link.endswith("/feed.atom?q=rahoitusmalli&source=keski-suomi")
    # Enter opens the form without JavaScript's help (a <details>), and Tab reaches its field.
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    browser.switch_to.active_element.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("id") == "alert-email"
    element, contrast = browser.execute_script(FOCUS_CONTRAST)
    assert contrast >= 3, element
    assert violations(browser) == []
