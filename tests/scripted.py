"""A prompter that answers from a script: the interview without a terminal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console, RenderableType

from esj_review.interview.prompts import SKIP, Option, PromptSpec


class Scripted:
    """Answers questions by path, and menus from a list of steps ("default" takes the default)."""

    def __init__(self, answers: dict[str, Any], menu: Sequence[Any] = ()) -> None:
        self.answers = dict(answers)
        self.menu = list(menu)
        self.asked: list[str] = []
        self.menus: list[str] = []
        self.console = Console(record=True, width=80, force_terminal=False)

    def ask(self, spec: PromptSpec) -> Any:
        self.asked.append(spec.path)
        value = self.answers.get(spec.path, SKIP)
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
