"""The one Spark session every Spark test shares, started once per test run.

Spark tests need pyspark and sqlglot (`pip install -e '.[test]'` installs both: the `test`
extra pulls in the `spark` one) and Java 17. Without them the Spark tests are skipped on a
developer's machine, but fail when `CI` is set: CI must test Spark, not skip it silently.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from queries.config import EngineSettings


def spark_missing() -> str | None:
    """Why Spark cannot run here, or None."""
    try:
        import pyspark  # noqa: F401
        import sqlglot  # noqa: F401
    except ImportError as err:
        return f"{err.name} is not installed (pip install -e '.[test]')"
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and (Path(java_home) / "bin" / "java").exists()):
        return "Java is not installed (Debian: apt-get install -y openjdk-17-jre-headless)"
    return None


def skip_or_fail(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the Spark tests: {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


@pytest.fixture(scope="package")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineSettings]:
    """Settings naming local Spark; its driver is started here, once, and stopped after the
    last test of tests/engines/ (its JVM does not idle through the rest of the suite).

    The settings are the defaults of `--engine spark`, so engines connected by the tests, by
    `wfplan report --engine spark` and by the app in a test all get sessions on this driver.
    """
    reason = spark_missing()
    if reason:
        skip_or_fail(reason)
    from queries.engines.spark_engine import new_session, stop_drivers

    settings = EngineSettings(name="spark")
    with pytest.MonkeyPatch.context() as patch:
        # Spark's log goes to this run's own cache folder, not the developer's.
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("spark-cache")))
        new_session(settings.spark)
    yield settings
    stop_drivers()


@pytest.fixture(scope="package")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo folder (300 agents, 120 days), for the parity tests local and through Spark Connect."""
    from queries.demo.generate import generate_demo

    folder = tmp_path_factory.mktemp("demo") / "data"
    generate_demo(folder, agents=300, days=120)
    return folder
