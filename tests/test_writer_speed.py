"""The .docx writer writes word/document.xml's body as text (``edureport.writer.oxml.text_xml``, for speed), so these
tests hold it to what lxml writes: every Unicode code point escaped exactly as libxml2 escapes text, every character
XML cannot hold refused with lxml's own error, long runs split by the rule of ``TEXT_NODE_CHARS``, and text with
markup characters, quotes, tabs, line breaks and carriage returns read back unchanged by python-docx. Byte-identical
output for the examples is tests/test_determinism.py's golden hashes."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from edureport import tree
from edureport.renderer import default_profile
from edureport.writer import write_docx
from edureport.writer.oxml import NSMAP, TEXT_NODE_CHARS, el, escape_text, fragment, text, text_xml

PROFILE = default_profile()
TRICKY = 'a&b<c>d"e\'f\tg\nh\ri]]>j&amp;k&#13;l\u3000m\u00a0n\u2028o\x85p\x7fq\U0001f600r'


def lxml_run(value: str) -> str:
    """A run's text as the lxml builders write it (the writer's way before it wrote text directly)."""
    run = el(None, "w:r")
    text(run, value)
    return fragment(run)


def refusal(value: str) -> tuple[type[BaseException], str] | None:
    """The error lxml raises for ``value`` as element text, or None when it takes it."""
    try:
        etree.Element("t").text = value
    except (ValueError, UnicodeEncodeError) as error:
        return type(error), str(error)
    return None


def document_xml(document: tree.Document) -> bytes:
    with zipfile.ZipFile(io.BytesIO(write_docx(document, PROFILE))) as package:
        return package.read("word/document.xml")


def body_paragraph(value: str) -> tree.Document:
    return tree.Document((tree.Paragraph((tree.Run(value),)),))


def test_every_code_point_is_escaped_or_refused_as_lxml_does() -> None:
    refused = {code: error for code in range(0x110000) if (error := refusal(chr(code))) is not None}
    assert len(refused) == 29 + 2048 + 2  # C0 controls but tab, LF, CR; surrogates; U+FFFE, U+FFFF
    for code in refused:
        value = f"前{chr(code)}后"
        for write in (text_xml, escape_text):
            with pytest.raises((ValueError, UnicodeEncodeError)) as raised:
                write(value)
            assert (type(raised.value), str(raised.value)) == refusal(value)
    taken = "".join(chr(code) for code in range(0x110000) if code not in refused)
    for start in range(0, len(taken), 1000):  # in runs of one w:t
        chunk = taken[start:start + 1000]
        assert f"<w:r>{text_xml(chunk)}</w:r>" == lxml_run(chunk)
        assert f'<w:r><w:t xml:space="preserve">{escape_text(chunk)}</w:t></w:r>' == lxml_run(chunk)
    assert len(taken) > TEXT_NODE_CHARS  # and all in one run, split in two w:t
    assert f"<w:r>{text_xml(taken)}</w:r>" == lxml_run(taken)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.characters(), st.characters(categories=["Cs"]),  # lone surrogates too
                          st.sampled_from("&<>\"'\t\n\r\ufffe\uffff")), max_size=60).map("".join))
def test_any_text_is_written_as_lxml_writes_it_or_refused_with_its_error(value: str) -> None:
    error = refusal(value)
    if error is None:
        assert f"<w:r>{text_xml(value)}</w:r>" == lxml_run(value)
    else:
        with pytest.raises(error[0]) as raised:
            text_xml(value)
        assert str(raised.value) == error[1]


@pytest.mark.parametrize("length", [0, 1, TEXT_NODE_CHARS - 1, TEXT_NODE_CHARS, TEXT_NODE_CHARS + 1,
                                    2 * TEXT_NODE_CHARS + 1])
def test_a_run_is_split_into_w_t_of_at_most_text_node_chars(length: int) -> None:
    value = ("汉&" * length)[:length]
    xml = text_xml(value)
    assert xml == lxml_run(value)[len("<w:r>"):-len("</w:r>")]
    pieces = etree.fromstring(f'<w:r xmlns:w="{NSMAP["w"]}">{xml}</w:r>').findall(qn("w:t"))
    assert [len(t.text or "") for t in pieces] == [min(TEXT_NODE_CHARS, length - start) for start in
                                                   range(0, max(length, 1), TEXT_NODE_CHARS)]


def test_tricky_and_long_text_round_trips_through_python_docx() -> None:
    long_run = "长" * TEXT_NODE_CHARS + "&"  # 1,000,001 characters: two w:t in one run
    runs = (tree.Run(TRICKY), tree.Run(long_run), tree.Run("<w:t>not markup</w:t>", placeholder=True))
    document = tree.Document((
        tree.Title(("标题<&>",)),
        tree.Paragraph(runs),
        tree.Heading(2, "（一）", "标题\"'", run_in=True, body=(tree.Run(TRICKY),)),
        tree.Table((("表头&", "<b>"), (TRICKY, "")), align=("left", "right")),
        tree.Signature((tree.Run("2024年5月1日\r"),), issuer="县政府<>"),
        tree.Colophon("县教育局&", (tree.Run("2024年5月1日印发"),), cc="县委\t县政府"),
    ))
    read = docx.Document(io.BytesIO(write_docx(document, PROFILE)))
    texts = [p.text for p in read.paragraphs]
    assert "标题<&>" in texts
    assert TRICKY + long_run + "<w:t>not markup</w:t>" in texts
    assert "（一）标题\"'" + TRICKY in texts
    assert [[c.text for c in row.cells] for row in read.tables[0].rows] == [["表头&", "<b>"], [TRICKY, ""]]
    assert "2024年5月1日\r" in texts and "县政府<>" in texts and "县委\t县政府" in texts
    assert [len(t.text) for t in read.element.body.iter(qn("w:t")) if t.text and t.text[0] == "长"] == [
        TEXT_NODE_CHARS]


def test_the_document_part_is_what_lxml_writes_for_its_own_tree() -> None:
    # parsed and serialized again by lxml, the part comes back byte for byte: declaration, namespace declarations,
    # escaping of text and attributes, element order (no empty text here: lxml would write <w:t/> for it)
    document = tree.Document((
        tree.HeaderBlock("示例县人民政府", copy_number="000001", urgency="特急", doc_number=(tree.Run("示教〔2024〕1号"),),
                         signer_name="张三"),
        tree.Title(("关于履行教育职责情况的自查报告",)),
        tree.Addressee("市人民政府："),
        tree.Paragraph((tree.Run(TRICKY), tree.Run("【待填写】", placeholder=True))),
        tree.Heading(1, "一、", "标题"),
        tree.TableTitle("表1"),
        tree.Table((("a", "b"), ("c&", "d<"))),
        tree.AttachmentNotes("附件：", ("清单",)),
        tree.Signature((tree.Run("2024年5月1日"),), issuer="示例县人民政府", seal=True),
        tree.Note("（此件公开发布）"),
        tree.AttachmentStart("附件1", "清单"),
        tree.Table((("x",),)),
        tree.Colophon("示例县教育局", (tree.Run("2024年5月1日印发"),), cc="市教育局"),
    ))
    xml = document_xml(document)
    assert etree.tostring(etree.fromstring(xml), xml_declaration=True, encoding="UTF-8", standalone=True) == xml


@pytest.mark.parametrize("bad", ["\x01", "\x00", "\x0b", "\x1f", "\ufffe", "\uffff", "\ud800", "\udfff"])
def test_a_character_xml_cannot_hold_is_refused_with_lxml_s_error(bad: str) -> None:
    value = f"正文{bad}正文"
    error = refusal(value)
    assert error is not None
    # in a body paragraph, a table cell, a title, and as the second w:t of a run longer than one w:t holds (lxml's
    # error then names the position in that w:t, as it did when the body was built with it)
    for document in (body_paragraph(value), tree.Document((tree.Table(((value,),)),)),
                     tree.Document((tree.Title((value,)),)), body_paragraph("长" * TEXT_NODE_CHARS + value)):
        with pytest.raises(error[0]) as raised:
            write_docx(document, PROFILE)
        assert str(raised.value) == error[1]


def test_a_section_ending_on_a_body_paragraph_carries_its_properties_there() -> None:
    """A body paragraph is written as finished text; when the 版记 opens the last section right after one, the
    first section's properties go into that paragraph's properties (so the document has two sections)."""
    import datetime
    import io

    import docx

    import edureport

    report = edureport.Report(title="关于履行教育职责情况的自查报告",
                              sections=[edureport.Section("主要做法", paragraphs=["甲 & <乙>。", "最后一段。"])],
                              colophon=edureport.Colophon("某县人民政府办公室", datetime.date(2024, 6, 5)))
    document = docx.Document(io.BytesIO(edureport.render_docx(report)))
    assert len(document.sections) == 2
    last_body = next(p for p in document.paragraphs if p.text == "最后一段。")
    assert last_body._p.pPr is not None and last_body._p.pPr.sectPr is not None
    assert any(p.text == "甲 & <乙>。" for p in document.paragraphs)


def test_a_table_of_empty_rows_is_written_with_one_column() -> None:
    import importlib
    import io

    import docx

    from edureport import tree
    from edureport.writer import write_docx

    profile = importlib.import_module("edureport.renderer").default_profile()
    document = tree.Document((tree.Title(("关于履行教育职责情况的报告",)),
                              tree.Table(rows=((), ()), widths=None, header_rows=0, align=None)))
    [table] = docx.Document(io.BytesIO(write_docx(document, profile))).tables
    assert len(table.rows) == 2 and len(table.columns) == 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(st.one_of(st.characters(), st.sampled_from("&<>&amp;汉")), max_size=40)
                .filter(lambda value: refusal(value) is None), min_size=1, max_size=6))
def test_one_run_paragraphs_written_by_the_loop_are_what_lxml_writes(values: list[str]) -> None:
    # _Writer.build writes body paragraphs and headings of one run itself (printable text, its own escaping of
    # &, < and >); whatever the text, the part is what lxml writes for its own tree, and the text reads back
    blocks: list[tree.Block] = []
    for i, value in enumerate(values):
        blocks.append(tree.Paragraph((tree.Run(value),)) if i % 2 else tree.Heading(1 + i % 4, "一、", value))
    xml = document_xml(tree.Document(tuple(blocks)))
    if all(values):  # lxml writes an empty text as <w:t/>
        assert etree.tostring(etree.fromstring(xml), xml_declaration=True, encoding="UTF-8", standalone=True) == xml
    texts = ["".join(p.itertext()) for p in etree.fromstring(xml).iter(qn("w:p"))]
    assert texts == [v if i % 2 else "一、" + v for i, v in enumerate(values)]


def test_every_code_point_in_a_one_run_paragraph_is_written_as_text_xml_writes_it() -> None:
    """The loop's own escaping (``_Writer.build``) against ``text_xml`` (held to lxml over every code point above):
    every code point, in paragraphs of 4,096, is written the same way or refused with the same error."""
    chunks = ["".join(map(chr, range(start, min(start + 4096, 0x110000)))) for start in range(0, 0x110000, 4096)]
    # the printable characters of each chunk take the loop's path; a chunk as it is, with controls and unassigned
    # code points, takes the checked one
    for start, value in enumerate([*("".join(c for c in chunk if c.isprintable()) for chunk in chunks), *chunks]):
        expected = refusal(value)
        try:
            xml = document_xml(tree.Document((tree.Paragraph((tree.Run(value),)),)))
        except (ValueError, UnicodeEncodeError) as error:
            assert (type(error), str(error)) == expected, hex(start)
            continue
        assert expected is None, hex(start)
        assert text_xml(value).encode() in xml, hex(start)
