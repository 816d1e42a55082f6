"""Documentation cannot rot: the README's Python runs, its commands are the ones CI runs, docstring examples pass."""

from __future__ import annotations

import doctest
import os
import re
import shutil
from pathlib import Path

import pytest

import edureport

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")


def test_readme_python_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    blocks = re.findall(r"```python\n(.*?)```", README, re.S)
    assert blocks
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    for block in blocks:  # one walk-through: later blocks use names from earlier ones
        exec(compile(block, "README.md", "exec"), namespace)
    printed = capsys.readouterr().out
    comments = re.findall(r"^# (error .*)$", README, re.M)  # what the README says the code prints
    comments += re.findall(r"# (12 \[.*\])$", README, re.M)
    assert comments and all(comment in printed for comment in comments)
    assert (tmp_path / "示例.docx").read_bytes()[:2] == b"PK"
    assert (tmp_path / "安岳.docx").exists()


def test_ci_runs_the_readme_test_command() -> None:
    commands = re.findall(r"```sh\n(.*?)```", README, re.S)[0].strip().splitlines()
    assert len(commands) == 2 and "edureport render examples/" in commands[0] and "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert commands[1] in ci.splitlines()
    assert "EDUREPORT_REQUIRE_RENDERING=1" in ci


def test_docstring_examples() -> None:
    failures, tried = doctest.testmod(edureport, verbose=False)
    assert tried and not failures


def test_the_readme_demo_command_renders_every_example(tmp_path: Path) -> None:
    from edureport.cli import main
    examples = sorted(str(p) for p in (ROOT / "examples").glob("*.yaml"))
    assert main(["render", *examples, "--templates", str(ROOT / "examples" / "templates"),
                 "-o", str(tmp_path / "输出") + os.sep]) == 0
    assert len(list((tmp_path / "输出").glob("*.docx"))) == len(examples)


def test_the_readme_error_example_is_what_the_cli_prints(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from edureport.cli import main
    source = tmp_path / "我县.yaml"
    source.write_text("title: 报告\n" + "\n" * 9 + "sections:\n  - title: 一\n    paragrahs: [x]\n", "utf-8")
    assert main(["render", str(source), "-o", str(tmp_path / "x.docx")]) == 2
    printed = capsys.readouterr().err.replace(str(tmp_path) + "/", "")
    example = re.search(r"`(数据错误：我县\.yaml[^`]*)…`", README)
    assert example and printed.startswith(example.group(1)), printed


def test_the_architecture_format_examples_render_together(tmp_path: Path) -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text("utf-8")
    catalogue, scheme, report = re.findall(r"```yaml\n(.*?)```", text.split("## Catalogue and scheme format")[1], re.S)
    folder = tmp_path / "tpl"
    (folder / "schemes").mkdir(parents=True)
    (folder / "catalogue.yaml").write_text(catalogue, "utf-8")
    (folder / "schemes" / "example.yaml").write_text(scheme, "utf-8")
    loaded = edureport.loads_report(report, template_dirs=[folder])
    result = edureport.render(loaded, template_dirs=[folder])
    import io

    import docx
    texts = [p.text for p in docx.Document(io.BytesIO(result.data)).paragraphs]
    assert "（二）深化教育改革。建成智慧课堂14间，比上年增长55.56%。" in texts
    assert any(t == "附件：主要指标自评表" for t in texts)
    assert [f.message for f in result.findings] == []  # 14 meets both the catalogue's 10 and the scheme's 12


def test_the_readme_yaml_example_loads_and_renders_as_a_draft() -> None:
    block = re.findall(r"```yaml\n(.*?)```", README, re.S)[0]
    report = edureport.loads_report("title: 示例\n" + block)
    data = edureport.render_docx(report, draft=True)
    assert data[:2] == b"PK"
