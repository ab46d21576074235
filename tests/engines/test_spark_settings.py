"""`[engine.spark]` and the command-line flags that choose Spark: what they set, and the
message a mistake gets. No Spark is started here."""

from __future__ import annotations

from pathlib import Path

import pytest

from queries.config import load_settings
from tui.cli import build_parser, main, settings_from


def test_flags_choose_spark_and_keep_the_conf_of_the_settings_file(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[engine.spark]\nmaster = "local[2]"\n\n[engine.spark.conf]\n"spark.executor.memory" = "8g"\n')
    args = build_parser().parse_args(["report", "--config", str(config), "--spark-remote", "sc://gw:15002"])
    engine = settings_from(args).engine
    assert engine.name == "spark"
    # The flag's remote replaces the file's master; the file's conf stays.
    assert (engine.spark.remote, engine.spark.master) == ("sc://gw:15002", None)
    assert engine.spark.conf == {"spark.executor.memory": "8g"}
    args = build_parser().parse_args(["report", "--config", str(config), "--engine", "spark"])
    assert settings_from(args).engine.spark.master == "local[2]"


def test_environment_names_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WFPLAN_ENGINE__NAME", "spark")
    monkeypatch.setenv("WFPLAN_ENGINE__SPARK__REMOTE", "sc://127.0.0.1:15002")
    engine = load_settings().engine
    assert (engine.name, engine.spark.remote) == ("spark", "sc://127.0.0.1:15002")


@pytest.mark.parametrize(("text", "message"), [
    ('[engine.spark]\nremote = "http://gw:15002"\n',
     "{path}: engine.spark.remote: must be a Spark Connect address like sc://host:15002 (got 'http://gw:15002')"),
    ('[engine.spark]\nremote = "sc://gw:15002"\nmaster = "yarn"\n',
     "{path}: engine.spark: set remote (Spark Connect) or master, not both"),
    ('[engine.spark]\nmastr = "yarn"\n', "{path}: engine.spark.mastr: unknown key (did you mean engine.spark.master?)"),
])
def test_spark_settings_errors_name_file_key_and_rule(text: str, message: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text)
    assert main(["check", "--config", str(config), "--data", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"wfplan: config error: {message.format(path=config)}\n"


def test_a_spark_flag_with_another_engine_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--engine", "duckdb", "--spark-master", "local[2]", "--data", str(tmp_path)]) == 2
    assert capsys.readouterr().err == "wfplan: --spark-master needs --engine spark (got --engine duckdb)\n"
    assert main(["check", "--spark-remote", "sc://gw:1", "--spark-master", "yarn", "--data", str(tmp_path)]) == 2
    assert capsys.readouterr().err == "wfplan: give --spark-remote (Spark Connect) or --spark-master, not both\n"


def test_wfplan_serve_hands_the_engine_flags_to_each_browsers_app(small_folder: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr("tui.serve.serve", lambda host, port, args: calls.append(list(args)) or 0)
    assert main(["serve", "--data", str(small_folder), "--spark-remote", "sc://gw:15002"]) == 0
    assert calls == [["--data", str(small_folder.resolve()), "--spark-remote=sc://gw:15002"]]


def test_the_duckdb_path_never_imports_spark_or_sqlglot(small_folder: Path) -> None:
    """pyspark and sqlglot are imported only when Spark is named: a DuckDB check loads neither."""
    import subprocess
    import sys

    code = ("import sys; from pathlib import Path; from queries.contract.check import open_folder; "
            f"open_folder(Path({str(small_folder)!r})); "
            "print(sorted(m for m in ('pyspark', 'sqlglot', 'py4j') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
