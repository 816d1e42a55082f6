"""Which fonts a PDF is printed in: the official fonts the layout profile names, or free stand-ins, never silently.

A .docx names the official fonts (仿宋_GB2312, 楷体_GB2312, 黑体, 方正小标宋简体, 宋体, Times New Roman). Where
LibreOffice converts it on Linux, fontconfig finds the fonts; it has no 仿宋_GB2312 on a stock system and hands one
generic CJK face to every unknown family, so all roles would print alike. Before each conversion a fontconfig file is
generated that maps each official font fontconfig does not have to the first installed stand-in listed in the data
file ``fonts/standins.yaml`` (with the language pinned to zh-cn, so the simplified-Chinese face of a collection is
chosen) and then includes the system's configuration. Every substitution is reported (:meth:`FontPlan.warnings`).

fontconfig is asked through its command-line tools (``fc-list``), in a subprocess: the Python bindings listed on
PyPI (fontconfig, fclist, fclist-cffi, fontconfig-py) are unmaintained or thin cffi wrappers that would need
libfontconfig's headers or a compiler, and a subprocess also honours exactly the environment (``FONTCONFIG_FILE``)
LibreOffice will get. The answer is cached per process and per fontconfig environment, under a lock (the HTTP service
converts on several threads).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import threading
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape

import attrs
import cattrs
from lxml import etree

from .profile import Profile, Roles
from .resources import package_folder, packaged_yaml

#: the name of the generated file beside LibreOffice's private profile
CONFIG_NAME = "edureport-fonts.conf"

#: fontconfig's weight constants (fontconfig.h) for the weights the data file may name
_WEIGHTS = {"thin": 0, "extralight": 40, "light": 50, "book": 75, "regular": 80, "medium": 100, "demibold": 180,
            "semibold": 180, "bold": 200, "extrabold": 205, "black": 210, "heavy": 210}

#: environment variables that change what fontconfig finds; part of the cache key
_FONTCONFIG_ENV = ("FONTCONFIG_FILE", "FONTCONFIG_PATH", "FONTCONFIG_SYSROOT", "HOME", "XDG_CONFIG_HOME",
                   "XDG_DATA_HOME", "XDG_CACHE_HOME")

_FC_LIST_SECONDS = 60.0  # a first scan of large CJK collections without a cache takes a few seconds


# --- the data file ---------------------------------------------------------------------------------------------------

@attrs.frozen
class Candidate:
    """A free font that may stand in for an official one."""

    family: str
    package: str
    why: str
    weight: str | None = attrs.field(  # one face of the family, by fontconfig's weight constant (bold)
        default=None, validator=attrs.validators.optional(attrs.validators.in_(_WEIGHTS)))

    @property
    def label(self) -> str:
        """How messages name it: the family, plus the weight when one is asked for (Noto Serif CJK SC Bold)."""
        return f"{self.family} {self.weight.capitalize()}" if self.weight else self.family


@attrs.frozen
class StandIns:
    """The stand-ins of one official font (under any of its names)."""

    names: tuple[str, ...]
    generic: str
    candidates: tuple[Candidate, ...]
    packages: tuple[str, ...]
    lang: str | None = None


@attrs.frozen
class FontDir:
    path: str
    why: str


@attrs.frozen
class StandInData:
    fonts: tuple[StandIns, ...]
    dirs: tuple[FontDir, ...] = ()

    def find(self, name: str) -> StandIns | None:
        key = _key(name)
        return next((entry for entry in self.fonts if any(_key(n) == key for n in entry.names)), None)


@cache
def standin_data() -> StandInData:
    """The packaged ``fonts/standins.yaml`` (read once)."""
    raw = packaged_yaml(package_folder() / "fonts/standins.yaml")
    return cattrs.Converter(forbid_extra_keys=True).structure(raw, StandInData)


def _key(family: str) -> str:
    """fontconfig compares family names ignoring case and blanks (FcStrCmpIgnoreBlanksAndCase)."""
    return "".join(family.split()).casefold()


# --- what the profile and a .docx name -------------------------------------------------------------------------------

_ROLE_LABELS = {  # how `edureport fonts` names the roles; a role not listed here shows its key
    "body": "正文", "title": "标题", "heading1": "一级标题（一、）", "heading2": "二级标题（（一））",
    "heading3": "三级标题（1.）", "heading4": "四级标题（（1））", "issuer_mark": "发文机关标志", "copy_number": "份号",
    "secrecy": "密级", "urgency": "紧急程度", "signer_name": "签发人姓名", "attachment_label": "附件标识",
    "colophon": "版记", "page_number": "页码", "table": "表格",
}


@attrs.frozen
class RoleFonts:
    role: str
    label: str
    east_asian: str
    latin: str


def role_fonts(profile: Profile) -> list[RoleFonts]:
    """Each text role of the profile with the fonts the .docx names for it (east-asian and Latin slots)."""
    result = []
    for field in attrs.fields(Roles):
        role = getattr(profile.roles, field.name)
        east_asian = profile.font(role)
        # The writer sets page numbers in the role's own font in every slot (clause 7.5: 半角宋体 digits; see
        # writer/document.py, _footer); every other role pairs its east-asian font with the profile's Latin font.
        latin = east_asian if field.name == "page_number" else profile.fonts.latin
        result.append(RoleFonts(field.name, _ROLE_LABELS.get(field.name, field.name), east_asian, latin))
    return result


def profile_fonts(profile: Profile) -> list[str]:
    """The distinct font names a .docx of this profile names, in the profile's order."""
    return list(dict.fromkeys(name for role in role_fonts(profile) for name in (role.east_asian, role.latin)))


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def fonts_in_docx(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """The font names in the font tables (word/fontTable.xml) of .docx files; files that cannot be read are skipped."""
    names: dict[str, None] = {}
    for path in paths:
        try:
            with zipfile.ZipFile(path) as archive:
                info = archive.getinfo("word/fontTable.xml")
                if info.file_size > 1 << 20:
                    continue
                root = etree.fromstring(archive.read(info), etree.XMLParser(resolve_entities=False, no_network=True))
        except (OSError, KeyError, EOFError, ValueError, RuntimeError, NotImplementedError, zipfile.BadZipFile,
                zlib.error, etree.XMLSyntaxError):  # not a readable .docx: LibreOffice will say so
            continue
        for font in root.iter(f"{_W}font"):
            if name := font.get(f"{_W}name"):
                names[name] = None
    return list(names)


# --- the plan --------------------------------------------------------------------------------------------------------

@attrs.frozen
class FontStatus:
    """One font the document names, as a PDF made on this machine will print it."""

    name: str
    installed: bool
    standin: Candidate | None = None  # used instead, when the font is not installed
    packages: tuple[str, ...] = ()  # Debian packages that would provide a stand-in (when none is installed)

    @property
    def printed_as(self) -> str | None:
        """The font the PDF uses: the font itself, its stand-in, or None (fontconfig's generic choice)."""
        if self.installed:
            return self.name
        return self.standin.label if self.standin else None


@attrs.frozen
class FontPlan:
    """The fonts of one conversion environment: what is installed, what stands in, and the fontconfig file."""

    fonts: tuple[FontStatus, ...]
    checked: bool = True  # False when fontconfig could not be asked (no fc-list): nothing is known or mapped
    problem: str | None = None  # why it could not be asked
    config: str | None = None  # the fonts.conf text to give LibreOffice (None: leave fontconfig as it is)

    def status(self, name: str) -> FontStatus | None:
        return next((f for f in self.fonts if _key(f.name) == _key(name)), None)

    @property
    def substituted(self) -> tuple[FontStatus, ...]:
        return tuple(f for f in self.fonts if not f.installed)

    def warnings(self) -> list[str]:
        """One message (Simplified Chinese) per font that is not printed in itself."""
        if not self.checked:
            return [f"警告：无法检查本机字体（{self.problem}），PDF 中的字体可能与公文要求不符"]
        messages = []
        for font in self.substituted:
            if font.standin is not None:
                messages.append(f"警告：本机没有 {font.name}，PDF 使用 {font.standin.label} 代替")
            else:
                packages = " ".join(font.packages)
                hint = f"请安装 Debian 软件包 {packages}（sudo apt-get install {packages}）" if packages else \
                    "请安装该字体"
                messages.append(f"警告（字体缺失）：本机没有 {font.name}，也没有可代替它的字体，PDF 中这部分文字将由"
                                f"系统随意选用的字体显示，字体与公文格式不符；{hint}")
        return messages

    def header(self) -> str:
        """The substitutions as an HTTP header value, ASCII only (RFC 8187 ext-value: ``UTF-8''`` and
        percent-encoded UTF-8): ``official=stand-in`` pairs separated by commas; an empty stand-in means none is
        installed; ``?`` alone means fontconfig could not be asked."""
        if not self.checked:
            return "UTF-8''%3F"
        pairs = ",".join(f"{font.name}={font.standin.label if font.standin else ''}" for font in self.substituted)
        return "UTF-8''" + quote(pairs, safe="")

    def environment(self, base: Mapping[str, str], folder: str | os.PathLike[str]) -> dict[str, str]:
        """``base`` with FONTCONFIG_FILE pointing at this plan's fontconfig file, written into ``folder``."""
        env = dict(base)
        if self.config is not None:
            path = Path(folder) / CONFIG_NAME
            path.write_text(self.config, "utf-8")
            env["FONTCONFIG_FILE"] = str(path)
        return env


_lock = threading.Lock()
_plans: dict[tuple[Any, ...], FontPlan] = {}


def plan_fonts(names: Iterable[str], environment: Mapping[str, str] | None = None) -> FontPlan:
    """What a PDF converted in ``environment`` (default: this process's) prints ``names`` in. Cached per process for
    each set of names and fontconfig environment; safe to call from several threads."""
    base = dict(os.environ if environment is None else environment)
    wanted = tuple(dict.fromkeys(names))
    fc_list = shutil.which("fc-list", path=base.get("PATH"))
    key = (wanted, fc_list, *(base.get(name) for name in _FONTCONFIG_ENV))
    with _lock:  # one fc-list at a time: concurrent first conversions wait for the same answer
        plan = _plans.get(key)
        if plan is None:
            plan = _plans[key] = _plan(wanted, fc_list, base)
        return plan


def clear_cache() -> None:
    """Forget the cached plans (after fonts were installed, or in tests)."""
    with _lock:
        _plans.clear()


def _plan(names: Sequence[str], fc_list: str | None, base: Mapping[str, str]) -> FontPlan:
    data = standin_data()
    if fc_list is None:
        return FontPlan(tuple(FontStatus(n, installed=True) for n in names), checked=False,
                        problem="未找到 fontconfig 的 fc-list 命令")
    system = base.get("FONTCONFIG_FILE") or "fonts.conf"  # relative: found in fontconfig's own folder
    dirs = [d.path for d in data.dirs if Path(d.path).is_dir()]
    with tempfile.TemporaryDirectory(prefix="edureport-fonts-") as folder:
        probe = Path(folder) / CONFIG_NAME
        probe.write_text(_config([], dirs, system), "utf-8")
        try:
            listing = subprocess.run([fc_list, "--format", "%{family}\t%{weight}\n"], capture_output=True,
                                     env={**base, "FONTCONFIG_FILE": str(probe)}, timeout=_FC_LIST_SECONDS,
                                     stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as e:
            problem = f"fc-list 没有在{_FC_LIST_SECONDS:.0f}秒内答复" if isinstance(e, subprocess.TimeoutExpired) else \
                f"无法运行 fc-list：{e.strerror or e}"
            return FontPlan(tuple(FontStatus(n, installed=True) for n in names), checked=False, problem=problem)
    if listing.returncode:
        return FontPlan(tuple(FontStatus(n, installed=True) for n in names), checked=False,
                        problem=f"fc-list 退出码 {listing.returncode}")
    installed = _installed(listing.stdout.decode("utf-8", "replace"))
    fonts = []
    rules = []
    for name in names:
        if _key(name) in installed:
            fonts.append(FontStatus(name, installed=True))
            continue
        entry = data.find(name)
        if entry is None:  # a font the data knows nothing about: said so, fontconfig chooses
            fonts.append(FontStatus(name, installed=False))
            continue
        standin = next((c for c in entry.candidates if _has(installed, c)), None)
        fonts.append(FontStatus(name, installed=False, standin=standin,
                                packages=() if standin else entry.packages))
        rules.append(_rule(name, entry, standin))
    return FontPlan(tuple(fonts), config=_config(rules, dirs, system))


def _installed(listing: str) -> dict[str, list[tuple[float, float]]]:
    """fc-list's families (every name of each, localized ones too) → the weights of their faces (a variable font
    reports a range, "[0 210]")."""
    families: dict[str, list[tuple[float, float]]] = {}
    for line in listing.splitlines():
        family, _, weight = line.partition("\t")
        numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", weight)] or [float(_WEIGHTS["regular"])]
        for name in family.split(","):
            if name.strip():
                families.setdefault(_key(name), []).append((min(numbers), max(numbers)))
    return families


def _has(installed: Mapping[str, list[tuple[float, float]]], candidate: Candidate) -> bool:
    spans = installed.get(_key(candidate.family))
    if not spans:
        return False
    if candidate.weight is None:
        return True
    weight = _WEIGHTS[candidate.weight]
    return any(low <= weight <= high for low, high in spans)


def _rule(name: str, entry: StandIns, standin: Candidate | None) -> str:
    edits = []
    if standin is not None:
        edits.append(f'<edit name="family" mode="assign" binding="strong"><string>{escape(standin.family)}</string>'
                     "</edit>")
        if standin.weight:  # this face, whatever weight the document asked for
            edits.append(f'<edit name="weight" mode="assign" binding="strong"><const>{standin.weight}</const></edit>')
    else:  # nothing to stand in: at least a face of the right kind and language, never a JP face
        edits.append(f'<edit name="family" mode="append_last"><string>{escape(entry.generic)}</string></edit>')
    if entry.lang:
        edits.append(f'<edit name="lang" mode="assign" binding="strong"><string>{escape(entry.lang)}</string></edit>')
    body = "\n    ".join(edits)
    return (f'  <match target="pattern">\n    <test name="family"><string>{escape(name)}</string></test>\n'
            f"    {body}\n  </match>")


def _config(rules: Sequence[str], dirs: Sequence[str], system: str) -> str:
    """A fontconfig file: extra font folders, the substitutions (before the system's rules, so that theirs, which
    prefer a face by language, see the pinned language), then the system's (or the caller's) configuration."""
    lines = ['<?xml version="1.0"?>', '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
             "<!-- generated by edureport for one PDF conversion: official fonts this machine lacks, mapped to the "
             "stand-ins of edureport/fonts/standins.yaml -->", "<fontconfig>"]
    lines += [f"  <dir>{escape(d)}</dir>" for d in dirs]
    lines += rules
    lines += [f'  <include ignore_missing="yes">{escape(system)}</include>', "</fontconfig>", ""]
    return "\n".join(lines)


# --- `edureport fonts` -----------------------------------------------------------------------------------------------

def width(text: str) -> int:
    """Columns ``text`` takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


__all__ = ["Candidate", "FontPlan", "FontStatus", "RoleFonts", "StandIns", "clear_cache", "fonts_in_docx",
           "plan_fonts", "profile_fonts", "role_fonts", "standin_data"]
