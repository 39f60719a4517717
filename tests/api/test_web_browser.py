"""The planners' page in a real browser: headless Chromium (Debian's chromium + chromedriver)
driven by selenium against uvicorn on 127.0.0.1 (fake encoder, the five seed plans).

A planner types "cong khai ho ngheo" without diacritics, sees highlighted results from several
plans, opens the similar measures of a task, asks for task suggestions and copies one, and opens a
plan's page with its coverage picture. Screenshots go to a temp dir (or PAPIKG_SCREENSHOTS) and
must not be blank. Skipped, with the reason, when chromium or chromedriver is not installed
(`apt-get install chromium chromium-driver`).
"""

from __future__ import annotations

import base64
import os
import runpy
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from api.app import create_app

pytestmark = pytest.mark.slow
SUPPORT = runpy.run_path(str(Path(__file__).with_name("test_app_support.py")))
api_data, app_settings = SUPPORT["api_data"], SUPPORT["app_settings"]
CHROME_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,1000", "--lang=vi")  # fmt: skip
WAIT = 60  # seconds: a cold start loads the index


def browser_paths() -> tuple[str, str] | None:
    browser = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def base_url(api_data: Path) -> Iterator[str]:
    """uvicorn serving the app on 127.0.0.1:<free port>, in a thread, for this module."""
    port = free_port()
    config = uvicorn.Config(create_app(app_settings(api_data), preload=True), host="127.0.0.1",
                            port=port, log_level="warning")  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=15)


@pytest.fixture(scope="module")
def driver():
    paths = browser_paths()
    if paths is None:
        pytest.skip("chromium/chromedriver not installed: apt-get install chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="papikg-chrome-")
    options.add_argument(f"--user-data-dir={profile}")
    options.binary_location = paths[0]
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(paths[1]), options=options)
    yield browser
    browser.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    configured = os.environ.get("PAPIKG_SCREENSHOTS")
    folder = Path(configured) if configured else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def wait_for(driver, css: str, count: int = 1):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, WAIT).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, css)) >= count)
    return driver.find_elements(By.CSS_SELECTOR, css)


COUNT_COLOURS = """
const [data, done] = arguments;
const img = new Image();
img.onload = () => {
  const canvas = document.createElement("canvas");
  canvas.width = img.width; canvas.height = img.height;
  const ctx = canvas.getContext("2d");
  ctx.drawImage(img, 0, 0);
  const px = ctx.getImageData(0, 0, img.width, img.height).data;
  const seen = new Set();
  for (let i = 0; i < px.length; i += 4) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
  done([img.width, img.height, seen.size]);
};
img.onerror = () => done([0, 0, 0]);
img.src = "data:image/png;base64," + data;
"""


def screenshot(driver, folder: Path, name: str) -> tuple[int, int, int]:
    """Save a PNG and return (width, height, distinct colours), decoded by the browser itself."""
    png = driver.get_screenshot_as_png()
    (folder / f"{name}.png").write_bytes(png)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return tuple(driver.execute_async_script(COUNT_COLOURS, base64.b64encode(png).decode()))


def test_a_planner_searches_compares_drafts_and_reads_a_plan(base_url, driver, shots):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver.get(base_url + "/")
    wait_for(driver, "#papi-tree details", 8)
    box = driver.find_element(By.ID, "q")
    box.send_keys("cong khai ho ngheo")
    driver.find_element(By.ID, "search-button").click()
    wait_for(driver, ".plan-group .hit mark")
    groups = driver.find_elements(By.CSS_SELECTOR, ".plan-group")
    assert len(groups) >= 2, "results from several plans"
    marks = [m.text.lower() for m in driver.find_elements(By.CSS_SELECTOR, ".hit mark")]
    assert any(m in ("công khai", "hộ nghèo", "nghèo", "công khai danh sách hộ nghèo") for m in marks), marks
    results = driver.find_element(By.ID, "results")
    assert results.size["width"] > 300 and results.size["height"] > 300
    width, height, colours = screenshot(driver, shots, "1-search")
    assert width >= 1000 and height >= 700 and colours > 50, (width, height, colours)

    driver.find_element(By.CSS_SELECTOR, ".hit .similar-button").click()
    similar = wait_for(driver, ".hit .similar-list li")
    assert similar and similar[0].text
    screenshot(driver, shots, "2-similar")

    driver.get(base_url + "/#/suggest")
    wait_for(driver, "#s-papi optgroup", 8)
    Select(driver.find_element(By.ID, "s-papi")).select_by_value("2.2")
    Select(driver.find_element(By.ID, "s-level")).select_by_value("xa")
    driver.find_element(By.ID, "suggest-button").click()
    suggestions = wait_for(driver, "#suggestions li.suggestion")
    first_text = suggestions[0].find_element(By.CSS_SELECTOR, ".suggestion-text").text
    suggestions[0].find_element(By.CSS_SELECTOR, "button.copy").click()
    time.sleep(0.3)
    assert driver.execute_script("return window.lastCopied") == first_text
    screenshot(driver, shots, "3-suggest")

    driver.get(base_url + "/#/search?q=cong%20khai%20ho%20ngheo")
    link = wait_for(driver, ".plan-group header h2 a")[0]
    plan_label = link.text
    link.click()
    cells = wait_for(driver, "svg.coverage g.cell", 29)
    assert len(cells) == 29
    gaps = driver.find_elements(By.CSS_SELECTOR, "svg.coverage g.cell.gap")
    gap_items = driver.find_elements(By.CSS_SELECTOR, ".gaps > ul > li")
    assert len(gaps) == len(gap_items)
    assert plan_label in driver.find_element(By.ID, "plan").text
    picture = driver.find_element(By.CSS_SELECTOR, "svg.coverage")
    assert picture.size["width"] > 300 and picture.size["height"] > 300
    width, height, colours = screenshot(driver, shots, "4-plan")
    assert colours > 30, colours

    driver.get(base_url + "/#/search?q=cong%20khai%20ho%20ngheo&level=xa")
    wait_for(driver, ".plan-group .hit")
    assert driver.find_element(By.ID, "level").get_attribute("value") == "xa"
    metas = [m.text for m in driver.find_elements(By.CSS_SELECTOR, ".plan-group header p")]
    assert metas and all("cấp xã" in m for m in metas), metas
    driver.find_element(By.CSS_SELECTOR, ".hit-actions a[href^='#/task/']").click()
    source = wait_for(driver, ".task-detail pre.source-lines")[0].text
    assert source and "[object" not in source and source.split()[0].isdigit(), source[:80]
    screenshot(driver, shots, "5-task")

    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors
