"""Attribution methods behind one small interface, looked up by name.

An :class:`Explainer` turns a padded batch of token ids into one attribution
score per token position (and, for path methods, a convergence delta per
example). Built-in explainers wrap Captum; a registry maps names to explainer
classes and type-checks what it accepts (the Presidio registry habit), so new
methods plug in by name without touching the engine.

Gradient methods other than layer integrated gradients work on the input
embeddings (``model.get_input_embeddings()``); the model adds position and
token-type embeddings itself, which are equal for input and baseline and so
carry no attribution.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

import torch
from torch import Tensor, nn

from auditkit.exceptions import ConfigError, ExplainError

__all__ = [
    "AttributionBatch",
    "Explainer",
    "ExplainerRegistry",
    "default_registry",
]


@dataclass(frozen=True)
class AttributionBatch:
    """A padded batch ready for attribution (all tensors on the model's device).

    Attributes
    ----------
    input_ids, attention_mask, baseline_ids:
        ``(B, L)`` token ids, mask, and baseline ids ([PAD] with special tokens kept).
    target:
        ``(B,)`` class index explained for each example.
    """

    input_ids: Tensor
    attention_mask: Tensor
    baseline_ids: Tensor
    target: Tensor

    @property
    def size(self) -> int:
        """Number of examples in the batch."""
        return int(self.input_ids.shape[0])

    def subset(self, index: Tensor) -> AttributionBatch:
        """The batch restricted to the rows in ``index``."""
        return AttributionBatch(
            self.input_ids[index], self.attention_mask[index], self.baseline_ids[index], self.target[index]
        )


CHECKED_DEFAULT_STEPS = 24
"""Default Gauss-Legendre steps of a method whose every example is checked for completeness and recomputed when off."""


class Explainer(ABC):
    """Base class of attribution methods: one ``attribute`` call per batch.

    Subclasses set ``name`` (the registry key) and ``has_delta`` (whether
    ``attribute`` returns a convergence delta that the engine can check).
    A method whose attributions sum to ``f(x) - f(baseline)`` (integrated
    gradients, DeepLift) also sets ``completeness``: its ``attribute`` then
    takes a keyword ``delta`` (default ``True``), and the engine asks for no
    delta and measures the sum against full-precision endpoint logits instead
    (the delta Captum returns under autocast compares against low-precision
    endpoints, and costs two more forward passes per call).

    ``default_steps`` is the step (or sample) count used when the caller gives
    none. Methods with ``completeness`` start lower than Captum's 50: every
    example's sum is checked against the full-precision logit change and the few
    over the tolerance are recomputed with more steps, so a low start costs no
    accuracy, only those recomputes. Methods without that check keep 50.
    """

    name: ClassVar[str] = ""
    has_delta: ClassVar[bool] = False
    completeness: ClassVar[bool] = False
    default_steps: ClassVar[int] = 50

    @abstractmethod
    def attribute(
        self, model: nn.Module, batch: AttributionBatch, *, n_steps: int, internal_batch_size: int
    ) -> tuple[Tensor, Tensor | None]:
        """Return ``(B, L)`` token attributions and a ``(B,)`` delta (or ``None``)."""


def _logits(model: nn.Module, **inputs: Tensor) -> Tensor:
    return model(**inputs).logits.float()


def _embeddings(model: nn.Module, ids: Tensor) -> Tensor:
    return model.get_input_embeddings()(ids).detach()


class _EmbedsModule(nn.Module):
    """``forward(embeds, mask) -> logits``: the classifier seen from its input embeddings."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, embeds: Tensor, mask: Tensor) -> Tensor:
        return _logits(self.model, inputs_embeds=embeds, attention_mask=mask)


class LayerIntegratedGradientsExplainer(Explainer):
    """Integrated gradients on the output of the word-embedding layer (the default)."""

    name = "layer_integrated_gradients"
    has_delta = True
    completeness = True
    default_steps = CHECKED_DEFAULT_STEPS

    def attribute(self, model: nn.Module, batch: AttributionBatch, *, n_steps: int, internal_batch_size: int,
                  delta: bool = True) -> tuple[Tensor, Tensor | None]:
        from captum.attr import LayerIntegratedGradients

        def forward(ids: Tensor, mask: Tensor) -> Tensor:
            return _logits(model, input_ids=ids, attention_mask=mask)

        lig = LayerIntegratedGradients(forward, model.get_input_embeddings())
        out = lig.attribute(
            batch.input_ids, baselines=batch.baseline_ids, additional_forward_args=(batch.attention_mask,),
            target=batch.target, n_steps=n_steps, internal_batch_size=internal_batch_size,
            method="gausslegendre", return_convergence_delta=delta,
        )
        attr, gap = out if delta else (out, None)
        return attr.float().sum(-1), None if gap is None else gap.float()


class IntegratedGradientsExplainer(Explainer):
    """Integrated gradients on the input embeddings."""

    name = "integrated_gradients"
    has_delta = True
    completeness = True
    default_steps = CHECKED_DEFAULT_STEPS

    def attribute(self, model: nn.Module, batch: AttributionBatch, *, n_steps: int, internal_batch_size: int,
                  delta: bool = True) -> tuple[Tensor, Tensor | None]:
        from captum.attr import IntegratedGradients

        ig = IntegratedGradients(_EmbedsModule(model).forward)
        out = ig.attribute(
            _embeddings(model, batch.input_ids), baselines=_embeddings(model, batch.baseline_ids),
            additional_forward_args=(batch.attention_mask,), target=batch.target, n_steps=n_steps,
            internal_batch_size=internal_batch_size, method="gausslegendre", return_convergence_delta=delta,
        )
        attr, gap = out if delta else (out, None)
        return attr.float().sum(-1), None if gap is None else gap.float()


class SaliencyExplainer(Explainer):
    """Absolute gradient of the target logit, summed over embedding dimensions (unsigned)."""

    name = "saliency"

    def attribute(self, model: nn.Module, batch: AttributionBatch, *, n_steps: int, internal_batch_size: int) -> tuple[Tensor, Tensor | None]:
        from captum.attr import Saliency

        attr = Saliency(_EmbedsModule(model).forward).attribute(
            _embeddings(model, batch.input_ids), target=batch.target,
            additional_forward_args=(batch.attention_mask,), abs=True,
        )
        return attr.float().sum(-1), None


class InputXGradientExplainer(Explainer):
    """Input embedding times gradient, summed over embedding dimensions."""

    name = "input_x_gradient"

    def attribute(self, model: nn.Module, batch: AttributionBatch, *, n_steps: int, internal_batch_size: int) -> tuple[Tensor, Tensor | None]:
        from captum.attr import InputXGradient

        attr = InputXGradient(_EmbedsModule(model).forward).attribute(
            _embeddings(model, batch.input_ids), target=batch.target, additional_forward_args=(batch.attention_mask,)
        )
        return attr.float().sum(-1), None


class DeepLiftExplainer(Explainer):
    """DeepLift (rescale rule) from the input embeddings against the [PAD] baseline."""

    name = "deeplift"
    has_delta = True

    def attribute(self, model: nn.Module, batch: AttributionBatch, *, n_steps: int, internal_batch_size: int) -> tuple[Tensor, Tensor | None]:
        from captum.attr import DeepLift

        attr, delta = DeepLift(_EmbedsModule(model)).attribute(
            _embeddings(model, batch.input_ids), baselines=_embeddings(model, batch.baseline_ids),
            target=batch.target, additional_forward_args=(batch.attention_mask,), return_convergence_delta=True,
        )
        return attr.float().sum(-1), delta.float()


class GradientShapExplainer(Explainer):
    """GradientSHAP with ``n_steps`` samples between the input and its [PAD] baseline (seeded)."""

    name = "gradient_shap"

    def attribute(self, model: nn.Module, batch: AttributionBatch, *, n_steps: int, internal_batch_size: int) -> tuple[Tensor, Tensor | None]:
        from captum.attr import GradientShap

        n_samples = max(1, min(n_steps, max(1, internal_batch_size // batch.size)))
        device = batch.input_ids.device
        with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
            torch.manual_seed(0)
            attr = GradientShap(_EmbedsModule(model).forward).attribute(
                _embeddings(model, batch.input_ids), baselines=_embeddings(model, batch.baseline_ids),
                target=batch.target, additional_forward_args=(batch.attention_mask,), n_samples=n_samples,
            )
        return attr.float().sum(-1), None


class OcclusionExplainer(Explainer):
    """Drop in the target logit when one token's embedding is replaced by the baseline's."""

    name = "occlusion"

    def attribute(self, model: nn.Module, batch: AttributionBatch, *, n_steps: int, internal_batch_size: int) -> tuple[Tensor, Tensor | None]:
        from captum.attr import Occlusion

        embeds = _embeddings(model, batch.input_ids)
        dim = int(embeds.shape[-1])
        attr = Occlusion(_EmbedsModule(model).forward).attribute(
            embeds, sliding_window_shapes=(1, dim), strides=(1, dim), baselines=_embeddings(model, batch.baseline_ids),
            target=batch.target, additional_forward_args=(batch.attention_mask,),
            perturbations_per_eval=max(1, internal_batch_size // batch.size),
        )
        return attr.float().mean(-1), None


_BUILT_IN: tuple[type[Explainer], ...] = (
    LayerIntegratedGradientsExplainer,
    IntegratedGradientsExplainer,
    SaliencyExplainer,
    InputXGradientExplainer,
    DeepLiftExplainer,
    GradientShapExplainer,
    OcclusionExplainer,
)


class ExplainerRegistry:
    """Explainer classes by name; refuses anything that is not an :class:`Explainer` subclass."""

    def __init__(self) -> None:
        self._by_name: dict[str, type[Explainer]] = {}

    def register(self, explainer: Any) -> None:
        """Add an :class:`Explainer` subclass under its ``name`` (replacing one of the same name)."""
        if not (isinstance(explainer, type) and issubclass(explainer, Explainer)):
            raise ExplainError(
                f"cannot register {type(explainer).__name__}: expected a subclass of auditkit.explain.Explainer; "
                "subclass Explainer and implement attribute()"
            )
        if not isinstance(explainer.name, str) or not explainer.name:
            raise ExplainError(f"explainer class {explainer.__name__} has no name; set the class attribute `name`")
        self._by_name[explainer.name] = explainer

    def names(self) -> list[str]:
        """Registered method names, sorted."""
        return sorted(self._by_name)

    def create(self, name: str) -> Explainer:
        """Instantiate the explainer registered as ``name``."""
        if name not in self._by_name:
            raise ConfigError(
                f"explain.method: unknown attribution method {name!r}; expected one of {', '.join(self.names())}"
            )
        return self._by_name[name]()


def default_registry() -> ExplainerRegistry:
    """A new registry holding the seven built-in methods."""
    registry = ExplainerRegistry()
    for explainer in _BUILT_IN:
        registry.register(explainer)
    return registry
