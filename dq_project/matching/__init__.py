"""Entity resolution with Splink 5 on DuckDB: persons and companies, each with its own model.

`resolve_entities` is the entry point; `train_model` trains one type's model on its own.
"""

from dq_project.matching.features import prepare_features
from dq_project.matching.model import (
    CUSTOMER_TYPES,
    ModelTrainingError,
    UntrainedLevelWarning,
    model_settings,
    train_model,
)
from dq_project.matching.resolve import MatchResult, model_path, resolve_entities

__all__ = [
    "CUSTOMER_TYPES",
    "MatchResult",
    "ModelTrainingError",
    "UntrainedLevelWarning",
    "model_path",
    "model_settings",
    "prepare_features",
    "resolve_entities",
    "train_model",
]
