"""Shared fixtures: the developer's own config and environment never leak into a test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.folders import write_folder


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    import os

    for name in list(os.environ):
        if name.startswith("WFPLAN_"):
            monkeypatch.delenv(name)


@pytest.fixture
def small_folder(tmp_path: Path) -> Path:
    return write_folder(tmp_path / "data")
