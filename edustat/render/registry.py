"""Renderers registered per report type: the command line asks for "the table of this report"
without knowing which command made it.

A renderer module (`edustat/render/<family>.py`) registers its function with `@renderer(Type)`;
`render()` imports every module of this package on the first miss, so a new family needs no list
to be kept in step.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from rich.console import RenderableType

from edustat.texts import Lang

T = TypeVar("T")


@dataclass(frozen=True)
class RenderOptions:
    """What a table renderer may be asked: language, decimals, and command-specific switches."""

    lang: Lang = "zh"
    decimals: int | None = None  # None: the renderer's own default
    width: int | None = None  # the terminal's columns, when known
    extra: dict[str, Any] = field(default_factory=dict)


Renderer = Callable[[Any, RenderOptions], RenderableType]
_RENDERERS: dict[type, Renderer] = {}
_LOADED = False


def renderer(report_type: type[T]) -> Callable[[Callable[[T, RenderOptions], RenderableType]],
                                               Callable[[T, RenderOptions], RenderableType]]:
    """Register the decorated function as the table renderer of `report_type`."""
    def register(function: Callable[[T, RenderOptions], RenderableType]
                 ) -> Callable[[T, RenderOptions], RenderableType]:
        _RENDERERS[report_type] = function
        return function
    return register


def _load_all() -> None:
    """Import every renderer module of this package once, so their registrations run."""
    global _LOADED
    if _LOADED:
        return
    import edustat.render as package

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    _LOADED = True


def render(report: Any, options: RenderOptions) -> RenderableType:
    """The rich renderable of `report`, by the renderer registered for its type (or a base)."""
    for kind in type(report).__mro__:
        if kind in _RENDERERS:
            return _RENDERERS[kind](report, options)
    _load_all()
    for kind in type(report).__mro__:
        if kind in _RENDERERS:
            return _RENDERERS[kind](report, options)
    raise LookupError(f"no renderer registered for {type(report).__name__}")
