"""The bad-input corpus: malformed input at every entry point (render, batch, check, rollover, import, profiles,
templates). Each case yields its documented exit code and a Chinese message that says where the problem is; none ends
in a traceback; none leaves a partial output file. The summary line at the end of the test run counts them."""

from __future__ import annotations

import contextlib
import io
import resource
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import edureport
from edureport.cli import main

from .test_embedding import ATTACKS

RESULTS: dict[str, int] = {"tried": 0, "behaved": 0}

GOOD = "title: 报告\nsections:\n  - title: 一部分\n    paragraphs: [正文。]\n"


@dataclass
class Case:
    id: str
    data: bytes | str  # the data file (or .docx for import)
    code: int  # documented exit code
    words: str = ""  # must appear in the message (a field path, a line, a reason)
    entry: str = "render"  # render | batch | check | rollover | import | profile | templates
    suffix: str = ".yaml"
    extra: tuple[str | bytes, ...] = ()  # extra files for the entry point (profile or template text, or bytes)


def y(body: str, code: int = 2, words: str = "", **kw: object) -> Case:
    return Case(kw.pop("id"), body, code, words, **kw)  # type: ignore[arg-type]


def _docx_zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, content in parts.items():
            z.writestr(name, content)
    return buffer.getvalue()


_DEEP = 10_000
_ALIASES = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n"
    for i in range(1, 9))
_TABLE = "<report><title><line>x</line></title><section><heading>一</heading>{}</section></report>"

# Hostile input (the attack run of the second hardening round and its neighbours): each is refused with its
# documented code and a message naming the place, in bounded time and memory.
HOSTILE: list[Case] = [
    # nesting and size
    y("title: 报告\nopening: " + "[" * _DEEP + "]" * _DEEP + "\n", words="嵌套", id="deep-list-10000"),
    y("title: 报告\nopening: " + "{a: " * _DEEP + "x" + "}" * _DEEP + "\n", words="嵌套", id="deep-mapping-10000"),
    y("title: 报告\nopening: " + "[" * 60 + "x" + "]" * 60 + "\n", words="嵌套层数过多", id="deep-list-60"),
    Case("deep-json-10000", '{"title": "报告", "opening": ' + "[" * _DEEP + "]" * _DEEP + "}", 2, "嵌套",
         suffix=".json"),
    Case("deep-check", "title: 报告\nopening: " + "[" * _DEEP + "]" * _DEEP + "\n", 2, "嵌套", entry="check"),
    Case("deep-rollover", "title: 报告\nopening: " + "[" * _DEEP + "]" * _DEEP + "\n", 2, "嵌套", entry="rollover"),
    Case("deep-batch", "title: 报告\nopening: " + "[" * _DEEP + "]" * _DEEP + "\n", 2, "嵌套", entry="batch"),
    # nesting past what ruamel.yaml.clib's C composer survives (it crashed the process at 20–50k levels): flow,
    # block on one line, and block continued on further-indented lines (all read by the pure parser instead)
    y("title: 报告\nopening: " + "[" * 100_000 + "]" * 100_000 + "\n", words="嵌套", id="deep-list-100000"),
    y("title: 报告\nopening:\n" + "- " * 100_000 + "x\n", words="嵌套", id="deep-block-100000"),
    y("title: 报告\nopening:\n" + "\n".join(" " * (2 * 4999 * i) + "- " * 4999 for i in range(6)) + "x\n",
      words="嵌套", id="deep-block-continued-30000"),
    Case("deep-check-100000", "title: 报告\nopening: " + "[" * 100_000 + "]" * 100_000 + "\n", 2, "嵌套",
         entry="check"),
    y("title: 报告\nyear: !!int abc\n", words="不是有效的整数", id="int-tag-not-a-number"),
    y("? [[a]]\n: 1\ntitle: 报告\n", words="不能作为数据的写法", id="list-as-key"),
    y("title: 报告\nyear: !!bool 2\n", words="不能作为数据的写法", id="bool-tag-not-a-bool"),
    y(_ALIASES + "title: 报告\nsections: [{title: 一, paragraphs: *a8}]\n", words="值过多", id="alias-bomb-sections"),
    y(_ALIASES + "title: 报告\nopening: *a8\n", words="值过多", id="alias-bomb-opening"),
    y("title: 报告\nopening: [" + ", ".join(["x"] * 250_000) + "]\n", words="值过多", id="too-many-values"),
    Case("too-large-file", "title: 报告\nopening: [\"" + "教" * (8 * 1024 * 1024) + "\"]\n", 2, "文件过大"),
    y("title: 报告\nsections:\n" + "".join(f"  - {{title: 第{i}部分, paragrahs: [x]}}\n" for i in range(3000)),
      words="paragrahs", id="misspelt-key-3000-times"),
    # numbers
    y("title: 报告\nareas: {funding: {budget_funds: 12345678901234567890123456789}}\n", words="数字位数过多",
      id="number-29-digits"),
    y("title: 报告\nareas: {funding: {budget_funds: 1e28}}\n", words="数字位数过多", id="number-1e28"),
    y("title: 报告\nareas: {funding: {budget_funds: 1e999999999}}\n", words="数字位数过多", id="number-1e999999999"),
    y("title: 报告\nareas: {funding: {budget_funds: 1e-999999}}\n", words="数字位数过多", id="number-1e-999999"),
    y("title: 报告\nyear: " + "9" * 5000 + "\n", words="year", id="yaml-int-5000-digits"),
    y("title: 报告\nareas: {funding: {budget_funds: " + "9" * 5000 + "}}\n", words="数字位数过多",
      id="figure-5000-digits"),
    Case("json-int-5000-digits", '{"title": "报告", "year": ' + "9" * 5000 + "}", 2, "year", suffix=".json"),
    Case("json-number-1e999999999", '{"title": "报告", "areas": {"funding": {"budget_funds": 1e999999999}}}', 2,
         "数字位数过多", suffix=".json"),
    Case("json-nan", '{"title": "报告", "areas": {"funding": {"budget_funds": NaN}}}', 2, "budget_funds",
         suffix=".json"),
    y("title: 报告\nareas: {funding: {budget_funds: .inf}}\n", words="budget_funds", id="yaml-infinity"),
    y("title: 报告\nareas: {funding: {budget_funds: '1e400'}}\n", words="budget_funds", id="number-text-1e400"),
    # keys that no text can hold
    Case("json-surrogate-key", '{"title": "报告", "\\ud800": 1}', 2, "字段名", suffix=".json"),
    Case("json-surrogate-key-deep", '{"title": "报告", "header": {"\\udfff\\u0007": 1}}', 2, "字段名",
         suffix=".json"),
    y('title: 报告\n"bad\\u0007key": 1\n', words="字段名", id="yaml-control-char-key"),
    # names in data are names
    y("title: 报告\nscheme: /etc/passwd\n", words="不能是文件路径", id="scheme-absolute-path"),
    y("title: 报告\nscheme: ../../../etc/hosts\n", words="scheme", id="scheme-climbs-out"),
    y("title: 报告\nscheme: schemes/../x\n", words="scheme", id="scheme-dots-inside"),
    y("title: 报告\nscheme: 'C:\\x'\n", words="scheme", id="scheme-windows-path"),
    y("title: 报告\ntemplate: /etc/passwd\n", words="template", id="skeleton-absolute-path"),
    y("title: 报告\ntemplate: ../report.xml.j2\n", words="template", id="skeleton-climbs-out"),
    # dates
    y("title: 报告\nsignature: {date: '20240203'}\n", words="signature.date", id="date-basic-format"),
    y("title: 报告\nsignature: {date: 2024-W01-1}\n", words="signature.date", id="date-week"),
    y("title: 报告\nsignature: {date: 0001-01-01}\n", words="signature.date", id="date-year-1"),
    y("title: 报告\nsignature: {date: 2024-036}\n", words="signature.date", id="date-ordinal"),
    y("title: 报告\nsignature: {date: 9999年1月1日}\n", words="signature.date", id="date-year-9999"),
    # structure
    y("title: 报告\nattachments:\n - title: 表\n   sections:\n    - title: 一\n      sections:\n"
      "       - title: 二\n         sections:\n          - title: 三\n            sections:\n"
      "             - title: 四\n               sections: [{title: 五}]\n", words="attachments[0].sections",
      id="attachment-fifth-level"),
    y("title: 报告\nattachments: [{title: 表, tables: [{columns: [a, b]}]}]\n", words="attachments[0].tables[0].rows",
      id="table-without-rows"),
    y("title: 报告\nattachments: [{title: 表, tables: [{columns: [a, b], rows: [[1, 2]], widths: [0, 1]}]}]\n",
      words="widths", id="table-zero-width"),
    y("title: 报告\nattachments: [{title: 表, tables: [{columns: [a, b], rows: [[1, 2]], widths: [-1, 1]}]}]\n",
      words="widths", id="table-negative-width"),
    y("title: 报告\nattachments: [{title: 表, tables: [{columns: [a, b], rows: [[1, 2]], widths: [1]}]}]\n",
      words="widths", id="table-width-count"),
    # template markup
    Case("markup-bad-widths", GOOD, 3, "widths", entry="templates",
         extra=(_TABLE.format('<table widths="a b"><row><cell>1</cell><cell>2</cell></row></table>'),)),
    Case("markup-zero-widths", GOOD, 3, "widths", entry="templates",
         extra=(_TABLE.format('<table widths="0 0"><row><cell>1</cell><cell>2</cell></row></table>'),)),
    Case("markup-widths-count", GOOD, 3, "widths", entry="templates",
         extra=(_TABLE.format('<table widths="1 2 3"><row><cell>1</cell><cell>2</cell></row></table>'),)),
    Case("markup-empty-row", GOOD, 3, "<row>", entry="templates", extra=(_TABLE.format("<table><row/></table>"),)),
    Case("markup-empty-table", GOOD, 3, "<table>", entry="templates", extra=(_TABLE.format("<table/>"),)),
    Case("markup-bad-align", GOOD, 3, "align", entry="templates",
         extra=(_TABLE.format('<table align="up"><row><cell>1</cell></row></table>'),)),
    Case("markup-huge-widths", GOOD, 3, "widths", entry="templates",
         extra=(_TABLE.format('<table widths="99999999999"><row><cell>1</cell></row></table>'),)),
]

CASES: list[Case] = [
    # YAML syntax
    y("title: [报告\n", words="第2行", id="yaml-unclosed-flow"),
    y("title: 报告\n  sections: : x\n", words="YAML 语法错误", id="yaml-bad-mapping"),
    y("title: 报告\n\tsections: []\n", words="YAML 语法错误", id="yaml-tab-indent"),
    y("title: 报告\ntitle: 再来\n", words="重复的字段", id="yaml-duplicate-key"),
    y("title: *nothing\n", words="YAML 语法错误", id="yaml-undefined-alias"),
    y('title: "报\\q告"\n', words="YAML 语法错误", id="yaml-bad-escape"),
    y("title: 报告\n---\ntitle: 又一份\n", words="YAML 语法错误", id="yaml-two-documents"),
    y('title: "报告\n', words="YAML 语法错误", id="yaml-unterminated-quote"),
    y("- - - x\n", words="顶层应为键值对", id="yaml-nested-list"),
    y(": x\n", words="", id="yaml-empty-key"),
    # JSON syntax
    Case("json-trailing-comma", '{"title": "报告",}', 2, "JSON 语法错误", suffix=".json"),
    Case("json-single-quotes", "{'title': '报告'}", 2, "JSON 语法错误", suffix=".json"),
    Case("json-unquoted-key", '{title: "报告"}', 2, "JSON 语法错误", suffix=".json"),
    Case("json-duplicate-key", '{"title": "a", "title": "b"}', 2, "重复的字段", suffix=".json"),
    Case("json-truncated", '{"title": "报告", "sections": [', 2, "JSON 语法错误", suffix=".json"),
    Case("json-array-top", '["报告"]', 2, "顶层应为键值对", suffix=".json"),
    # types
    y("title: 12\n", words="title", id="type-title-int"),
    y("title: [{a: 1}]\n", words="title[0]", id="type-title-list-of-maps"),
    y("title: 报告\nsections: 一部分\n", words="sections", id="type-sections-string"),
    y("title: 报告\nsections:\n  - title: 一\n    paragraphs: {a: b}\n", words="sections[0].paragraphs", id="type-paragraphs-map"),
    y("title: 报告\nsections:\n  - title: 一\n    run_in: 是\n", words="sections[0].run_in", id="type-run-in"),
    y("title: 报告\nsections:\n  - title: 一\n    numbering: 1\n", words="sections[0].numbering", id="type-numbering"),
    y("title: 报告\nheader: 县政府\n", words="header", id="type-header-string"),
    y("title: 报告\nheader: {issuer_mark: 县, doc_number: {organ: 县, year: 二〇二四, serial: 1}}\n",
      words="header.doc_number.year", id="type-year-text"),
    y("title: 报告\nheader: {issuer_mark: 县, doc_number: {organ: 县, year: 2024, serial: 1.5}}\n",
      words="header.doc_number.serial", id="type-serial-decimal"),
    y("title: 报告\nsignature: {date: 20240605}\n", words="signature.date", id="type-date-int"),
    y("title: 报告\nsignature: {date: 2024-06-05, seal: yes}\n", words="signature.seal", id="type-seal"),
    y("title: 报告\nattachments: {title: 表}\n", words="attachments", id="type-attachments-map"),
    y("title: 报告\nattachments: [{title: 表, tables: 表格}]\n", words="attachments[0].tables", id="type-tables"),
    y("title: 报告\nattachments: [{title: 表, tables: [{columns: [a], widths: [宽]}]}]\n",
      words="attachments[0].tables[0].widths[0]", id="type-widths"),
    y("title: 报告\ncolophon: {printer: 办, print_date: 2024-06-05, cc: 市教育局}\n", words="colophon.cc", id="type-cc"),
    y("title: 报告\nareas: {funding: {budget_funds: {current: 很多}}}\n", words="areas.funding.budget_funds.current",
      id="type-figure"),
    y("title: 报告\nyear: 二〇二三\n", words="year", id="type-report-year"),
    y("title: 报告\nareas: {equity: {large_classes: 3.5}}\n", words="areas.equity.large_classes", id="type-count"),
    y("title: 报告\nareas: {feedback: 问题}\n", words="areas.feedback", id="type-feedback"),
    # ranges and values
    y("title: 报告\nyear: 1800\n", words="year", id="range-year"),
    y("title: 报告\nheader: {issuer_mark: 县, doc_number: {organ: 县, year: 2024, serial: 0}}\n",
      words="header.doc_number.serial", id="range-serial-zero"),
    y("title: 报告\nheader: {issuer_mark: 县, copy_number: '12345'}\n", words="header.copy_number", id="range-copy-number"),
    y("title: 报告\nareas: {equity: {public_kindergarten_share: {current: 101}}}\n",
      words="areas.equity.public_kindergarten_share.current", id="range-rate-high"),
    y("title: 报告\nareas: {equity: {public_kindergarten_share: {current: -1}}}\n",
      words="areas.equity.public_kindergarten_share.current", id="range-rate-negative"),
    y("title: 报告\nareas: {funding: {budget_funds: {current: -5}}}\n", words="areas.funding.budget_funds.current",
      id="range-money"),
    y("title: 报告\nareas: {funding: {budget_funds: {current: 5, unit: 千元}}}\n", words="areas.funding.budget_funds.unit",
      id="value-unit"),
    y("title: 报告\nareas: {funding: {per_student_funds: {大学: {current: 5}}}}\n", words="areas.funding.per_student_funds.大学",
      id="value-stage"),
    y("title: 报告\nareas: {rectification: {items: [{problem: 问题, status: 没做}]}}\n",
      words="areas.rectification.items[0].status", id="value-status"),
    y("title: 报告\nscheme: 没有这个方案\n", words="找不到评价方案", id="value-scheme"),
    y("title: 报告\nsignature: {date: 2024-02-30}\n", words="signature.date", id="value-date"),
    y("title: 报告\nareas: {safety: {guard_rate: .nan}}\n", words="areas.safety.guard_rate", id="value-nan"),
    y("title: 报告\nareas: {funding: {paragraphs: [[{statement: funding.myopia_rate}]]}}\n",
      words="areas.funding.paragraphs[0][0].statement", id="value-statement-of-another-area"),
    y("title: 报告\nattachments: [{title: 表, tables: [{columns: [a, b], rows: [[1]]}]}]\n",
      words="attachments[0].tables[0].rows[0]", id="value-row-width"),
    y("title: 报告\nattachments: [{title: 表, tables: [{columns: []}]}]\n", words="attachments[0].tables[0].columns",
      id="value-no-columns"),
    # unknown keys
    y(GOOD + "adressee: 市政府\n", words="adressee", id="unknown-top"),
    y("title: 报告\nheader: {issuer_mark: 县, signr: 张}\n", words="header", id="unknown-header"),
    y("title: 报告\nsections: [{title: 一, paragraph: [x]}]\n", words="sections[0]", id="unknown-section"),
    y("title: 报告\nattachments: [{title: 表, table: []}]\n", words="attachments[0]", id="unknown-attachment"),
    y("title: 报告\nsignature: {date: 2024-06-05, isuer: 县}\n", words="signature", id="unknown-signature"),
    y("title: 报告\nareas: {fundin: {}}\n", words="areas", id="unknown-area"),
    y("title: 报告\nareas: {teachers: {trainned: {value: 1}}}\n", words="areas.teachers", id="unknown-area-field"),
    y("title: 报告\nareas: {funding: {budget_funds: {curent: 1}}}\n", words="areas.funding.budget_funds",
      id="unknown-figure-field"),
    # missing required
    y("sections: []\n", words="title", id="missing-title"),
    y("title: 报告\nheader: {signer: 张}\n", words="header.issuer_mark", id="missing-issuer-mark"),
    y("title: 报告\nheader: {issuer_mark: 县, doc_number: {year: 2024}}\n", words="header.doc_number.organ",
      id="missing-organ"),
    y("title: 报告\nattachments: [{paragraphs: [x]}]\n", words="attachments[0].title", id="missing-attachment-title"),
    y("title: 报告\nattachments: [{title: 表, tables: [{rows: []}]}]\n", words="attachments[0].tables[0].columns",
      id="missing-columns"),
    y("title: 报告\ncolophon: {print_date: 2024-06-05}\n", words="colophon.printer", id="missing-printer"),
    y("title: 报告\nsignature: {issuer: 县政府}\n", words="signature.date", id="missing-date-final"),
    # control characters, surrogates, impossible text
    y("title: 报\x00告\n", words="空字节", id="ctrl-nul-in-file"),
    y('title: "报\\u0007告"\n', words="title", id="ctrl-bell"),
    y('title: 报告\nopening: ["正\\u001b文"]\n', words="opening[0]", id="ctrl-escape"),
    y('title: "报\\u0085告"\n', words="title", id="ctrl-next-line"),
    y('title: "报\\ufffe告"\n', words="title", id="noncharacter"),
    Case("lone-surrogate", '{"title": "\\ud800"}', 2, "代理字符", suffix=".json"),
    y('title: 报告\nopening: ["一行\\r二行"]\n', words="opening[0]", id="ctrl-carriage-return"),
    y('title: "报\\t告"\n', words="制表符", id="ctrl-tab"),
    y('title: 报告\nsections: [{title: "一\\n二"}]\n', words="sections[0].title", id="ctrl-newline-in-title"),
    # encodings
    Case("utf8-bom", "\ufeff" + GOOD, 0),
    Case("utf16-bom", ("\ufeff" + GOOD).encode("utf-16-le"), 0),
    Case("utf16-no-bom", GOOD.encode("utf-16-le"), 2, "UTF-16-LE 编码"),
    Case("utf16-be-no-bom", GOOD.encode("utf-16-be"), 2, "UTF-16-BE 编码"),
    Case("utf32-no-bom", GOOD.encode("utf-32-le"), 2, "UTF-32-LE 编码"),
    Case("gbk", GOOD.encode("gbk"), 2, "GBK"),
    Case("big5", "title: 報告\n".encode("big5"), 2, "UTF-8"),
    Case("latin1", "title: caf\xe9\n".encode("latin-1"), 2, "UTF-8"),
    # size and shape
    Case("ten-megabyte-string", "title: 报告\nopening: [\"" + "教" * (10 * 1024 * 1024 // 3) + "\"]\n", 2,
         "opening[0]：文字过长"),
    Case("ten-thousand-sections", "title: 报告\nsections:\n" + "".join(f"  - {{title: 第{i}部分}}\n"
                                                                      for i in range(10000)), 0),
    y("title: x\nsections:\n - title: 一\n   sections:\n    - title: 二\n      sections:\n       - title: 三\n"
      "         sections:\n          - title: 四\n            sections:\n             - title: 五\n",
      words="sections[0].sections[0].sections[0].sections[0].sections[0]", id="fifth-level"),
    y("", words="空文件", id="empty-file"),
    y("   \n\n  \n", words="空文件", id="whitespace-file"),
    Case("binary-file", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 2, "不是文本文件"),
    Case("empty-json", b"", 2, "空文件", suffix=".json"),
    y("null\n", words="空文件", id="yaml-null"),
    # broken .docx for import
    Case("import-not-a-zip", b"this is not a docx", 2, "无法读取 .docx", entry="import", suffix=".docx"),
    Case("import-empty", b"", 2, "无法读取 .docx", entry="import", suffix=".docx"),
    Case("import-zip-without-document", _docx_zip({"hello.txt": b"x"}), 2, "无法读取 .docx", entry="import",
         suffix=".docx"),
    Case("import-truncated", b"PK\x03\x04\x14\x00\x00\x00", 2, "无法读取 .docx", entry="import", suffix=".docx"),
    Case("import-ole-doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, 2, ".doc", entry="import",
         suffix=".docx"),
    Case("import-bad-xml", _docx_zip({"[Content_Types].xml": b"<Types", "word/document.xml": b"<w:document"}), 2,
         "无法读取 .docx", entry="import", suffix=".docx"),
    # other entry points
    Case("batch-one-bad", "title: [x\n", 2, "失败", entry="batch"),
    Case("check-bad-yaml", "title: [x\n", 2, "YAML 语法错误", entry="check"),
    Case("check-unknown-key", GOOD + "titel: x\n", 2, "titel", entry="check"),
    Case("rollover-bad-data", "title: [x\n", 2, "YAML 语法错误", entry="rollover"),
    Case("rollover-year-not-later", "title: 报告\nyear: 2030\n", 2, "应晚于", entry="rollover"),
    Case("rollover-unknown-key", "title: 报告\nyaer: 2023\n", 2, "yaer", entry="rollover"),
    Case("profile-unknown-key", GOOD, 2, "fontz", entry="profile", extra=("fontz: {a: b}\n",)),
    Case("profile-deep-100000", GOOD, 2, "嵌套", entry="profile", extra=("page: " + "[" * 100_000 + "]" * 100_000,)),
    Case("profile-bad-length", GOOD, 2, "不是长度", entry="profile", extra=("page: {margin_top: 37}\n",)),
    Case("profile-grid-too-big", GOOD, 2, "排不下", entry="profile", extra=("grid: {line_pitch: 600twip}\n",)),
    Case("profile-not-yaml", GOOD, 2, "YAML 语法错误", entry="profile", extra=("grid: [\n",)),
    Case("profile-not-mapping", GOOD, 2, "顶层应为键值对", entry="profile", extra=("- 1\n",)),
    Case("profile-gbk", GOOD, 2, "不是 UTF-8 编码", entry="profile", extra=("fonts: {fangsong: 仿宋}\n".encode("gbk"),)),
    Case("profile-dunder-color", GOOD, 2, "roles.body.color", entry="profile",
         extra=("roles: {body: {color: __init__}}\n",)),
    Case("template-syntax", GOOD, 3, "模板语法错误", entry="templates", extra=("<report>{% if %}</report>",)),
    Case("template-undefined", GOOD, 3, "不存在", entry="templates", extra=("<report>{{ report.nothing }}</report>",)),
    Case("template-bad-markup", GOOD, 3, "报告标记", entry="templates", extra=("<report><p>x</report>",)),
    Case("template-unknown-element", GOOD, 3, "<bogus>", entry="templates", extra=("<report><bogus/></report>",)),
    *[Case(f"template-attack-{name}", GOOD, 3, "模板错误", entry="templates",
           extra=("<report>\n" + attack + "\n</report>",)) for name, attack in sorted(ATTACKS.items())],
    *HOSTILE,
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_behaves_as_documented(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    RESULTS["tried"] += 1
    started = time.monotonic()
    with memory_bound(MEMORY_BOUND):
        _run_case(case, tmp_path, capsys)
    elapsed = time.monotonic() - started
    assert elapsed <= 10, f"{case.id} took {elapsed:.1f} s"
    RESULTS["behaved"] += 1


#: address space one case may add to the test process (a case past it fails with MemoryError instead of swapping)
MEMORY_BOUND = 1536 * 1024 * 1024


@contextlib.contextmanager
def memory_bound(extra: int) -> Iterator[None]:
    """Lower the address-space limit to what the process uses now plus ``extra`` bytes, and restore it after."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    used = int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (used + extra, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _run_case(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / f"input{case.suffix}"
    source.write_bytes(case.data.encode("utf-8") if isinstance(case.data, str) else case.data)
    out = tmp_path / "out"
    out.mkdir()
    args: dict[str, Callable[[], list[str]]] = {
        "render": lambda: ["render", str(source), "-o", str(out / "r.docx")],
        "batch": lambda: ["batch", str(source), str(_good(tmp_path)), "-o", str(out), "--jobs", "1"],
        "check": lambda: ["check", str(source)],
        "rollover": lambda: ["rollover", str(source), "--year", "2024", "-o", str(out / "next.yaml")],
        "import": lambda: ["import", str(source), "-o", str(out / "data.yaml")],
        "profile": lambda: ["render", str(source), "-o", str(out / "r.docx"), "--profile",
                            str(_write(tmp_path, "p.yaml", case))],
        "templates": lambda: ["render", str(source), "-o", str(out / "r.docx"), "--templates",
                              str(_templates(tmp_path, case))],
    }
    code = main(args[case.entry]())
    captured = capsys.readouterr()
    messages = captured.out + captured.err
    assert code == case.code, messages[-500:]
    assert "Traceback" not in messages
    assert case.words in messages, messages[-500:]
    written = sorted(p.name for p in out.iterdir())
    if case.entry == "batch":
        assert written == ["good.docx"]  # the good file is rendered, the bad one leaves nothing
    elif code not in (0, 1):
        assert written == [], written  # no output, not even a partial or temporary one
    if code != 0:
        assert messages.strip(), "an error must be explained"


def _good(folder: Path) -> Path:
    path = folder / "good.yaml"
    path.write_text(GOOD, "utf-8")
    return path


def _write(folder: Path, name: str, case: Case) -> Path:
    path = folder / name
    content = case.extra[0]
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def _templates(folder: Path, case: Case) -> Path:
    templates = folder / "templates"
    templates.mkdir()
    _write(templates, "report.xml.j2", case)
    return templates


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 100
    assert {c.entry for c in CASES} == {"render", "batch", "check", "rollover", "import", "profile", "templates"}


def test_a_ten_megabyte_paragraph_built_in_code_opens_in_every_reader() -> None:
    """XML parsers refuse a text node over 10 MB; the writer splits a long text over several w:t of one run."""
    import docx
    text = "教" * (10 * 1024 * 1024 // 3)
    data = edureport.render_docx(edureport.Report(title="报告", opening=[text]))
    document = docx.Document(io.BytesIO(data))  # python-docx reads it with lxml's default limits
    assert text in [p.text for p in document.paragraphs]
