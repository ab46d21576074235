"""wfplan through Spark Connect: a real server, started from the pyspark package on 127.0.0.1.

The server is `sbin/start-connect-server.sh --wait` of the installed pyspark, in a process
group of its own on a free port; the test stops it by its process id. `wfplan check` and
`wfplan report --spark-remote sc://127.0.0.1:PORT` must print what DuckDB prints.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.engines.conftest import skip_or_fail, spark_missing
from tests.engines.test_spark_parity import SCENARIO, assert_same, broken_folder, edge_folder, run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def connect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`sc://127.0.0.1:PORT` of a Spark Connect server that runs for this module's tests."""
    reason = spark_missing()
    if reason:
        skip_or_fail(reason)
    import pyspark

    home = Path(pyspark.__file__).parent
    logs = tmp_path_factory.mktemp("connect-logs")
    port = free_port()
    env = {
        **os.environ, "SPARK_HOME": str(home), "SPARK_LOG_DIR": str(logs), "SPARK_PID_DIR": str(logs),
        "SPARK_LOCAL_IP": "127.0.0.1", "SPARK_CONF_DIR": str(logs),
    }
    command = [
        str(home / "sbin" / "start-connect-server.sh"), "--wait", "--master", "local[2]",
        "--conf", f"spark.connect.grpc.binding.port={port}",
        "--conf", "spark.connect.grpc.binding.address=127.0.0.1",
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.sql.shuffle.partitions=8",
        "--conf", "spark.driver.extraJavaOptions=-XX:+UseSerialGC -XX:TieredStopAtLevel=1",
    ]
    with (logs / "server.out").open("wb") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                  start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            if server.poll() is not None:
                pytest.fail(f"the Spark Connect server exited ({server.returncode}): {(logs / 'server.out').read_text()[-2000:]}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"the Spark Connect server did not listen on {port} within 180 s")
            time.sleep(0.5)
        yield f"sc://127.0.0.1:{port}"
    finally:
        # Its own process group (start_new_session): the script and the JVM it started.
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(10)


def test_check_and_report_through_spark_connect_give_duckdbs_lines_and_numbers(
    connect_server: str, demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """Every folder of the local parity tests: the demo and the edge folder (check and report
    with a scenario), and the broken folder (the check's verdict and examples)."""
    scenario = tmp_path / "close-ken.toml"
    scenario.write_text(SCENARIO)
    remote = ["--spark-remote", connect_server]

    for folder in (edge_folder(tmp_path), demo):
        duckdb_check = run(capsys, "check", "--data", str(folder))
        assert run(capsys, "check", *remote, "--data", str(folder)) == duckdb_check

        code, duckdb_out, _ = run(capsys, "report", "--data", str(folder), "--scenario", str(scenario))
        spark_code, spark_out, err = run(capsys, "report", *remote, "--data", str(folder), "--scenario", str(scenario))
        assert (spark_code, err) == (code, "")
        assert_same(json.loads(duckdb_out), json.loads(spark_out))

    broken = broken_folder(tmp_path / "broken")
    code, duckdb_out, _ = run(capsys, "check", "--format", "json", "--data", str(broken))
    spark_code, spark_out, _ = run(capsys, "check", "--format", "json", *remote, "--data", str(broken))
    assert code == 1 and (spark_code, json.loads(spark_out)) == (code, json.loads(duckdb_out))


def test_an_unreachable_server_is_one_line_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reason = spark_missing()
    if reason:
        skip_or_fail(reason)
    folder = edge_folder(tmp_path)
    address = f"sc://127.0.0.1:{free_port()}"  # nothing listens there
    code, out, err = run(capsys, "check", "--spark-remote", address, "--data", str(folder))
    assert code == 2 and out == ""
    assert err.startswith(f"wfplan: engine error: Spark Connect at {address} ")
    assert len(err.splitlines()) == 1
