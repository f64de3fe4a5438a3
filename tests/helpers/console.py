"""A stand-in for the terminal of a stack operation: what it prints, what it is answered."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Console:
    """Collects what an operation prints and answers its prompts from a script."""

    answers: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    prompts: list[str] = field(default_factory=list)

    def out(self, text: str) -> None:
        self.lines.append(text)

    def confirm(self, prompt: str) -> str:
        self.prompts.append(prompt)
        return self.answers.pop(0)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)
