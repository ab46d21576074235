"""`wfplan serve`: the app in a web browser, through textual-serve.

textual-serve runs a web server; each browser tab that connects starts its own `wfplan`
process on the same data folder, scenario and settings, and streams its screen over a
websocket. There is no login: whoever can reach the address gets the app, so the server
listens on 127.0.0.1 unless a host is given (reach it over SSH with `ssh -L 8000:...`).

Nothing here runs on import: textual-serve (and aiohttp) load only when `serve` is called.
"""

from __future__ import annotations

import ipaddress
import shlex
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

from queries.contract.location import RemoteFolder

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# wfplan's own page (titled, no font from another host); textual-serve's statics stay its own.
TEMPLATES = Path(__file__).parent / "serve_templates"


def app_args(data: Path | RemoteFolder | None = None, scenario: Path | None = None,
             config: Path | None = None) -> list[str]:
    """The `wfplan` options that open the same app: absolute paths, since the server's
    working folder is not the browser user's concern (a data URI as it is)."""
    args: list[str] = []
    for option, path in (("--config", config), ("--data", data), ("--scenario", scenario)):
        if isinstance(path, RemoteFolder):
            args += [option, path.uri]
        elif path is not None:
            args += [option, str(Path(path).expanduser().resolve())]
    return args


def app_command(command_args: Sequence[str]) -> str:
    """The shell command textual-serve runs for each browser: this Python running `wfplan`.

    `python -m tui.cli` rather than the `wfplan` script, so the app runs in this very
    environment whatever the server's PATH holds. textual-serve hands the command to a
    shell, so every part is quoted.
    """
    return shlex.join([sys.executable, "-m", "tui.cli", *command_args])


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach `host`."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def public_url(host: str, port: int) -> str:
    """The address the browser page connects its websocket to.

    A wildcard host (0.0.0.0, ::) cannot be connected to from another machine, so the
    page names this machine instead; an IPv6 address needs brackets in a URL.
    """
    if host in ("", "0.0.0.0", "::"):
        host = socket.getfqdn()
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def exposure_warning(host: str) -> str | None:
    """One line for a host that other machines may reach; None for a loopback one."""
    if is_loopback(host):
        return None
    return (f"wfplan: warning: serving on {host}, which has no login: anyone who can reach it "
            "gets the app and the data; use 127.0.0.1 and an SSH tunnel instead")


def serve(host: str, port: int, command_args: Sequence[str]) -> int:
    """Serve `wfplan COMMAND_ARGS` on http://HOST:PORT until Ctrl+C; the exit code."""
    from textual_serve.server import Server

    warning = exposure_warning(host)
    if warning:
        print(warning, file=sys.stderr)
    server = Server(app_command(command_args), host=host, port=port, title="wfplan",
                    public_url=public_url(host, port), templates_path=TEMPLATES)
    try:
        server.serve()
    except OSError as err:  # the port is taken, the host is not this machine's, ...
        print(f"wfplan: cannot serve on {host}:{port}: {err.strerror or err}", file=sys.stderr)
        return 2
    return 0
