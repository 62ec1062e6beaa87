"""Flows as data: each step names its input kind, limits, and whether it may be skipped.

Adding a question to a form is one Step entry here plus its strings in locales/.
Locale keys follow the step: `<flow>.<key>.prompt`, `.example`, `.help` and `.label`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    key: str
    kind: str  # text | choice | money | date | names | media | unit | person_name | review
    required: bool = True
    min_len: int = 1
    max_len: int = 3000
    options: str | None = None  # for choice steps: which list of the Context offers the options
    accepts_media: bool = False  # content steps: a voice note, photos or a document answer them as well as words


@dataclass(frozen=True)
class Flow:
    name: str
    steps: tuple[Step, ...]

    def index(self, key: str) -> int:
        return next(i for i, step in enumerate(self.steps) if step.key == key)

    def get(self, key: str) -> Step:
        return self.steps[self.index(key)]

    @property
    def questions(self) -> tuple[Step, ...]:
        """The steps that ask for an answer (the review is not one)."""
        return tuple(s for s in self.steps if s.kind != "review")


# The language is not asked: Vietnamese unless the person types "English" (any time, "Ngôn ngữ").
REGISTRATION = Flow(
    "register",
    (
        Step("name", "person_name", min_len=2, max_len=100),
        Step("unit", "unit", max_len=200),
        Step("target_group", "choice", options="target_groups"),
    ),
)

SUBMISSION = Flow(
    "submit",
    (
        Step("title", "text", min_len=5, max_len=200, accepts_media=True),
        Step("field", "choice", options="fields"),
        Step("problem", "text", min_len=5, accepts_media=True),
        Step("solution", "text", min_len=5, accepts_media=True),
        Step("benefit", "text", min_len=5, accepts_media=True),
        Step("estimated_value", "money", required=False),
        Step("first_applied", "date", required=False, max_len=100),
        Step("coauthors", "names", required=False, max_len=100),
        Step("attachments", "media", required=False),
        Step("review", "review"),
    ),
)

FLOWS = {flow.name: flow for flow in (REGISTRATION, SUBMISSION)}
SPOKEN = ("voice", "audio", "video")  # media that say the answer: the step is answered, the form moves on

MAX_COAUTHORS = 20
MAX_ATTACHMENTS = 30
LANGUAGES = ("vi", "en")
