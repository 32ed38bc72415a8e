"""A prompter that answers from a script: the interview without a terminal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.console import Console, RenderableType

from esj_review.interview.prompts import SKIP, Option, PromptSpec

DEFAULT: Any = object()
"""An answer that takes what the prompt offers (Enter on a pre-filled default)."""


@dataclass(frozen=True)
class At:
    """A menu step: at the next menu whose message starts with `prefix`, choose `value`;
    menus before it take their default."""

    prefix: str
    value: Any


class Scripted:
    """Answers questions by path, and menus from a list of steps ("default" takes the default,
    `At` waits for its menu); with `menu` None, or once an `At` list is used up, every menu
    takes its default."""

    def __init__(self, answers: dict[str, Any], menu: Sequence[Any] | None = None) -> None:
        self.answers = dict(answers)
        self.defaults = menu is None or any(isinstance(step, At) for step in menu)
        self.menu = list(menu or [])
        self.asked: list[str] = []
        self.menus: list[str] = []
        self.console = Console(record=True, width=80, force_terminal=False)

    def ask(self, spec: PromptSpec) -> Any:
        self.asked.append(spec.path)
        value = self.answers.get(spec.path, SKIP)
        if value is DEFAULT:
            value = SKIP if spec.default is None else spec.default
        if isinstance(value, type) and issubclass(value, BaseException):
            raise value()
        if spec.widget == "text" and value is not SKIP:
            raw = str(value)
            problem = spec.text_error(raw)
            assert problem is None, f"{spec.path}: {problem}"  # a real prompt would not accept it
            return raw
        if spec.widget in {"select", "checkbox"} and value is not SKIP:
            offered = {o.value for o in spec.options}
            chosen = value if isinstance(value, list) else [value]
            assert set(chosen) <= offered, f"{spec.path}: {value} not offered"
        return value

    def choose(self, message: str, options: Sequence[Option], default: Any = None) -> Any:
        self.menus.append(message)
        assert len(self.menus) < 500, f"menus without end: {self.menus[-5:]}"
        if self.menu and isinstance(self.menu[0], At):
            if not message.startswith(self.menu[0].prefix):
                return default
            step = self.menu.pop(0).value
        elif not self.menu and self.defaults:
            return default
        else:
            assert self.menu, f"menu {message!r} shown, but the script has no step left"
            step = self.menu.pop(0)
        if isinstance(step, type) and issubclass(step, BaseException):
            raise step()
        value = default if step == "default" else step
        assert any(o.value == value for o in options), f"{value!r} not in menu {message!r}"
        return value

    def show(self, item: RenderableType) -> None:
        self.console.print(item)

    def page(self, item: RenderableType) -> None:
        self.console.print(item)

    @property
    def screen(self) -> str:
        return self.console.export_text(clear=False)


def flatten(answers: dict[str, Any]) -> dict[str, Any]:
    """`{"determinant_impacts": {"housing": {"direction": ...}}}` -> dotted paths, as typed."""
    out: dict[str, Any] = {}
    for key, value in answers.items():
        if isinstance(value, dict):
            for item, subs in value.items():
                for sub, sub_value in subs.items():
                    out[f"{key}.{item}.{sub}"] = sub_value
        else:
            out[key] = value
    return out
