"""Leave the model as we found it, whatever happens during attribution.

Captum works by registering hooks on modules and by asking for gradients. If an
attribution call fails half-way (a bad target, a module that raises), hooks can
be left behind and later predictions silently change. :func:`model_guard`
snapshots hooks, train/eval modes, ``requires_grad`` flags, parameter
gradients and the attention kernel (switched for bf16 work on CPU), and
restores them on exit, error or not.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from torch import nn

from auditkit._precision import current_attention

__all__ = ["ModelState", "model_guard", "model_state"]

_HOOK_DICTS = (
    "_forward_hooks",
    "_forward_pre_hooks",
    "_backward_hooks",
    "_backward_pre_hooks",
    "_forward_hooks_with_kwargs",
    "_forward_pre_hooks_with_kwargs",
    "_forward_hooks_always_called",
)


@dataclass(frozen=True)
class ModelState:
    """What attribution may disturb: hook ids, modes, grad flags and grad presence per name, attention kernel."""

    hooks: dict[str, tuple[tuple[str, tuple[int, ...]], ...]]
    training: dict[str, bool]
    requires_grad: dict[str, bool]
    has_grad: dict[str, bool]
    attention: str | None = None


def model_state(model: nn.Module) -> ModelState:
    """Snapshot ``model``'s hooks, training modes, ``requires_grad`` flags and gradient presence."""
    hooks = {
        name: tuple((attr, tuple(getattr(module, attr, {}).keys())) for attr in _HOOK_DICTS)
        for name, module in model.named_modules()
    }
    return ModelState(
        hooks=hooks,
        training={name: module.training for name, module in model.named_modules()},
        requires_grad={name: p.requires_grad for name, p in model.named_parameters()},
        has_grad={name: p.grad is not None for name, p in model.named_parameters()},
        attention=current_attention(model),
    )


def _restore(model: nn.Module, before: ModelState) -> None:
    for name, module in model.named_modules():
        kept = dict(before.hooks.get(name, ()))
        for attr in _HOOK_DICTS:
            table = getattr(module, attr, None)
            if table is None:
                continue
            for key in [k for k in table if k not in kept.get(attr, ())]:
                del table[key]
        if name in before.training:
            module.training = before.training[name]
    for name, param in model.named_parameters():
        if name in before.requires_grad:
            param.requires_grad_(before.requires_grad[name])
        if not before.has_grad.get(name, False):
            param.grad = None
    if before.attention is not None and current_attention(model) != before.attention:
        model.set_attn_implementation(before.attention)  # type: ignore[operator]


@contextmanager
def model_guard(model: nn.Module, *, freeze: bool = True) -> Iterator[nn.Module]:
    """Put ``model`` in eval mode (parameters frozen) for attribution; restore it on exit.

    Parameters
    ----------
    model:
        The classifier; hooks added inside the block are removed on exit.
    freeze:
        Turn off ``requires_grad`` on the parameters inside the block (attribution
        needs gradients for inputs only, which saves memory).
    """
    before = model_state(model)
    try:
        model.eval()
        if freeze:
            for param in model.parameters():
                param.requires_grad_(False)
        yield model
    finally:
        _restore(model, before)
