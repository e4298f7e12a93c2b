"""Debian's headless Chromium driven by selenium, started as the machine's notes say
(no background networking: this machine's network refuses it), for the page tests."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator

from tests.toolcheck import need, need_tool

FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1200,800")


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    need_tool("chromium")
    driver_path = need_tool("chromedriver")["chromedriver"]
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        need("selenium is not installed (pip install selenium)")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
