"""`wfplan serve` in a real browser (issue 21): the page is titled "wfplan" and asks no other
host for anything (no fonts.googleapis.com: planners' jump hosts often have no internet),
and the app runs in it. Chromium from Debian's packages, driven by Playwright's Python client
(its own browser download cannot work here). The terminal is drawn in a canvas, so the test
reads the websocket frames, where site names and figures arrive, and the requests made.

Without /usr/bin/chromium the browser test skips, naming the install command; with CI set
it fails instead (.ci/run installs Chromium)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.tui.test_serve import ROOT, free_port, wait_for_page
from tui.serve import TEMPLATES

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]


def test_the_page_is_titled_and_names_no_other_host() -> None:
    page = (TEMPLATES / "app_index.html").read_text()
    assert "<title>wfplan</title>" in page
    assert not re.findall(r"(?:src|href)=\"https?://", page)  # everything from this server
    assert "googleapis" not in page and "fonts/RobotoMono-VariableFont_wght.ttf" in page  # the font, served here


def chromium_or_skip() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing on CI: .ci/run installs it (apt-get install -y chromium)")
    pytest.skip(f"needs Chromium at {CHROMIUM}: apt-get update && apt-get install -y chromium")


def test_the_app_runs_in_chromium_with_no_other_host(small_folder: Path) -> None:
    chromium_or_skip()
    from playwright.sync_api import sync_playwright

    port = free_port()
    args = ["--data", str(small_folder)]
    code = f"import sys; from tui.serve import serve; sys.exit(serve('127.0.0.1', {port}, {args!r}))"
    server = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_for_page(url, server, time.monotonic() + 30)
        requests: list[str] = []
        frames: list[bytes] = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.on("request", lambda request: requests.append(request.url))

                def on_socket(socket):
                    requests.append(socket.url)
                    socket.on("framereceived", lambda payload: frames.append(
                        payload if isinstance(payload, bytes) else payload.encode()))

                page.on("websocket", on_socket)
                page.goto(url)
                assert page.title() == "wfplan"
                page.mouse.click(640, 400)  # the splash: a click starts the app
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline and b"$150,000" not in b"".join(frames):
                    page.wait_for_timeout(250)
            finally:
                browser.close()
        screen = b"".join(frames)
        assert b"Kennewick" in screen and b"$150,000" in screen  # KEN's annual cost: the app runs
        hosts = {urlparse(u).hostname for u in requests}
        assert hosts == {"127.0.0.1"}, requests
    finally:
        server.terminate()
        try:
            server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate()
