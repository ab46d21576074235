"""Settings: sources in priority order, and every kind of config error as the user sees it."""

from __future__ import annotations

from pathlib import Path

import pytest

from queries.config import ConfigError, load_settings
from queries.model.scenario import ScenarioError, load_scenario
from tui.cli import main


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_defaults_are_the_model_spec_defaults() -> None:
    s = load_settings()
    assert (s.remote.stipend_monthly, s.remote.equipment_cost, s.remote.equipment_life_years) == (50, 1500, 3)
    assert (s.remote.it_security_annual, s.remote.wage_delta_hourly) == (300, 0)
    assert s.labor.paid_hours_per_fte == 2080
    assert (s.plan.remote_target_share, s.plan.hybrid_onsite_days) == (0.5, 2)
    assert s.privacy.min_group_agents == 5
    assert (s.hiring.cost_per_hire, s.hiring.commute_radius_km) == (5000, 50)
    assert (s.hiring.allowed_states, s.hiring.utc_offsets, s.hiring.max_median_wage) == ([], [], None)
    assert (s.scenario.retain_share, s.scenario.backfill_share) == (0.8, 1)
    assert (s.staffing.service_level, s.staffing.answer_seconds, s.staffing.shrinkage) == (0.8, 20, 0.3)
    assert (s.staffing.max_occupancy, s.staffing.patience_seconds) == (None, None)


def test_flags_beat_environment_beat_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, 'data_folder = "/from/file"\n[remote]\nstipend_monthly = 60\nequipment_cost = 900\n')
    assert load_settings(path).remote.stipend_monthly == 60
    monkeypatch.setenv("WFPLAN_REMOTE__STIPEND_MONTHLY", "75")
    monkeypatch.setenv("WFPLAN_DATA_FOLDER", "/from/env")
    s = load_settings(path, {"data_folder": Path("/from/flag")})
    assert s.remote.stipend_monthly == 75  # environment beats file
    assert s.remote.equipment_cost == 900  # file beats default
    assert s.data_folder == Path("/from/flag")  # flag beats environment


def test_config_file_from_environment_and_user_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "[privacy]\nmin_group_agents = 7\n")
    monkeypatch.setenv("WFPLAN_CONFIG", str(path))
    assert load_settings().privacy.min_group_agents == 7
    monkeypatch.delenv("WFPLAN_CONFIG")
    from queries.config import default_config_path

    default_config_path().parent.mkdir(parents=True)
    default_config_path().write_text("[privacy]\nmin_group_agents = 9\n")
    assert load_settings().privacy.min_group_agents == 9


def test_example_config_loads_exactly_to_the_defaults() -> None:
    example = Path(__file__).parent.parent / "config.example.toml"
    loaded = load_settings(example)
    defaults = load_settings()
    # Every key is documented, and every documented value is the default.
    assert loaded.model_dump(exclude={"data_folder", "scenarios_folder"}) == defaults.model_dump(
        exclude={"data_folder", "scenarios_folder"}
    )
    text = example.read_text()
    for section, model in defaults:
        if hasattr(type(model), "model_fields"):
            for key in type(model).model_fields:
                documented = f"{key} =" in text or f"# {key} =" in text or f"[{section}.{key}]" in text
                assert documented, f"{section}.{key} is not documented"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[remote]\nstipnd_monthly = 3\n",
         "{path}: remote.stipnd_monthly: unknown key (did you mean remote.stipend_monthly?)"),
        ("data_foldr = 'x'\n", "{path}: data_foldr: unknown key (did you mean data_folder?)"),
        ("[duckdb]\nthreads = 2\nmemory = '1GB'\n", "{path}: duckdb.memory: unknown key (did you mean duckdb.memory_limit?)"),
        ("[engine.duckdb]\nmemory = '1GB'\n", "{path}: engine.duckdb.memory: unknown key (did you mean engine.duckdb.memory_limit?)"),
        ("[engine]\nname = 'oracle'\n", "{path}: engine.name: must be one of 'duckdb' or 'spark' (got 'oracle')"),
        ("[remote]\nstipend_monthly = -5\n", "{path}: remote.stipend_monthly: must be >= 0 (got -5)"),
        ("[plan]\nremote_target_share = 1.5\n", "{path}: plan.remote_target_share: must be <= 1 (got 1.5)"),
        ("[remote]\nstipend_monthly = 'lots'\n", "{path}: remote.stipend_monthly: must be a number (got 'lots')"),
        ("[privacy]\nmin_group_agents = 2.5\n", "{path}: privacy.min_group_agents: must be a whole number (got 2.5)"),
        ("[hiring]\nallowed_states = 'WA'\n", "{path}: hiring.allowed_states: must be a list (got 'WA')"),
        ("[remote\nstipend_monthly = 1\n",
         "{path}: not valid TOML: Expected ']' at the end of a table declaration (at line 1, column 8)"),
    ],
)
def test_config_errors_name_file_key_and_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    path = write(tmp_path, text)
    code = main(["--config", str(path), "check", "--data", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert err == "wfplan: config error: " + message.format(path=path) + "\n"
    assert "Traceback" not in err


def test_environment_errors_name_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WFPLAN_REMOTE__STIPEND_MONTHLY", "-1")
    with pytest.raises(ConfigError, match=r"^environment WFPLAN_REMOTE__STIPEND_MONTHLY: remote.stipend_monthly: must be >= 0 \(got '-1'\)$"):
        load_settings()
    monkeypatch.delenv("WFPLAN_REMOTE__STIPEND_MONTHLY")
    monkeypatch.setenv("WFPLAN_DATA_FOLDR", "/x")
    with pytest.raises(ConfigError, match=r"^environment WFPLAN_DATA_FOLDR: unknown setting \(did you mean WFPLAN_DATA_FOLDER\?\)$"):
        load_settings()


def test_missing_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"config file .*nope.toml does not exist"):
        load_settings(tmp_path / "nope.toml")


def test_the_old_duckdb_section_still_applies_with_a_deprecation_note(tmp_path: Path) -> None:
    """`[duckdb]` from before `[engine]`: its keys apply where `[engine.duckdb]` does not set them."""
    path = tmp_path / "config.toml"
    path.write_text("[duckdb]\nthreads = 3\nmemory_limit = '2GB'\n\n[engine.duckdb]\nmemory_limit = '3GB'\n")
    settings = load_settings(path)
    assert settings.engine.duckdb.threads == 3
    assert settings.engine.duckdb.memory_limit == "3GB"
    assert settings.deprecations == ["the [duckdb] settings section is deprecated: name it [engine.duckdb] "
                                     "(environment: WFPLAN_ENGINE__DUCKDB__...); it is still read"]
    assert load_settings(None).deprecations == []


def test_the_cli_prints_the_deprecation_note(tmp_path: Path, small_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tui.cli import main

    path = tmp_path / "config.toml"
    path.write_text("[duckdb]\nthreads = 1\n")
    assert main(["check", "--config", str(path), "--data", str(small_folder)]) == 0
    assert "wfplan: the [duckdb] settings section is deprecated: name it [engine.duckdb]" in capsys.readouterr().err


def test_a_list_setting_in_the_environment_must_be_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WFPLAN_HIRING__ALLOWED_STATES", "WA")
    with pytest.raises(ConfigError, match=r"^environment WFPLAN_HIRING__ALLOWED_STATES: lists and tables must be written as JSON"):
        load_settings()
    monkeypatch.setenv("WFPLAN_HIRING__ALLOWED_STATES", '["WA", "ID"]')
    assert load_settings().hiring.allowed_states == ["WA", "ID"]


def test_files_that_are_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(ConfigError, match=r"not valid TOML: the file is not UTF-8 text$"):
        load_settings(path)
    with pytest.raises(ScenarioError, match=r"not valid TOML: the file is not UTF-8 text$"):
        load_scenario(path)


def test_a_bad_list_item_names_the_file_and_the_item(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[hiring]\nutc_offsets = [-8, "x"]\n')
    with pytest.raises(ConfigError, match=r"c.toml: hiring.utc_offsets #2: must be a number \(got 'x'\)$"):
        load_settings(path)


def test_a_zero_memory_limit_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[duckdb]\nmemory_limit = "0KB"\n')
    with pytest.raises(ConfigError, match=r"duckdb.memory_limit: must be a size above 0 like 2GB or 512MB"):
        load_settings(path)
