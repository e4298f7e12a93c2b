"""``gaev serve`` in a real browser (Debian's headless Chromium, selenium): the page
loads the wizard, a walk by key presses writes a project inside ``--projects`` that
``gaev validate`` passes, and a hostile project name cannot escape ``--projects``."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.browser import chromium
from tests.registry.servers import free_port
from tests.toolcheck import need

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def server(tmp_path):
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        need("textual-serve is not installed (pip install textual-serve)")
    projects = tmp_path / "projects"
    projects.mkdir()
    port = free_port()
    log = open(tmp_path / "serve.log", "w")  # noqa: SIM115 - closed once the server is stopped (below)
    proc = subprocess.Popen([sys.executable, "-m", "gaev_tui", "serve", "--projects", str(projects), "--port", str(port)],
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    import urllib.request

    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError((tmp_path / "serve.log").read_text()) from None
            time.sleep(0.3)
    yield f"http://127.0.0.1:{port}", projects, tmp_path
    os.killpg(proc.pid, 15)
    proc.wait(timeout=20)
    log.close()


@pytest.fixture
def browser():
    with chromium() as driver:
        yield driver


class Terminal:
    """Key presses into the page's terminal, as a user types them."""

    def __init__(self, browser, url: str, shots: Path) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        browser.get(url)
        self.area = WebDriverWait(browser, 30).until(lambda d: d.find_element(By.CSS_SELECTOR, "textarea"))
        browser.execute_script("arguments[0].focus()", self.area)
        self.browser, self.shots, self.count = browser, shots, 0

    def keys(self, *keys: str, wait: float = 1.0) -> None:
        self.area.send_keys(*keys)
        time.sleep(wait)

    def ctrl(self, key: str, wait: float = 1.5) -> None:
        from selenium.webdriver.common.keys import Keys

        self.keys(Keys.CONTROL, key, wait=wait)

    def shot(self) -> Path:
        self.count += 1
        path = self.shots / f"screen-{self.count}.png"
        self.browser.save_screenshot(str(path))
        return path


def wait_for(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def test_a_walk_in_the_browser_writes_a_project_inside_projects(server, browser):
    from selenium.webdriver.common.keys import Keys

    url, projects, tmp = server
    term = Terminal(browser, url, tmp)
    time.sleep(3)  # the wizard process starts behind the websocket
    term.keys("n", wait=2.5)
    for _ in range(6):  # OS + provider, base box, packages, apps, resources, review
        term.ctrl("n")
    # The write step: a hostile name first. It must not escape, and nothing is written.
    outside = tmp / "escaped"
    term.keys(Keys.END, wait=0.3)
    term.ctrl("u", wait=0.3)
    term.keys("../escaped", wait=1.0)
    term.ctrl("n", wait=3.0)
    term.shot()
    assert not outside.exists() and list(projects.iterdir()) == []
    term.keys(Keys.END, wait=0.3)
    term.ctrl("u", wait=0.3)
    term.keys("/tmp/abs-escape", wait=1.0)
    term.ctrl("n", wait=3.0)
    assert not Path("/tmp/abs-escape").exists() and list(projects.iterdir()) == []
    # Then a plain name: written inside --projects.
    term.keys(Keys.END, wait=0.3)
    term.ctrl("u", wait=0.3)
    term.keys("class-vm", wait=1.0)
    term.ctrl("n", wait=1.0)
    written = projects / "class-vm"
    assert wait_for(lambda: (written / "gaev.lock.json").exists()), f"not written; see {term.shot()}"
    done = subprocess.run([sys.executable, "-m", "gaev_tui", "validate", str(written)], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
