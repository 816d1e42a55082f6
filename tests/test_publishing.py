"""Publishing: the 公示 web page (and any output marked as published) is refused for a document with a 密级 — exit 2,
a message, nothing written; through the service 422 JSON — and never shows the 版头's internal marks: 份号,
密级和保密期限, 紧急程度, 签发人."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest
from starlette.testclient import TestClient

import edureport
from edureport import tree
from edureport.cli import main
from edureport.errors import DataError
from edureport.load import parse_text
from edureport.renderer import ClassifiedError, publishable
from edureport.service import create_app
from edureport.writer.html import write_html

from .conftest import EXAMPLES

SHOWCASE = next(p for p in EXAMPLES if p.stem.startswith("showcase"))  # 份号 000128, 秘密★1年, 特急, 签发人 张明
MARKS = ("000128", "秘密", "★", "特急", "签发人", "张明")
JSON = {"content-type": "application/json"}


def unclassified(folder: Path) -> Path:
    """The showcase without its 密级: 份号, 紧急程度 and 签发人 remain."""
    text = SHOWCASE.read_text("utf-8")
    assert '  secrecy: "秘密★1年"\n' in text
    path = folder / "unclassified.yaml"
    path.write_text(text.replace('  secrecy: "秘密★1年"\n', ""), "utf-8")
    return path


def paragraphs(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


@pytest.mark.parametrize("args", [["-o", "{out}/r.docx", "--html"], ["-o", "{out}/r.html"],
                                  ["-o", "{out}/r.docx", "--published"], ["-o", "{out}/r.docx", "--html", "--pdf"]])
def test_a_classified_document_is_never_published(args: list[str], tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    assert main(["render", str(SHOWCASE), *[a.format(out=out) for a in args]]) == 2
    err = capsys.readouterr().err
    assert f"数据错误：{SHOWCASE} 字段 header.secrecy：文件标有密级“秘密★1年”，涉密文件不得公开发布" in err
    assert "未生成任何文件" in err and "Traceback" not in err
    assert list(out.iterdir()) == []  # neither the page nor the .docx beside it


def test_a_refused_page_leaves_an_existing_file_alone(tmp_path: Path) -> None:
    target = tmp_path / "r.docx"
    target.write_bytes(b"old")
    assert main(["render", str(SHOWCASE), "-o", str(target), "--html"]) == 2
    assert target.read_bytes() == b"old" and not (tmp_path / "r.html").exists()


def test_the_internal_docx_of_a_classified_document_is_still_made(tmp_path: Path) -> None:
    target = tmp_path / "r.docx"
    assert main(["render", str(SHOWCASE), "-o", str(target)]) == 0
    texts = paragraphs(target.read_bytes())
    assert "000128" in texts and "秘密★1年" in texts  # for the paper copies, as the standard lays them out


def test_the_library_refuses_with_a_data_error() -> None:
    report = edureport.load_report(SHOWCASE)
    for make in (lambda: edureport.render_html(report, draft=True), lambda: edureport.render_docx(report, published=True)):
        with pytest.raises(ClassifiedError) as raised:
            make()
        assert isinstance(raised.value, DataError) and raised.value.problems[0].path == "header.secrecy"


def test_the_page_never_shows_the_internal_marks(tmp_path: Path) -> None:
    report = edureport.load_report(unclassified(tmp_path))
    page = edureport.render_html(report).decode("utf-8")
    for mark in MARKS:
        assert mark not in page, mark
    assert "示例县人民政府" in page and "示府〔2024〕12号" in page  # the organ and the 发文字号 stay
    # through the command too
    out = tmp_path / "r.html"
    assert main(["render", str(tmp_path / "unclassified.yaml"), "-o", str(out)]) == 0
    assert "000128" not in out.read_text("utf-8")


def test_the_writer_shows_no_mark_of_any_tree_and_refuses_a_secrecy() -> None:
    document = tree.Document((tree.HeaderBlock("示例县人民政府", copy_number="000001", urgency="特急",
                                               doc_number=(tree.Run("示府〔2024〕1号"),), signer_label="签发人：",
                                               signer_name="张明"), tree.Title(("报告",))))
    page = write_html(document).decode("utf-8")
    assert "000001" not in page and "特急" not in page and "张明" not in page and "示府〔2024〕1号" in page
    with pytest.raises(ValueError):
        write_html(tree.Document((tree.HeaderBlock("示例县人民政府", secrecy="秘密"),)))
    # a 密级 a template put in the 版头 without the data's secrecy field is refused as well
    with pytest.raises(ClassifiedError):
        publishable(edureport.Report(title="报告"), tree.Document((tree.HeaderBlock("示例县人民政府", secrecy="机密"),)))


def test_a_docx_marked_as_published_has_no_internal_marks(tmp_path: Path) -> None:
    report = edureport.load_report(unclassified(tmp_path))
    internal, published = paragraphs(edureport.render_docx(report)), paragraphs(
        edureport.render_docx(report, published=True))
    assert "000128" in internal and "特急" in internal and any("张明" in t for t in internal)
    assert not any(mark in t for t in published for mark in MARKS)
    assert "示例县人民政府" in published and "示府〔2024〕12号" in published
    target = tmp_path / "p.docx"
    assert main(["render", str(tmp_path / "unclassified.yaml"), "-o", str(target), "--published"]) == 0
    assert paragraphs(target.read_bytes()) == published


def test_batch_refuses_the_classified_file_and_publishes_the_others(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    good = unclassified(tmp_path)
    out = tmp_path / "out"
    assert main(["batch", str(SHOWCASE), str(good), "-o", str(out), "--html", "--jobs", "1"]) == 2
    printed = capsys.readouterr().out
    assert f"失败：{SHOWCASE}：数据错误：{SHOWCASE} 字段 header.secrecy：文件标有密级“秘密★1年”" in printed
    assert sorted(p.name for p in out.iterdir()) == ["unclassified.docx", "unclassified.html"]
    assert "000128" not in (out / "unclassified.html").read_text("utf-8")


def body(path: Path) -> bytes:
    data, _, _ = parse_text(path.read_bytes(), str(path))
    return json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")


def test_the_service_refuses_to_publish_a_classified_document(tmp_path: Path) -> None:
    client = TestClient(create_app())
    classified = body(SHOWCASE)
    for query in ("format=html", "format=html&draft=true", "format=docx&published=true"):
        response = client.post(f"/render?{query}", content=classified, headers=JSON)
        assert response.status_code == 422, query
        payload = response.json()
        assert payload["error"].startswith("涉密文件不得公开发布")
        assert payload["problems"][0]["path"] == "header.secrecy" and "秘密★1年" in payload["problems"][0]["message"]
    assert client.post("/render", content=classified, headers=JSON).status_code == 200  # the internal .docx
    page = client.post("/render?format=html", content=body(unclassified(tmp_path)), headers=JSON)
    assert page.status_code == 200 and not any(mark in page.text for mark in MARKS)
    published = client.post("/render?published=true", content=body(tmp_path / "unclassified.yaml"), headers=JSON)
    assert published.status_code == 200 and "000128" not in paragraphs(published.content)
    spec = client.get("/openapi.json").json()
    assert "published" in [p["name"] for p in spec["paths"]["/render"]["post"]["parameters"]]
