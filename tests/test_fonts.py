"""Fonts are never silently wrong: `edureport fonts`, the stand-ins of PDF conversion, and the warnings about them.

The rendering checks here convert through the product's own path (the command line's ``render --pdf`` and the HTTP
service), never with a fontconfig file of the tests, and read the PDF back with poppler (pdffonts, pdftohtml).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import attrs
import pytest
from lxml import etree

import edureport
from edureport import fontmap
from edureport.cli import main
from edureport.profile import Roles
from edureport.renderer import default_profile

from .conftest import EXAMPLES, ROOT, TEMPLATES, load_example
from .pdfpages import need_office

P = default_profile()
#: the roles whose fonts must print as four different families (GB/T 9704 7.3.1, 7.3.3)
FOUR = {"fangsong": P.fonts.fangsong, "kaiti": P.fonts.kaiti, "heiti": P.fonts.heiti,
        "xiaobiaosong": P.fonts.xiaobiaosong}


def need_fontconfig() -> None:
    if shutil.which("fc-list") is None or shutil.which("fc-match") is None:
        reason = "font checks need fontconfig's fc-list and fc-match"
        if os.environ.get("EDUREPORT_REQUIRE_RENDERING") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


def need_poppler() -> None:
    need_office()
    missing = [tool for tool in ("pdffonts", "pdftohtml") if shutil.which(tool) is None]
    if missing:
        reason = f"font checks need poppler-utils; missing: {', '.join(missing)}"
        if os.environ.get("EDUREPORT_REQUIRE_RENDERING") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def fresh_plans() -> None:
    fontmap.clear_cache()  # tests change FONTCONFIG_FILE; the cache is keyed by it, but start clean anyway


# --- the data file and the plan, without LibreOffice -----------------------------------------------------------------

def test_every_font_the_profile_names_has_stand_ins_with_a_reason() -> None:
    data = fontmap.standin_data()
    for name in fontmap.profile_fonts(P):
        entry = data.find(name)
        assert entry is not None, f"no stand-ins for {name}"
        assert entry.candidates and all(c.why and c.package for c in entry.candidates)
        assert entry.packages
        cjk = any(ord(ch) > 0x2E80 for ch in name)
        assert (entry.lang == "zh-cn") == cjk, f"{name}: a CJK font pins zh-cn, a Latin one nothing"
        assert not any("JP" in c.family.split() for c in entry.candidates)


def test_a_weighted_stand_in_counts_only_where_a_face_declares_that_weight() -> None:
    listing = "FandolSong\t80\nFandolSong\t80\nNoto Serif CJK SC,Noto Serif CJK SC Bold\t200\nVar Serif\t[0 210]\n"
    installed = fontmap._installed(listing)
    candidate = fontmap.Candidate
    assert not fontmap._has(installed, candidate("FandolSong", "texlive-lang-chinese", "", weight="bold"))
    assert fontmap._has(installed, candidate("FandolSong", "texlive-lang-chinese", ""))
    assert fontmap._has(installed, candidate("noto serif cjk sc", "fonts-noto-cjk", "", weight="bold"))  # as fontconfig
    assert fontmap._has(installed, candidate("VarSerif", "x", "", weight="black"))  # compares: no case, no blanks
    assert not fontmap._has(installed, candidate("Noto Serif CJK SC", "fonts-noto-cjk-extra", "", weight="black"))


def test_roles_come_from_the_profile() -> None:
    roles = fontmap.role_fonts(P)
    assert [r.role for r in roles] == [f.name for f in attrs.fields(Roles)]
    by_role = {r.role: r for r in roles}
    assert by_role["title"].east_asian == P.fonts.xiaobiaosong and by_role["title"].latin == P.fonts.latin
    assert by_role["page_number"].latin == P.fonts.songti  # 7.5: 半角宋体 digits


def test_the_font_table_of_a_docx_names_the_profile_fonts(tmp_path: Path) -> None:
    path = tmp_path / "a.docx"
    path.write_bytes(edureport.render_docx(load_example(EXAMPLES[0]), template_dirs=TEMPLATES))
    assert set(fontmap.fonts_in_docx([path, tmp_path / "missing.docx"])) == set(fontmap.profile_fonts(P))
    (tmp_path / "bad.docx").write_bytes(b"PK not a zip")
    assert fontmap.fonts_in_docx([tmp_path / "bad.docx"]) == []


@pytest.fixture
def controlled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A fontconfig world with one font folder holding only the first stand-in of 楷体 (so 楷体_GB2312 has a
    stand-in, Times New Roman has none) and a profile naming that stand-in itself as its 宋体 (installed)."""
    need_fontconfig()
    kai = fontmap.standin_data().find(P.fonts.kaiti)
    assert kai is not None
    family = kai.candidates[0].family
    found = subprocess.run(["fc-list", "-f", "%{file}\n", family], capture_output=True, text=True).stdout.split()
    if not found:
        if os.environ.get("EDUREPORT_REQUIRE_RENDERING") == "1":
            pytest.fail(f"{family} is not installed ({kai.candidates[0].package})")
        pytest.skip(f"{family} is not installed")
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / Path(found[0]).name).symlink_to(found[0])
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?>\n<fontconfig><dir>{fonts}</dir><cachedir>{tmp_path / "cache"}</cachedir>'
                    "</fontconfig>\n", "utf-8")
    profile = tmp_path / "profile.yaml"
    profile.write_text(f"fonts: {{songti: {family}}}\n", "utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))
    return {"profile": str(profile), "standin": family}


def test_fonts_command_json_installed_stand_in_and_missing(controlled: dict[str, str],
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fonts", "--profile", controlled["profile"], "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["fontconfig"] is True
    roles = {r["role"]: r for r in payload["roles"]}
    assert set(roles) == {f.name for f in attrs.fields(Roles)}
    page = roles["page_number"]["east_asian"]  # the profile names an installed font: printed in itself
    assert page == {"font": controlled["standin"], "installed": True, "pdf": controlled["standin"], "standin": None,
                    "package": None, "install": []}
    kai = roles["heading2"]["east_asian"]  # missing, a stand-in is installed
    assert kai["font"] == P.fonts.kaiti and kai["installed"] is False and kai["pdf"] == controlled["standin"]
    latin = roles["body"]["latin"]  # missing, nothing to stand in
    assert latin["font"] == "Times New Roman" and latin["installed"] is False and latin["pdf"] is None
    assert latin["install"] == ["fonts-liberation2"]
    assert any("Times New Roman" in w and "fonts-liberation2" in w for w in payload["warnings"])


def test_fonts_command_table(controlled: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fonts", "--profile", controlled["profile"]]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == f"版式配置：{P.name}"
    assert lines[1].split() == ["用途", "中文字体", "本机", "PDF", "中使用", "西文字体", "本机", "PDF", "中使用"]
    row = {line.split()[0]: line for line in lines[2:] if line.strip()}
    assert re.search(rf"{P.fonts.kaiti}\s+没有\s+{re.escape(controlled['standin'])}", row["二级标题（（一））"])
    assert re.search(r"Times New Roman\s+没有\s+无可用替代字体", row["正文"])
    assert re.search(rf"{re.escape(controlled['standin'])}\s+有\s+（本字体）", row["页码"])
    assert f"警告：本机没有 {P.fonts.kaiti}，PDF 使用 {controlled['standin']} 代替" in out
    assert "sudo apt-get install fonts-liberation2" in out


def test_the_generated_fontconfig_maps_only_what_is_missing_and_pins_the_language(controlled: dict[str, str]) -> None:
    from edureport.profile import load_profile
    plan = fontmap.plan_fonts(fontmap.profile_fonts(load_profile(controlled["profile"])))
    config = plan.config
    assert config is not None
    assert f'<include ignore_missing="yes">{os.environ["FONTCONFIG_FILE"]}</include>' in config
    assert f"<test name=\"family\"><string>{controlled['standin']}</string></test>" not in config  # installed
    kai = re.search(rf"<test name=\"family\"><string>{P.fonts.kaiti}</string></test>(.*?)</match>", config, re.S)
    assert kai and f"<string>{controlled['standin']}</string>" in kai[1] and "<string>zh-cn</string>" in kai[1]
    assert config.index("<match") < config.index("<include")  # before the system's rules, which choose by language
    header = plan.header()
    assert header.isascii() and header.startswith("UTF-8''")
    pairs = dict(pair.split("=") for pair in unquote(header.removeprefix("UTF-8''")).split(","))
    assert pairs[P.fonts.kaiti] == controlled["standin"] and pairs["Times New Roman"] == ""


def test_the_plan_is_made_once_for_concurrent_conversions() -> None:
    need_fontconfig()
    from concurrent.futures import ThreadPoolExecutor
    names = fontmap.profile_fonts(P)
    with ThreadPoolExecutor(max_workers=8) as pool:
        plans = list(pool.map(lambda _: fontmap.plan_fonts(names), range(16)))
    assert all(plan is plans[0] for plan in plans) and plans[0].checked


def test_without_fontconfig_the_plan_says_it_cannot_know(tmp_path: Path) -> None:
    plan = fontmap.plan_fonts(["仿宋_GB2312"], {"PATH": str(tmp_path)})
    assert not plan.checked and plan.config is None
    assert plan.warnings() == ["警告：无法检查本机字体（未找到 fontconfig 的 fc-list 命令），PDF 中的字体可能与公文要求不符"]
    assert plan.header() == "UTF-8''%3F"


def test_the_product_mapping_never_resolves_to_a_japanese_face(tmp_path: Path) -> None:
    """What fontconfig hands LibreOffice for each official font under the generated file: the stand-in (or the font
    itself), never a JP family — also when the request carries another language."""
    need_fontconfig()
    plan = fontmap.plan_fonts(fontmap.profile_fonts(P))
    env = plan.environment(os.environ, tmp_path)
    for status in plan.fonts:
        for lang in ("", ":lang=zh-cn", ":lang=ja"):
            family = subprocess.run(["fc-match", "-f", "%{family[0]}", status.name + lang], env=env,
                                    capture_output=True, text=True, check=True).stdout
            assert not family.endswith(" JP"), (status.name, lang, family)
            if status.printed_as is not None:
                assert family == (status.standin.family if status.standin else status.name), (status.name, lang)


# --- PDFs made by the product ----------------------------------------------------------------------------------------

class Made:
    def __init__(self, folder: Path, stderr: str) -> None:
        self.folder, self.stderr = folder, stderr


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Made:
    """Every example rendered and converted once, by the command line as a user runs it (one LibreOffice start)."""
    need_poppler()
    need_fontconfig()
    out = tmp_path_factory.mktemp("pdf")
    env = {k: v for k, v in os.environ.items() if k != "FONTCONFIG_FILE"}
    done = subprocess.run([sys.executable, "-m", "edureport", "render", *map(str, EXAMPLES), "-o", f"{out}/",
                           "--templates", TEMPLATES[0], "--pdf"], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return Made(out, done.stderr)


def _name(pdf_name: str) -> str:
    """A PDF font name reduced for comparison with a family name: no subset tag, style or region suffix. Noto CJK
    collections embed one CFF table named …jp for all their faces (SC included), so the region cannot be told from
    the name; which face is used is checked through fontconfig above."""
    base = pdf_name.split("+", 1)[-1].split("-", 1)[0]
    return re.sub(r"(sc|tc|jp|kr|hk|cn|tw)$", "", base.casefold())


def _family(family: str) -> str:
    return re.sub(r"(sc|tc|jp|kr|hk|cn|tw)$", "", "".join(family.split()).casefold())


def _is(pdf_name: str, family: str) -> bool:
    return _family(family).endswith(_name(pdf_name))  # AR PL UKai CN is embedded as UKaiCN


def _printed(name: str) -> str:
    status = fontmap.plan_fonts(fontmap.profile_fonts(P)).status(name)
    assert status is not None and status.printed_as is not None, f"{name}: nothing prints it on this machine"
    return status.standin.family if status.standin else status.name


def _texts(pdf: Path) -> list[tuple[str, float, str]]:
    """(text, size, font family) of every text piece pdftohtml finds."""
    xml = subprocess.run(["pdftohtml", "-xml", "-stdout", "-i", "-q", str(pdf)], capture_output=True,
                         check=True).stdout
    root = etree.fromstring(xml, etree.XMLParser(recover=True))
    specs = {s.get("id"): (float(s.get("size", "0")), s.get("family", "")) for s in root.iter("fontspec")}
    return [("".join(t.itertext()).strip(), *specs[t.get("font")]) for t in root.iter("text")]


@pytest.mark.rendering
@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_pdf_prints_four_roles_in_four_families_and_nothing_else(made: Made, name: str) -> None:
    pdf = made.folder / f"{name}.pdf"
    families = {role: _printed(font) for role, font in FOUR.items()}
    assert len(set(families.values())) == 4, families
    expected = {_printed(font) for font in fontmap.profile_fonts(P)}
    listed = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    embedded = [line.split()[0] for line in listed.splitlines()[2:] if line.strip()]
    for font in embedded:  # no fallback face: every font in the PDF is one a role asked for
        assert any(_is(font, family) for family in expected), f"{name}: {font} is none of {sorted(expected)}"
        if "jp" in font.casefold():  # only a Noto CJK collection's shared CFF name (see _name)
            assert any(_is(font, family) and "CJK SC" in family for family in expected), f"{name}: {font}"
    texts = _texts(pdf)
    body = float(P.roles.body.size.pt) * 1.5  # pdftohtml's sizes are at 1.5 × zoom

    def fonts_of(pieces: list[tuple[str, float, str]]) -> set[str]:
        return {family for _, _, family in pieces}

    large = [t for t in texts if t[1] > body + 3 and re.search(r"[\u4e00-\u9fff]", t[0])]
    heading1 = [t for t in texts if re.match(r"[一二三四五六七八九十]+、", t[0]) and abs(t[1] - body) < 1]
    heading2 = [t for t in texts if re.match(r"（[一二三四五六七八九十]+）", t[0]) and abs(t[1] - body) < 1]
    plain = [t for t in texts if abs(t[1] - body) < 1 and len(t[0]) >= 10 and t not in heading1 + heading2
             and all("\u4e00" <= ch <= "\u9fff" or ch in "，。、；：“”（）《》" for ch in t[0])]
    assert large and heading1 and heading2 and plain, f"{name}: title, 一、 or （一） headings or body text not found"
    for role, used in (("xiaobiaosong", fonts_of(large)), ("heiti", fonts_of(heading1)), ("kaiti", fonts_of(heading2))):
        assert all(_is(font, families[role]) for font in used), f"{name}: {role} printed in {used}"
    most, _ = Counter(family for _, _, family in plain).most_common(1)[0]
    assert _is(most, families["fangsong"]), f"{name}: body printed in {most}"


@pytest.mark.rendering
def test_the_command_line_warns_about_every_substitution(made: Made) -> None:
    plan = fontmap.plan_fonts(fontmap.profile_fonts(P))
    for warning in plan.warnings():
        assert warning in made.stderr
    for status in plan.substituted:
        assert status.name in made.stderr
    if plan.substituted:
        assert "代替" in made.stderr


@pytest.mark.rendering
def test_the_service_names_the_substitutions_in_a_header() -> None:
    need_poppler()
    need_fontconfig()
    from starlette.testclient import TestClient

    from edureport.service import create_app

    from .test_service import JSON, example_json
    response = TestClient(create_app()).post("/render?format=pdf", content=example_json(), headers=JSON)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    header = response.headers["X-Edureport-Font-Substitutions"]
    assert header.isascii() and header.startswith("UTF-8''")
    plan = fontmap.plan_fonts(fontmap.profile_fonts(P))
    decoded = unquote(header.removeprefix("UTF-8''"))
    pairs = dict(pair.split("=", 1) for pair in decoded.split(",")) if decoded else {}
    assert pairs == {s.name: s.standin.label if s.standin else "" for s in plan.substituted}
    assert "X-Edureport-Font-Substitutions" not in TestClient(create_app()).post(
        "/render?format=html", content=example_json(), headers=JSON).headers
