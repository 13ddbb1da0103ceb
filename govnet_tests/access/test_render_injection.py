"""No input can inject a configuration line: validation first, render guards behind it."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import access.render as render_mod
from access.render import render, render_attach, render_detach
from access.specs import MAX_DESCRIPTION, PLATFORMS, check_description, description_char_ok
from govnet.errors import InvalidInput
from govnet_tests.access.test_render_golden import sample

HOSTILE = {
    "newline-route": "A\nip route 0.0.0.0 0.0.0.0 1.2.3.4",
    "crlf": "A\r\nundo interface GigabitEthernet0/0/1",
    "carriage-return": "a\rb",
    "semicolon": "x; reload",
    "hash": "#",
    "bang": "!",
    "pipe": "x | include y",
    "question": "what?",
    "escape": "\x1b[2J",
    "nul": "a\x00b",
    "tab": "a\tb",
    "vertical-tab": "a\x0bb",
    "line-separator": "a\u2028ip route 0.0.0.0/0 1.2.3.4",
    "paragraph-separator": "a\u2029b",
    "next-line": "a\x85b",
    "rtl-override": "abc\u202edef",
    "zero-width": "a\u200bb",
    "fullwidth-semicolon": "a；b",
    "overlong": "x" * (MAX_DESCRIPTION + 1),
    "overlong-cjk": "市" * (MAX_DESCRIPTION + 1),
    "empty": "",
    "blank": " ",
    "leading-space": " GOV",
    "quote": 'say "hi"',
}
SAFE_SAMPLE = "AZaz09 -_.:/()市教育局信息中心、。：（）《》【】—·"


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_description_is_refused_before_rendering(
        platform: str, text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    monkeypatch.setattr(render_mod, "render", lambda *a: calls.append(a) or [])
    with pytest.raises(InvalidInput, match=r"^description: ") as caught:
        render_mod.render_attach(sample(platform, description=text))
    assert caught.value.exit_code == 2
    assert calls == [], "nothing may be rendered from a refused spec"
    assert "\n" not in str(caught.value) and "\x1b" not in str(caught.value)


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
@pytest.mark.parametrize("text", [HOSTILE[k] for k in (
    "newline-route", "crlf", "carriage-return", "semicolon", "hash", "bang", "escape",
    "line-separator", "next-line", "rtl-override")])
def test_render_guard_stops_a_value_that_bypassed_validation(platform: str, text: str) -> None:
    """Defence in depth: a spec mutated after validation still cannot inject."""
    spec = sample(platform)
    object.__setattr__(spec, "description", text)
    with pytest.raises(InvalidInput, match="refusing to render"):
        render_attach(spec)


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_render_guard_covers_other_fields(platform: str) -> None:
    spec = sample(platform)
    object.__setattr__(spec, "vrf", "ZWWW\nip route 0.0.0.0 0.0.0.0 1.2.3.4")
    with pytest.raises(InvalidInput, match="refusing to render"):
        render_detach(spec)


def _mini_configs(tmp_path: Path, body: str) -> Path:
    (tmp_path / "frr").mkdir()
    (tmp_path / "frr" / "probe.j2").write_text(body, encoding="utf-8")
    return tmp_path


def test_line_from_no_template_line_is_refused(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A template that starts a line with a value cannot smuggle a line out."""
    monkeypatch.setenv("GOVNET_CONFIGS", str(_mini_configs(
        tmp_path, "interface {{ spec[0] }}\n{{ spec[1] }}\n")))
    assert render("frr", "probe", ["ethu1.100", "interface ethu1.101"]) == [
        "interface ethu1.100", "interface ethu1.101"]
    with pytest.raises(InvalidInput, match="comes from no template line"):
        render("frr", "probe", ["ethu1.100", "ip route 0.0.0.0/0 1.2.3.4"])


def test_none_value_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVNET_CONFIGS", str(_mini_configs(tmp_path, "description {{ spec }}")))
    with pytest.raises(InvalidInput, match="None"):
        render("frr", "probe", None)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.text(alphabet=st.sampled_from(SAFE_SAMPLE), min_size=1, max_size=MAX_DESCRIPTION),
    st.text(alphabet=st.one_of(st.sampled_from(SAFE_SAMPLE), st.characters()),
            max_size=MAX_DESCRIPTION + 5)))
def test_accepted_text_never_adds_a_line(text: str) -> None:
    """For every platform: an accepted description changes only the description lines."""
    try:
        check_description(text)
    except InvalidInput:
        return
    for platform in PLATFORMS:
        plain = render_attach(sample(platform, description="PLAIN"))
        lines = render_attach(sample(platform, description=text))
        assert len(lines) == len(plain)
        for got, want in zip(lines, plain, strict=True):
            assert got == want or (want.endswith(" PLAIN") and got == want[:-5] + text)


@given(st.text(min_size=1, max_size=MAX_DESCRIPTION))
def test_accepted_text_is_printable_and_normalizes_safely(text: str) -> None:
    try:
        check_description(text)
    except InvalidInput:
        return
    assert text.isprintable()
    assert all(description_char_ok(ch) for ch in unicodedata.normalize("NFKC", text))
    assert not set(text) & set(";#!|?\\\"'`$<>&")


def test_description_charset_accepts_cjk_and_the_listed_marks() -> None:
    assert check_description(SAFE_SAMPLE) == SAFE_SAMPLE
    assert check_description("市" * MAX_DESCRIPTION)
