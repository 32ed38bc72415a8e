"""`esj-review doctor`: can this machine write the report, with real glyphs for every script?"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

# Each font family the report's CSS names, the Debian package that has it, and the scripts it
# covers among the languages a report is likely to be written in.
FONTS = {
    "Noto Sans": ("fonts-noto-core", "Latin, Vietnamese, Cyrillic (Russian, Ukrainian)"),
    "Noto Naskh Arabic": ("fonts-noto-core", "Arabic"),
    "Noto Sans Arabic": ("fonts-noto-core", "Arabic"),
    "Noto Sans Ethiopic": ("fonts-noto-core", "Amharic (Ge'ez)"),
    "Noto Sans Gurmukhi": ("fonts-noto-core", "Punjabi (Gurmukhi)"),
    "Noto Sans CJK SC": ("fonts-noto-cjk", "Chinese, simplified"),
    "Noto Sans CJK TC": ("fonts-noto-cjk", "Chinese, traditional"),
    "Noto Sans CJK KR": ("fonts-noto-cjk", "Korean"),
}


@dataclass(frozen=True)
class Check:
    """One thing the report needs, whether it is there, and the command that fixes it."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


def _families() -> set[str] | None:
    if shutil.which("fc-list") is None:
        return None
    out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False)
    return {name.strip() for line in out.stdout.splitlines() for name in line.split(",")}


def run_checks() -> list[Check]:
    """Everything `doctor` reports, in order."""
    checks: list[Check] = []
    try:
        import weasyprint
        from weasyprint.text import ffi
    except (ImportError, OSError) as exc:
        fix = "apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
        return [Check("WeasyPrint", False, f"cannot load: {exc}", fix)]
    checks.append(Check("WeasyPrint", True, f"version {weasyprint.__version__}"))
    raw = int(ffi.pango.pango_version())
    version = f"{raw // 10000}.{raw // 100 % 100}.{raw % 100}"
    checks.append(
        Check(
            "Pango",
            raw >= 14400,
            version + ("" if raw >= 14400 else " (1.44 or newer needed)"),
            "" if raw >= 14400 else "apt-get install -y libpango-1.0-0",
        )
    )
    subset = getattr(ffi, "harfbuzz_subset", None) is not None
    checks.append(
        Check(
            "harfbuzz-subset",
            subset,
            "present: fonts are subset quickly"
            if subset
            else "missing: fonts are subset slowly (large CJK fonts take seconds)",
            "" if subset else "apt-get install -y libharfbuzz-subset0",
        )
    )
    try:
        import pikepdf
        from pikepdf import pdfa  # noqa: F401

        checks.append(Check("pikepdf (PDF/A validation)", True, f"version {pikepdf.__version__}"))
    except ImportError as exc:
        checks.append(
            Check("pikepdf (PDF/A validation)", False, str(exc), "pip install 'pikepdf[pdfa]'")
        )
    families = _families()
    if families is None:
        checks.append(
            Check("fontconfig", False, "fc-list not found", "apt-get install -y fontconfig")
        )
        return checks
    for family, (package, scripts) in FONTS.items():
        found = family in families
        checks.append(
            Check(
                f"font: {family}",
                found,
                scripts if found else f"missing: {scripts} would show as empty boxes",
                "" if found else f"apt-get install -y {package}",
            )
        )
    return checks
