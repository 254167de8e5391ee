"""Shared fixtures: settings and the warehouse resource pointed at tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from dq_project.settings import PROJECT_ROOT, Settings, load_settings
from dq_project.warehouse.resource import WarehouseResource

CONFIG = PROJECT_ROOT / "dq.toml"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def settings(home: Path) -> Settings:
    return load_settings(CONFIG, home=home, env={})


@pytest.fixture
def warehouse(home: Path) -> WarehouseResource:
    return WarehouseResource(config_path=str(CONFIG), home=str(home))
