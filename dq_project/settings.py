"""The single settings object: defaults, the project config file, environment overrides, validation.

Precedence (lowest to highest): built-in defaults < the TOML file < environment variables.
The file is `DQ_CONFIG` if set, else `dq.toml` in the working directory, else the default `dq.toml`
shipped inside the package (package data; in a checkout, a link to the top-level dq.toml).
`DQ_HOME` overrides `home`; `DQ_USER` names the acting user. This is the only module that reads the
environment.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from dq_project.sources.mapping_spec import UNION_TAGS, MappingValue, references

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BIRTH_DATE_MIN = dt.date(1900, 1, 1)  # a source's birth_date_min unless it says otherwise

CANONICAL_FIELDS: tuple[str, ...] = (
    "source_record_id", "customer_type", "name", "gender", "birth_date", "id_number", "company_name",
    "credit_code", "mobile", "phone", "email", "province", "city", "district", "address", "owner",
    "tags", "created_at", "updated_at", "given_name", "family_name", "postcode", "identifier", "country",
)  # fmt: skip


class SettingsError(ValueError):
    """The project config is missing or invalid; the message says where and why."""


def _only_known(keys: Iterable[str], known: Iterable[str], what: str) -> None:
    """Raise a validation error naming the keys that are not in `known`."""
    unknown = sorted(set(keys) - set(known))
    if unknown:
        raise ValueError(f"{what} {unknown}; known: {tuple(known)}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceRules(_Strict):
    """Which rules of the suite apply to one source's records (issue 21).

    `required`: the fields this source must fill. Completeness rules on other fields
    (`expect_column_values_to_not_be_null`; not the key or the customer type) skip its records, and
    a listed field without such a rule gets one (`<field>_present`). None (the default): the
    suite's completeness rules apply as written.
    `skip`: rule ids that never judge this source's records.
    """

    required: list[str] | None = None
    skip: list[str] = []

    @field_validator("required")
    @classmethod
    def _required_are_canonical(cls, required: list[str] | None) -> list[str] | None:
        if required is not None:
            _only_known(required, CANONICAL_FIELDS, "rules.required names unknown canonical fields")
        return required


class SourceSettings(_Strict):
    """One source system's exports: where they land and how they map onto the canonical schema."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    landing: Path | None = Field(
        default=None, description="folder of this source's files; default landing/<name>"
    )
    pattern: str = "*.csv"
    format: Literal["csv", "xlsx", "jsonl", "parquet"] = "csv"
    encoding: Literal["auto", "utf-8", "utf-8-sig", "gbk", "gb18030"] = "auto"
    delimiter: str = Field(default=",", min_length=1, max_length=1)
    quote: str = Field(default='"', min_length=1, max_length=1)
    sheet: str | int | None = Field(
        default=None, description="xlsx: sheet name or 0-based index; default first"
    )
    primary_key: str
    # The mapping language (dq_project/sources/mapping_spec.py; docs/configuration.md): canonical fields,
    # and attributes kept beyond them; keep_unmapped keeps every column no mapping value names.
    mapping: dict[str, MappingValue]
    attributes: dict[Annotated[str, Field(pattern=r"^\w+$")], MappingValue] = Field(default_factory=dict)
    keep_unmapped: bool = False
    header_row: int = Field(
        default=1, ge=1, description="csv/xlsx: 1-based row of the header; rows above it are skipped"
    )
    defaults: dict[str, str] = Field(
        default_factory=dict, description="constant canonical values for fields the source lacks"
    )
    required_columns: list[str] | None = Field(
        default=None, description="source columns whose absence stops the load; default: the primary key"
    )
    date_order: Literal["YMD", "DMY", "MDY"] = "YMD"
    phone_region: str = "CN"
    snapshot_date_from: Literal["filename", "column", "load_date"] = "filename"
    snapshot_date_regex: str = r"(\d{4}-\d{2}-\d{2})"
    snapshot_date_column: str | None = None
    trust: int = Field(default=50, ge=0, le=100, description="survivorship: higher wins ties")
    # issue 20: the generic identifier's scheme and the birth dates this source may hold
    identifier_scheme: Literal["none", "numeric", "alphanumeric", "cn_resident_id"] = Field(
        default="none", description="validator of the `identifier` field (see normalize/identifier.py)"
    )
    birth_date_min: dt.date = Field(
        default=DEFAULT_BIRTH_DATE_MIN,
        description="earlier birth dates are invalid (historical data: lower it)",
    )

    @model_validator(mode="before")
    @classmethod
    def _keep_unmapped_in_attributes(cls, data: Any) -> Any:
        """`keep_unmapped = true` may also be written inside [sources.attributes]."""
        attributes = data.get("attributes") if isinstance(data, dict) else None
        if isinstance(attributes, dict) and isinstance(attributes.get("keep_unmapped"), bool):
            attributes = dict(attributes)
            data = {**data, "attributes": attributes, "keep_unmapped": attributes.pop("keep_unmapped")}
        return data

    country: str | None = Field(
        default=None,
        pattern=r"^[A-Z]{2}$",
        description="ISO 3166 alpha-2 country of records without a country of their own (default: "
        "phone_region); Chinese division, ID and mobile rules judge CN records only",
    )
    rules: SourceRules = SourceRules()

    @field_validator("mapping")
    @classmethod
    def _mapping_targets_canonical_fields(cls, mapping: dict[str, MappingValue]) -> dict[str, MappingValue]:
        _only_known(mapping, CANONICAL_FIELDS, "mapping names unknown canonical fields")
        return mapping

    @field_validator("defaults")
    @classmethod
    def _defaults_name_canonical_fields(cls, defaults: dict[str, str]) -> dict[str, str]:
        _only_known(defaults, CANONICAL_FIELDS, "defaults name unknown canonical fields")
        return defaults

    @property
    def default_country(self) -> str:
        """The country of this source's records that name none: `country`, else `phone_region`."""
        return self.country or self.phone_region

    def mapped_columns(self, field: str) -> list[str]:
        """The source columns a canonical field's mapping value names (as written in the config)."""
        value = self.mapping.get(field)
        return [] if value is None else list(dict.fromkeys(references(value)))

    @property
    def source_columns(self) -> list[str]:
        """Every column the mapping and the attributes name (as written; see dq_project.sources.headers)."""
        values = [*self.mapping.values(), *self.attributes.values()]
        return sorted({c for value in values for c in references(value)})

    @property
    def required(self) -> list[str]:
        return self.required_columns if self.required_columns is not None else [self.primary_key]

    @model_validator(mode="after")
    def _snapshot_column_given(self) -> SourceSettings:
        if self.snapshot_date_from == "column" and not self.snapshot_date_column:
            raise ValueError("snapshot_date_from = 'column' needs snapshot_date_column")
        return self

    @model_validator(mode="after")
    def _primary_key_is_mapped(self) -> SourceSettings:
        if self.mapping.get("source_record_id") != self.primary_key:
            raise ValueError(
                f"primary_key {self.primary_key!r} must be mapped as source_record_id "
                f"(mapping has {self.mapping.get('source_record_id')!r})"
            )
        return self


class MatchingSettings(_Strict):
    """Splink bands and training knobs: the `[matching]` section, and the one object dq_project/matching
    takes (plain pydantic, no dagster)."""

    # None: chosen per model from its scores when it is trained (dq_project/matching/thresholds.py)
    merge_threshold: float | None = Field(default=None, gt=0, lt=1)
    review_threshold: float | None = Field(default=None, gt=0, lt=1)
    pair_floor: float = Field(default=0.3, gt=0, lt=1)
    seed: int = 42
    max_pairs_u: float = 2e6
    max_cluster_size: int = Field(default=8, ge=2, description="larger clusters go to review")
    prior_recall: float = Field(
        default=0.8, gt=0, le=1, description="assumed recall of the rules that estimate the prior"
    )
    min_training_records: int = Field(
        default=50, ge=2, description="fewer records of a type (and no saved model): no linkage"
    )
    max_prior_records: int = Field(
        default=200_000, ge=1, description="the prior's EM step scores the pairs of at most this many records"
    )
    min_label_pairs: int = Field(default=20, ge=1, description="steward merge labels needed to refine m")
    label_prior_pairs: float = Field(default=100.0, gt=0, description="EM's m weight, in labelled pairs")
    retrain: Literal["missing", "stale", "never"] = Field(
        default="missing",
        description="train a type without a model (missing), also one trained on too few records "
        "(stale), or never",
    )
    retrain_ratio: float = Field(
        default=0.5, gt=0, le=1, description="stale: trained on fewer than this share of today's records"
    )

    @model_validator(mode="after")
    def _bands_are_ordered(self) -> MatchingSettings:
        review = self.review_threshold if self.review_threshold is not None else self.pair_floor
        merge = self.merge_threshold if self.merge_threshold is not None else 1.0
        if not self.pair_floor <= review <= merge:
            raise ValueError("need pair_floor <= review_threshold <= merge_threshold")
        return self


class GoldenSettings(_Strict):
    """Survivorship per golden field: most_trusted_source | most_recent | most_complete | most_frequent."""

    survivorship: dict[str, str] = {}


class ReportSettings(_Strict):
    locale: Literal["en", "zh-CN"] = "en"
    mask_pii: bool = True
    failure_samples: int = Field(default=5, ge=0, le=50)


KPI_DIMENSIONS = ("completeness", "validity", "consistency", "uniqueness", "timeliness")


class KpiSettings(_Strict):
    """Quality score weighting and the drop that raises an alert."""

    weights: dict[str, float] = {
        "completeness": 0.25, "validity": 0.25, "consistency": 0.15, "uniqueness": 0.20, "timeliness": 0.15,
    }  # fmt: skip
    max_drop: float = Field(default=0.02, ge=0, le=1, description="absolute fall vs the baseline")
    baseline_days: int = Field(default=1, ge=1, le=90, description="1: previous run; N: mean of N runs")

    @field_validator("weights")
    @classmethod
    def _known_non_negative_weights(cls, weights: dict[str, float]) -> dict[str, float]:
        _only_known(weights, KPI_DIMENSIONS, "weights name unknown dimensions")
        if any(w < 0 for w in weights.values()) or not sum(weights.values()):
            raise ValueError("weights must be >= 0 and not all zero")
        return weights


WAREHOUSE_KEY_ENV = "DQ_WAREHOUSE_KEY"
WAREHOUSE_NEW_KEY_ENV = "DQ_WAREHOUSE_NEW_KEY"
MIN_KEY_LENGTH = 16


class WarehouseSettings(_Strict):
    """Encryption at rest of warehouse.duckdb. The keys come from the environment only, never the file."""

    encrypted: bool = Field(default=False, description="the warehouse file is (to be) encrypted")
    memory_limit: str = Field(
        default="4GB",
        pattern=r"^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$",
        description="DuckDB memory limit of every warehouse connection; bigger work spills to disk",
    )
    key: SecretStr | None = Field(default=None, exclude=True, description=f"from {WAREHOUSE_KEY_ENV}")
    new_key: SecretStr | None = Field(
        default=None, exclude=True, description=f"from {WAREHOUSE_NEW_KEY_ENV}, for `dq rekey`"
    )


class ValidationSettings(_Strict):
    """The GX suite run on every staged partition (dq_project/expectations)."""

    suites: list[Path] = Field(
        default_factory=list,
        description="extra GX suite files (JSON); their expectations run and are reported like dq's own",
    )
    data_docs: bool = Field(default=True, description="write GX Data Docs under <home>/reports/<date>/gx")
    incremental: bool = Field(
        default=True,
        description="validate a date from the previous date's results when only some rows changed "
        "(row-local rules: GX on the changed rows only; same results as a full run)",
    )


class RuleOverride(_Strict):
    severity: Literal["ERROR", "WARN"] | None = None
    threshold: float | None = Field(default=None, ge=0, le=1)
    enabled: bool = True
    params: dict[str, Any] | None = None


ROLES = ("viewer", "steward", "engineer", "admin")  # each role may do what the ones before it may


class AccessSettings(_Strict):
    """CLI roles: `users` maps login names to roles; anyone else gets `default_role`."""

    default_role: Literal["viewer", "steward", "engineer", "admin"] = "viewer"
    users: dict[str, Literal["viewer", "steward", "engineer", "admin"]] = {}

    def role(self, user: str) -> str:
        return self.users.get(user, self.default_role)


SPARK_MASTER = re.compile(r"^(local(\[(\*|\d+)(,\s*\d+)?\])?|spark://\S+|sc://\S+|yarn|k8s://\S+)$")


class EngineSettings(_Strict):
    """Where the per-record stages run: the embedded DuckDB (default, what `make run` uses) or Spark
    (dq_project/engine/spark; `pip install dq[spark]` and Java 17+). On Spark, staging, rule
    outcomes, pairs, clusters and golden tables are Parquet in `lake`, partitioned by snapshot date;
    the report side reads them with DuckDB either way. See docs/spark.md."""

    kind: Literal["duckdb", "spark"] = "duckdb"
    master: str = Field(
        default="local[*]",
        description="Spark master: local[*] / local[N], spark://host:port, yarn, k8s://..., or a "
        "Spark Connect URL sc://host:port",
    )
    lake: str | None = Field(
        default=None,
        description="the lake root (a path, or a URL such as s3a://bucket/dq); default <home>/lake",
    )
    options: dict[str, str | int | float | bool] = Field(
        default_factory=dict,
        description='Spark options, e.g. {"spark.sql.shuffle.partitions" = 400, '
        '"spark.executor.memory" = "16g"}',
    )

    @field_validator("master")
    @classmethod
    def _known_master(cls, master: str) -> str:
        if not SPARK_MASTER.match(master.strip()):
            raise ValueError(
                f"engine.master {master!r} is not a Spark master: use local[*], local[N], "
                "spark://host:port, yarn, k8s://url or sc://host:port (Spark Connect)"
            )
        return master.strip()

    @field_validator("options")
    @classmethod
    def _spark_keys(cls, options: dict[str, Any]) -> dict[str, Any]:
        wrong = [key for key in options if not key.startswith("spark.")]
        if wrong:
            raise ValueError(f"engine.options keys are Spark settings (spark.*); got {wrong}")
        return options

    @property
    def is_spark(self) -> bool:
        return self.kind == "spark"


class Settings(_Strict):
    """Everything a run needs; paths derive from `home`."""

    home: Path = Path("var")
    sources: list[SourceSettings]
    matching: MatchingSettings = MatchingSettings()
    report: ReportSettings = ReportSettings()
    kpis: KpiSettings = KpiSettings()
    golden: GoldenSettings = GoldenSettings()
    rules: dict[str, RuleOverride] = {}
    validation: ValidationSettings = ValidationSettings()
    access: AccessSettings = AccessSettings()
    warehouse: WarehouseSettings = WarehouseSettings()
    engine: EngineSettings = EngineSettings()
    demo_rows: int = Field(default=5000, ge=10)

    @field_validator("sources", mode="before")
    @classmethod
    def _sources_are_an_array(cls, sources: Any) -> Any:
        if isinstance(sources, dict):
            names = ", ".join(f"[sources.{k}]" for k in sources)
            raise ValueError(
                f"sources must be an array of tables: write each source as [[sources]] with a name key "
                f'(name = "..."), not as a table {names}'
            )
        return sources

    @field_validator("sources")
    @classmethod
    def _unique_source_names(cls, sources: list[SourceSettings]) -> list[SourceSettings]:
        names = [s.name for s in sources]
        if not names or len(set(names)) != len(names):
            raise ValueError(f"sources must be a non-empty list with unique names, got {names}")
        return sources

    @property
    def warehouse_path(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def landing_dir(self) -> Path:
        return self.home / "landing"

    @property
    def lake_root(self) -> str:
        """Where the Spark engine's Parquet tables live (engine.lake, default <home>/lake)."""
        return self.engine.lake or str((self.home / "lake").absolute())

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    @property
    def reports_dir(self) -> Path:
        return self.home / "reports"

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"

    def source_landing(self, source: SourceSettings) -> Path:
        folder = source.landing or Path(source.name)
        return folder if folder.is_absolute() else self.landing_dir / folder

    def source(self, name: str) -> SourceSettings:
        for source in self.sources:
            if source.name == name:
                return source
        raise SettingsError(f"unknown source {name!r}; configured: {[s.name for s in self.sources]}")


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """The config file in force: DQ_CONFIG, ./dq.toml, or the default dq.toml shipped in the package."""
    env = os.environ if env is None else env
    if env.get("DQ_CONFIG"):
        return Path(env["DQ_CONFIG"])
    local = Path.cwd() / "dq.toml"
    return local if local.exists() else Path(str(resources.files("dq_project") / "dq.toml"))


def env_user(env: Mapping[str, str] | None = None) -> str | None:
    """The acting user named by DQ_USER, if any (the CLI's --user wins over it)."""
    env = os.environ if env is None else env
    return env.get("DQ_USER") or None


def _with_warehouse_keys(raw: dict[str, Any], env: Mapping[str, str], path: Path) -> dict[str, Any]:
    """The config with the warehouse keys from the environment (a key written in the file is refused)."""
    section = raw.get("warehouse", {})
    if not isinstance(section, dict):
        return raw
    if {"key", "new_key"} & section.keys():
        raise SettingsError(
            f"{path}: [warehouse] must not hold a key; set {WAREHOUSE_KEY_ENV} (and {WAREHOUSE_NEW_KEY_ENV} "
            "for `dq rekey`) in the environment instead"
        )
    keys = {"key": env.get(WAREHOUSE_KEY_ENV), "new_key": env.get(WAREHOUSE_NEW_KEY_ENV)}
    # Checked here, not by pydantic, whose errors would quote the key.
    short = [
        name
        for name, key in zip((WAREHOUSE_KEY_ENV, WAREHOUSE_NEW_KEY_ENV), keys.values(), strict=True)
        if key and len(key) < MIN_KEY_LENGTH
    ]
    if short:
        raise SettingsError(f"{short} must hold at least {MIN_KEY_LENGTH} characters")
    return {**raw, "warehouse": {**section, **{k: v for k, v in keys.items() if v}}}


def describe_errors(exc: ValidationError, raw: Mapping[str, Any]) -> str:
    """One line per error, located by key with sources named: `sources[erp].mapping.gender.codes: ...`."""
    sources = raw.get("sources")
    lines = []
    for error in exc.errors():
        where = ""
        for part in error["loc"]:
            if isinstance(part, int):
                name = None
                if where == "sources" and isinstance(sources, list) and part < len(sources):
                    name = sources[part].get("name") if isinstance(sources[part], dict) else None
                where += f"[{name or part}]"
            elif part not in UNION_TAGS:
                where += f".{part}" if where else str(part)
        message = error["msg"].removeprefix("Value error, ")
        lines.append(f"  {where or '(top level)'}: {message}")
    return "\n".join(lines)


def load_settings(
    path: Path | str | None = None, *, home: Path | str | None = None, env: Mapping[str, str] | None = None
) -> Settings:
    """Read and validate the config; `home` (or DQ_HOME) overrides the file's data home."""
    env = os.environ if env is None else env
    path = Path(path) if path else config_path(env)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SettingsError(f"config file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from exc
    override = home or env.get("DQ_HOME")
    if override:
        raw["home"] = str(override)
    raw = _with_warehouse_keys(raw, env, path)
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        raise SettingsError(f"{path}: invalid config:\n{describe_errors(exc, raw)}") from exc
    if not settings.home.is_absolute():
        settings = settings.model_copy(update={"home": (Path.cwd() / settings.home).resolve()})
    return settings
