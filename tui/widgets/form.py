"""Form fields that validate as you type and say what is wrong next to the field.

Validators only check the shape of what is typed (is it a CIDR, a /N, a
number); the service decides everything else and its error becomes a
notification.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Select, Static

from govnet.errors import GovnetError
from ipam import space
from tui.i18n import t


class CidrValidator(Validator):
    def validate(self, value: str) -> ValidationResult:
        try:
            space.parse_cidr(value)
        except GovnetError as exc:
            return self.failure(f"{t('valid.cidr')}: {exc.message}")
        return self.success()


class SizeValidator(Validator):
    """A prefix length typed as ``/N`` or ``N`` (IPv4 or IPv6)."""

    def validate(self, value: str) -> ValidationResult:
        raw = value.strip().lstrip("/")
        if raw.isdigit() and 0 <= int(raw) <= 128:
            return self.success()
        return self.failure(t("valid.size"))


class HostsValidator(Validator):
    def validate(self, value: str) -> ValidationResult:
        raw = value.strip()
        if raw.isdigit() and int(raw) > 0:
            return self.success()
        return self.failure(t("valid.hosts"))


class TextValidator(Validator):
    def __init__(self, limit: int, *, required: bool) -> None:
        super().__init__()
        self.limit, self.required = limit, required

    def validate(self, value: str) -> ValidationResult:
        text = value.strip()
        if (self.required and not text) or len(text) > self.limit:
            key = "valid.text" if self.required else "valid.len"
            return self.failure(t(key, n=self.limit))
        return self.success()


class FieldError(Static):
    """What is wrong with the field above; takes no room while nothing is."""

    DEFAULT_CLASSES = "field-error"

    def __init__(self) -> None:
        super().__init__("")
        self.display = False

    def say(self, text: str) -> None:
        self.update(text)
        self.display = bool(text)


class Field(Vertical):
    """A label, an input and the input's current complaint."""

    DEFAULT_CLASSES = "field"

    def __init__(self, label: str, *, id: str, value: str = "", placeholder: str = "",
                 validators: Sequence[Validator] = (), optional: bool = False) -> None:
        super().__init__(id=f"{id}-field")
        self.label, self.input_id, self.optional = label, id, optional
        self.input = Input(value=value, placeholder=placeholder, id=id, compact=True,
                           validators=list(validators), validate_on=["changed", "submitted"])

    def compose(self) -> ComposeResult:
        yield Label(self.label)
        yield self.input
        yield FieldError()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._say(event.validation_result)

    def _say(self, result: ValidationResult | None) -> None:
        text = ""
        if self.value and result is not None and not result.is_valid:
            text = "; ".join(result.failure_descriptions)
        self.query_one(FieldError).say(text)

    @property
    def value(self) -> str:
        return self.input.value.strip()

    def check(self) -> bool:
        """Valid now? Empty is valid for an optional field. Shows the complaint."""
        if not self.value:
            ok = self.optional
            self.query_one(FieldError).say("" if ok else t("field.required"))
            return ok
        result = self.input.validate(self.input.value)
        self._say(result)
        return result is None or result.is_valid


class Choice(Vertical):
    """A label and a Select of names."""

    DEFAULT_CLASSES = "field"

    def __init__(self, label: str, options: Sequence[tuple[str, str]], *, id: str,
                 value: str | None = None) -> None:
        super().__init__(id=f"{id}-field")
        self.label = label
        self.select: Select[str] = Select(options, id=id, prompt=t("form.choose"), compact=True,
                                          value=value if value is not None else Select.NULL)

    def compose(self) -> ComposeResult:
        yield Label(self.label)
        yield self.select
        yield FieldError()

    @property
    def value(self) -> str | None:
        v = self.select.value
        return None if v is Select.NULL else str(v)

    def check(self) -> bool:
        ok = self.value is not None
        self.query_one(FieldError).say("" if ok else t("field.required"))
        return ok
