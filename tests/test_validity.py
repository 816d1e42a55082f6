"""Every output is structurally sound (what Word enforces) and opens in independent readers."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pytest
from docx2python import docx2python

from .conftest import EXAMPLE_IDS, Rendered
from .ooxml_check import problems


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_examples_pass_the_structural_validator(name: str, rendered: dict[str, Rendered]) -> None:
    assert problems(rendered[name].data) == []


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_examples_open_in_docx2python_with_the_same_text(name: str, rendered: dict[str, Rendered]) -> None:
    ours = [p.text for p in docx.Document(io.BytesIO(rendered[name].data)).paragraphs if p.text.strip()]
    with docx2python(io.BytesIO(rendered[name].data)) as result:
        theirs = [t for t in result.text.split("\n") if t.strip()]
    joined = "".join(theirs).replace("\t", "")
    for text in ours:
        assert text.replace("\t", "").replace("\n", "") in joined, text


def _broken(data: bytes, part: str, transform: object) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == part:
                content = transform(content)  # type: ignore[operator]
            if content is not None:
                target.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(("part", "transform", "words"), [
    ("word/document.xml", lambda b: b.replace(b"<w:tc>", b"<w:tc><w:tcPr/></w:tc><w:tc>", 1), "without a paragraph"),
    ("word/_rels/document.xml.rels", lambda b: b.replace(b"footer2.xml", b"footer9.xml"), "missing part"),
    ("[Content_Types].xml", lambda b: b.replace(b"/word/styles.xml", b"/word/nothing.xml"), "expected"),
    ("word/_rels/document.xml.rels", lambda b: re.sub(rb'<Relationship Id="rIdSettings"[^>]*/>', b"", b), "orphan"),
    ("word/footer1.xml", lambda b: b.replace(b'w:fldCharType="separate"', b'w:fldCharType="x"'), "cached result"),
    ("word/document.xml", lambda b: b.replace(b'r:id="rIdFooterOdd"', b'r:id="rId99"'), "does not exist"),
    ("word/fontTable.xml", lambda b: b[:-20], "not well-formed"),
])
def test_the_validator_sees_broken_files(part: str, transform: object, words: str,
                                         rendered: dict[str, Rendered]) -> None:
    data = _broken(rendered["showcase-full-format"].data, part, transform)
    assert any(words in p for p in problems(data)), problems(data)
