"""The registry's index page in a real browser (Debian's headless Chromium driven by
selenium), from file:// and over HTTP: search filters the list by name, OS, provider,
application and installed package; a box page shows its versions and the command."""

from __future__ import annotations

import json

import pytest

from tests.browser import chromium
from tests.registry.helpers import ROOT, gaev, make_box
from tests.registry.servers import static_server


@pytest.fixture(scope="module")
def browser():
    with chromium() as driver:
        yield driver


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("index")
    reg = tmp / "registry"
    gaev("registry", "init", str(reg), "--org", "lab")
    project = tmp / "project"
    gaev("generate", str(ROOT / "examples" / "jupyterhub-vm.yaml"), "-o", str(project))
    name = json.loads((project / "gaev.lock.json").read_text())["name"]
    (project / "builds").mkdir()
    make_box(project / "builds" / f"{name}-virtualbox.box", provider="virtualbox")
    (project / "builds" / f"{name}-virtualbox.manifest.json").write_text(json.dumps(
        {"system_packages": [{"name": "r-base-core", "version": "4.5.2"}], "python": {"freeze": ["numpy==2.1.0"]}}))
    gaev("publish", str(project), "--to", str(reg), "--description", "A <b>class</b> JupyterHub")
    gaev("publish", str(make_box(tmp / "plain.box")), "--to", str(reg), "--name", "lab/plain-debian",
         "--version", "2.0.0")
    gaev("publish", str(make_box(tmp / "plain2.box")), "--to", str(reg), "--name", "lab/plain-debian")
    return reg, name


def search(browser, words: str) -> list[str]:
    from selenium.webdriver.common.by import By

    box = browser.find_element(By.ID, "q")
    box.clear()
    box.send_keys(words)
    return [li.get_attribute("data-name") for li in browser.find_elements(By.CSS_SELECTOR, "#boxes li")
            if li.is_displayed()]


def check_pages(browser, url: str, name: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{url}/index.html")
    assert sorted(search(browser, "")) == sorted([f"lab/{name}", "lab/plain-debian"])
    assert search(browser, "numpy") == [f"lab/{name}"]  # an installed package
    assert search(browser, "jupyterhub virtualbox") == [f"lab/{name}"]  # an app and a provider
    assert search(browser, "libvirt") == ["lab/plain-debian"]
    assert search(browser, "nothing-like-this") == []
    assert browser.find_element(By.ID, "count").text == "0 boxes"
    search(browser, "plain")
    browser.find_element(By.LINK_TEXT, "lab/plain-debian").click()
    rows = browser.find_elements(By.CSS_SELECTOR, "#versions tr.version")
    assert [r.find_element(By.TAG_NAME, "td").text for r in rows] == ["2.0.1", "2.0.0"]
    assert browser.find_element(By.ID, "command").text == f"vagrant box add {url}/lab/plain-debian/metadata.json"
    browser.get(f"{url}/lab/{name}/index.html")
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "A <b>class</b> JupyterHub" in body  # user text shown as text, never as HTML
    assert "sha256:" in body and "How to cite" in body


def test_index_page_from_file_url(browser, registry):
    reg, name = registry
    check_pages(browser, reg.as_uri(), name)


def test_index_page_over_http(browser, registry, tmp_path):
    reg, name = registry
    # The same files served by a web server: the page links are relative, so they work.
    with static_server(reg) as url:
        browser.get(f"{url}/index.html")
        assert len(search(browser, "")) == 2
        search(browser, "plain")
        from selenium.webdriver.common.by import By

        browser.find_element(By.LINK_TEXT, "lab/plain-debian").click()
        assert browser.current_url == f"{url}/lab/plain-debian/index.html"
        assert len(browser.find_elements(By.CSS_SELECTOR, "#versions tr.version")) == 2
