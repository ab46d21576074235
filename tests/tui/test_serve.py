"""`wfplan serve` (tui/serve.py): the command each browser runs, the host it binds, and a
real server on 127.0.0.1 that answers, runs the app over its websocket and stops."""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from queries.contract.location import RemoteFolder
from tui.serve import DEFAULT_HOST, app_args, app_command, exposure_warning, public_url, serve

ROOT = Path(__file__).resolve().parents[2]


class FakeServer:
    """Stands in for textual_serve.server.Server: records what it was given."""

    made: list[FakeServer] = []
    fail: OSError | None = None

    def __init__(self, command: str, host: str = "localhost", port: int = 8000, title: str | None = None,
                 public_url: str | None = None, templates_path: Path | None = None) -> None:
        self.command, self.host, self.port, self.title, self.public_url = command, host, port, title, public_url
        self.templates_path = templates_path
        self.served = False
        FakeServer.made.append(self)

    def serve(self, debug: bool = False) -> None:
        if FakeServer.fail is not None:
            raise FakeServer.fail
        self.served = True


@pytest.fixture
def fake_server(monkeypatch: pytest.MonkeyPatch) -> type[FakeServer]:
    FakeServer.made, FakeServer.fail = [], None
    monkeypatch.setattr("textual_serve.server.Server", FakeServer)
    return FakeServer


def test_the_command_runs_wfplan_on_the_same_files_by_absolute_path(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    args = app_args(Path("my exports"), Path("close ken.toml"), Path("conf/wfplan.toml"))
    assert args == ["--config", str(tmp_path / "conf/wfplan.toml"), "--data", str(tmp_path / "my exports"),
                    "--scenario", str(tmp_path / "close ken.toml")]
    # textual-serve hands the command to a shell: the spaces must survive it.
    assert shlex.split(app_command(args)) == [sys.executable, "-m", "tui.cli", *args]


def test_a_data_uri_is_passed_on_as_it_is() -> None:
    assert app_args(RemoteFolder("s3a://lake/wfm exports")) == ["--data", "s3a://lake/wfm exports"]


def test_options_not_given_are_left_to_the_app() -> None:
    assert app_args() == []
    assert shlex.split(app_command([])) == [sys.executable, "-m", "tui.cli"]


def test_the_command_is_wfplan() -> None:
    """The command line starts the wfplan command (here asked for its help)."""
    argv = [*shlex.split(app_command([])), "--help"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0 and done.stdout.startswith("usage: wfplan")


def test_binds_to_127_0_0_1_by_default_without_a_warning(fake_server: type[FakeServer], small_folder: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert DEFAULT_HOST == "127.0.0.1"
    assert serve(DEFAULT_HOST, 8000, app_args(small_folder)) == 0
    [server] = fake_server.made
    assert (server.host, server.port, server.served) == ("127.0.0.1", 8000, True)
    assert server.command == app_command(["--data", str(small_folder.resolve())])
    assert server.public_url == "http://127.0.0.1:8000"
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.1.1"])
def test_loopback_hosts_need_no_warning(host: str) -> None:
    assert exposure_warning(host) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "planner-box.example.com"])
def test_any_other_host_prints_a_one_line_warning(host: str, fake_server: type[FakeServer],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert serve(host, 9000, []) == 0
    assert fake_server.made[0].host == host
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"wfplan: warning: serving on {host}")
    assert "anyone who can reach it" in err and "no login" in err


def test_the_page_connects_back_to_an_address_a_browser_can_use() -> None:
    assert public_url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert public_url("::1", 8000) == "http://[::1]:8000"
    assert "0.0.0.0" not in public_url("0.0.0.0", 8000)


def test_a_port_in_use_is_one_line_and_exit_code_2(fake_server: type[FakeServer],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    fake_server.fail = OSError(98, "Address already in use")
    assert serve(DEFAULT_HOST, 8000, []) == 2
    assert capsys.readouterr().err == "wfplan: cannot serve on 127.0.0.1:8000: Address already in use\n"


def test_importing_tui_serve_starts_nothing() -> None:
    """No server, no thread, not even aiohttp loaded until `serve` is called."""
    code = ("import sys, threading, tui.serve; "
            "assert 'textual_serve' not in sys.modules and 'aiohttp' not in sys.modules, 'loaded'; "
            "assert threading.active_count() == 1, 'a thread'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr


# -- a real server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_page(url: str, server: subprocess.Popen[str], deadline: float) -> str:
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server stopped: {server.communicate()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode()
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"no answer from {url}")


async def screen_over_websocket(url: str, wanted: bytes, deadline: float) -> bytes:
    """What the app sends the browser, until `wanted` shows."""
    import aiohttp

    received = b""
    timeout = aiohttp.ClientTimeout(total=max(1.0, deadline - time.monotonic()))
    async with aiohttp.ClientSession(timeout=timeout) as session, session.ws_connect(url) as ws:
        await ws.send_str(json.dumps(["resize", {"width": 80, "height": 24}]))
        while wanted not in received and time.monotonic() < deadline:
            try:
                message = await ws.receive(timeout=max(0.1, deadline - time.monotonic()))
            except TimeoutError:
                break
            if message.type == aiohttp.WSMsgType.BINARY:
                received += message.data
            elif message.type == aiohttp.WSMsgType.TEXT:
                received += message.data.encode()
            else:
                break
    return received


async def test_serves_the_app_on_127_0_0_1_and_stops(small_folder: Path) -> None:
    """A browser's view: the page on 127.0.0.1, the app's screen over the websocket, then a
    clean stop on SIGTERM (as on Ctrl+C)."""
    port = free_port()
    args = ["--data", str(small_folder)]
    code = f"import sys; from tui.serve import serve; sys.exit(serve('127.0.0.1', {port}, {args!r}))"
    server = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env={**os.environ, "COLUMNS": "200"})
    try:
        deadline = time.monotonic() + 30
        page = await asyncio.to_thread(wait_for_page, f"http://127.0.0.1:{port}/", server, deadline)
        assert f"ws://127.0.0.1:{port}/ws" in page
        screen = await asyncio.wait_for(screen_over_websocket(
            f"http://127.0.0.1:{port}/ws?width=80&height=24", b"Kennewick", deadline), timeout=35)
        assert b"Kennewick" in screen and b"$150,000" in screen  # KEN's annual cost: the app runs, with numbers
        server.send_signal(signal.SIGTERM)
        out, err = await asyncio.to_thread(server.communicate, timeout=30)
        assert server.returncode == 0, err
        command = shlex.join([sys.executable, "-m", "tui.cli", "--data", str(small_folder.resolve())])
        assert f"Serving {command!r}" in out
        assert "warning" not in err
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()


# -- the command line -------------------------------------------------------------------------


def test_wfplan_serve_hands_its_options_to_serve(small_folder: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.cli import main

    calls: list[tuple[str, int, list[str]]] = []
    monkeypatch.setattr("tui.serve.serve", lambda host, port, args: calls.append((host, port, list(args))) or 0)
    scenario = tmp_path / "plan.toml"
    assert main(["serve", "--data", str(small_folder)]) == 0
    assert main(["serve", "--data", str(small_folder), "--scenario", str(scenario),
                 "--host", "0.0.0.0", "--port", "9000"]) == 0
    assert calls == [
        ("127.0.0.1", 8000, ["--data", str(small_folder.resolve())]),
        ("0.0.0.0", 9000, ["--data", str(small_folder.resolve()), "--scenario", str(scenario.resolve())]),
    ]
