"""What the statistics read of the validation, sensitivity and montecarlo sections: here, apart from the
model code, so the workflow's DAG reads them without importing statsmodels (2.5 s of every no-op)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from runrisk.config import Section
from runrisk.stats.terms import Term


@dataclass(frozen=True)
class ValidationSettings(Section):
    SECTION = "validation"

    method: Literal["firth", "logistic"]
    bootstrap_repetitions: int
    seed: int
    calibration_groups: int
    decision_thresholds: tuple[float, float, float]  # from, to, step


@dataclass(frozen=True)
class ExposureComparison(Section):
    """The models with each weekly exposure compared on the same participants (runrisk.stats.comparison)."""

    SECTION = "models.exposure_comparison"

    replaces: str
    alternatives: tuple[Term, ...]
    bootstrap_repetitions: int


@dataclass(frozen=True)
class SampleSizeSettings(Section):
    """Riley's criteria for the minimum size of a prediction model's development (runrisk.stats.samplesize)."""

    SECTION = "sample_size"

    anticipated_r2_cs: float | None
    shrinkage: float
    optimism: float
    margin: float


@dataclass(frozen=True)
class MultipleImputation(Section):
    SECTION = "sensitivity.multiple_imputation"

    enabled: bool
    imputations: int
    burn_in: int
    seed: int


@dataclass(frozen=True)
class TendonSensitivity(Section):
    SECTION = "sensitivity.tendon"

    enabled: bool
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class SensitivitySettings(Section):
    SECTION = "sensitivity"

    lenient_controls: bool
    runners_only: bool
    whole_follow_up_exposure: bool
    multiple_imputation: MultipleImputation
    tendon: TendonSensitivity


@dataclass(frozen=True)
class MontecarloSettings(Section):
    """What one cohort size's replicates read of the montecarlo section (the sizes are the DAG's)."""

    SECTION = "montecarlo"

    repetitions: int
    alpha: float
