from pathlib import Path

import pytest

from dq_project.settings import PROJECT_ROOT, SettingsError, load_settings


def test_project_config_loads_with_home_override(tmp_path: Path) -> None:
    settings = load_settings(PROJECT_ROOT / "dq.toml", home=tmp_path, env={})
    assert settings.home == tmp_path
    assert settings.warehouse_path == tmp_path / "warehouse.duckdb"
    assert [s.name for s in settings.sources] == ["crm", "erp", "fake_1000", "febrl3", "febrl4_a", "febrl4_b"]
    assert settings.source("febrl3").identifier_scheme == "numeric"
    assert str(settings.source("febrl3").birth_date_min) == "1800-01-01"
    assert settings.source("fake_1000").mapped_columns("name") == ["first_name", "surname"]
    assert settings.source("erp").mapping["name"] == "姓名"


def test_env_overrides_home(tmp_path: Path) -> None:
    settings = load_settings(PROJECT_ROOT / "dq.toml", env={"DQ_HOME": str(tmp_path / "x")})
    assert settings.home == tmp_path / "x"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "dq.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_mapping_to_unknown_field_is_a_clear_error(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
[[sources]]
name = "crm"
primary_key = "id"
[sources.mapping]
source_record_id = "id"
nmae = "full_name"
""",
    )
    with pytest.raises(SettingsError, match="unknown canonical fields \\['nmae'\\]"):
        load_settings(path, env={})


def test_primary_key_must_be_mapped(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
[[sources]]
name = "crm"
primary_key = "id"
[sources.mapping]
name = "full_name"
""",
    )
    with pytest.raises(SettingsError, match="primary_key 'id' must be mapped"):
        load_settings(path, env={})


def test_thresholds_must_be_ordered(tmp_path: Path) -> None:
    text = (
        (PROJECT_ROOT / "dq.toml")
        .read_text(encoding="utf-8")
        .replace("pair_floor = 0.3", "pair_floor = 0.3\nmerge_threshold = 0.9\nreview_threshold = 0.99")
    )
    with pytest.raises(SettingsError, match="pair_floor <= review_threshold <= merge_threshold"):
        load_settings(_write(tmp_path, text), env={})


def test_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="config file not found"):
        load_settings(tmp_path / "nope.toml", env={})
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(_write(tmp_path, "sources = ["), env={})


def test_warehouse_connections_get_the_configured_memory_limit(tmp_path: Path) -> None:
    from dq_project.warehouse.resource import connect_warehouse

    text = (PROJECT_ROOT / "dq.toml").read_text(encoding="utf-8") + '\n[warehouse]\nmemory_limit = "1GB"\n'
    config = tmp_path / "dq.toml"
    config.write_text(text, encoding="utf-8")
    settings = load_settings(config, home=tmp_path / "home", env={})
    con = connect_warehouse(settings)
    try:
        ((limit,),) = con.sql("select current_setting('memory_limit')").fetchall()
    finally:
        con.close()
    assert limit == "953.6 MiB"  # 1GB = 10^9 bytes
    config.write_text(text.replace('"1GB"', '"lots"'), encoding="utf-8")
    with pytest.raises(SettingsError, match="memory_limit"):
        load_settings(config, home=tmp_path / "home", env={})


def test_a_source_country_defaults_to_its_phone_region(settings) -> None:
    by_name = {source.name: source for source in settings.sources}
    assert by_name["crm"].default_country == "CN" and by_name["fake_1000"].default_country == "GB"
    assert by_name["fake_1000"].rules.required == ["name"]
