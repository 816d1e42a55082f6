"""Embedding: renders from many threads at once, output to streams, and user templates that attack the sandbox."""

from __future__ import annotations

import io
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import edureport
from edureport.errors import TemplateError

from .conftest import EXAMPLES


def test_eight_threads_render_identical_bytes() -> None:
    report = edureport.load_report(next(p for p in EXAMPLES if p.stem.startswith("000")))
    single = edureport.render_docx(report)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: edureport.render_docx(report), range(8)))
    assert all(r == single for r in results)


def test_threads_with_different_templates_do_not_mix(tmp_path: Path) -> None:
    report = edureport.Report(title="报告", sections=[edureport.Section("一部分", paragraphs=["正文。"])])
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "report.xml.j2").write_text("<report><title><line>{{ report.title[0] }}（自定义）</line></title></report>",
                                          "utf-8")
    plain, custom = edureport.render_docx(report), edureport.render_docx(report, template_dirs=[folder])
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda i: edureport.render_docx(report, template_dirs=[folder] if i % 2 else []),
                                range(16)))
    assert results == [custom if i % 2 else plain for i in range(16)]


def test_render_to_a_stream() -> None:
    buffer = io.BytesIO()
    report = edureport.Report(title="报告")
    assert edureport.render_to_stream(report, buffer) == ()
    assert buffer.getvalue() == edureport.render_docx(report)


ATTACKS = {
    "class-walk": "{{ report.__class__.__mro__[1].__subclasses__() }}",
    "globals": "{{ report.title.__class__.__init__.__globals__ }}",
    "subclasses-via-string": "{{ ''.__class__.__base__.__subclasses__() }}",
    "os-via-cycler": "{{ cycler.__init__.__globals__.os.system('id') }}",
    "os-via-joiner": "{{ joiner.__init__.__globals__['os'] }}",
    "namespace-globals": "{{ namespace.__init__.__globals__ }}",
    "open": "{{ open('/etc/passwd').read() }}",
    "import": "{{ __import__('os').system('id') }}",
    "format-attr": "{{ '{0.__class__.__mro__}'.format(report) }}",
    "huge-range": "{% for i in range(10**8) %}{% endfor %}",
    "string-bomb": "{{ 'x' * 10**9 }}",
    "list-bomb": "{{ [1] * 10**9 }}",
    "power": "{{ 2 ** 100000000 }}",
    "deep-recursion": "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
    "endless-loop": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "output-flood": "{% for i in range(100000) %}{{ 'x' * 900000 }}{% endfor %}",
    "mutation": "{{ report.title.append('x') }}{% set x = {} %}{{ x.update({'a': 1}) }}",
    "loop-over-long-strings": "{% set s = 'x' * 900000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}",
    "loop-over-a-filter": "{% for a in range(100000) | list %}{% for b in 'x' * 900000 %}{% endfor %}{% endfor %}",
    "lipsum": "{{ lipsum(3000000) }}",
    "bigint-squaring": "{% set ns = namespace(x=3) %}{% for i in range(64) %}{% set ns.x = ns.x * ns.x %}{% endfor %}",
    "bigint-power-chain": "{% set ns = namespace(x=10) %}{% for i in range(40) %}{% set ns.x = ns.x ** 200 %}{% endfor %}",
    "ljust": "{{ 'x'.ljust(3*10**9) }}",
    "center-method": "{{ 'x'.center(3000000000) }}",
    "zfill": "{{ '1'.zfill(3000000000) }}",
    "percent-width": "{{ '%3000000000d' % 1 }}",
    "format-width": "{{ '{:>3000000000}'.format(1) }}",
    "format-filter-width": "{{ '%3000000000s' | format('x') }}",
    "replace-doubling": "{% set ns = namespace(s='xx') %}{% for i in range(40) %}{% set ns.s = ns.s.replace('x', 'xx') %}"
                        "{% endfor %}",
    "replace-filter-doubling": "{% set ns = namespace(s='xx') %}{% for i in range(40) %}"
                               "{% set ns.s = ns.s | replace('x', 'xx') %}{% endfor %}",
    "tilde-doubling": "{% set ns = namespace(s='xx') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
    "plus-doubling": "{% set ns = namespace(s='xx') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
    "list-doubling": "{% set ns = namespace(s=[1]) %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
    "center-filter": "{{ 'x' | center(3000000000) }}",
    "indent-filter": "{{ 'x\nx' | indent(3000000000) }}",
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_template_attacks_are_refused_with_a_clear_error(name: str, tmp_path: Path) -> None:
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "report.xml.j2").write_text("<report>\n" + ATTACKS[name] + "\n</report>", "utf-8")
    report = edureport.Report(title="报告")
    started = time.monotonic()
    with pytest.raises(TemplateError) as info:
        edureport.render_docx(report, template_dirs=[folder], limits=edureport.Limits(seconds=2))
    assert time.monotonic() - started < 20
    assert info.value.template and info.value.template.endswith("report.xml.j2")
    assert str(info.value).startswith("模板错误：")
    # the process stays healthy: an ordinary render right after works
    assert edureport.render_docx(report)[:2] == b"PK"


def test_the_time_limit_names_the_line() -> None:
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "report.xml.j2").write_text(
            "<report>\n<title><line>x</line></title>\n{% for i in range(100000) %}{% for j in range(100000) %}"
            "{% endfor %}{% endfor %}\n</report>", "utf-8")
        with pytest.raises(TemplateError) as info:
            edureport.render_docx(edureport.Report(title="x"), template_dirs=[folder],
                                  limits=edureport.Limits(seconds=0.5))
    assert "超时" in str(info.value) and info.value.line == 3


def test_the_time_limit_is_checked_while_a_recursive_loop_iterates(monkeypatch: pytest.MonkeyPatch) -> None:
    """``loop(items)`` iterates the next level through the same guard as any {% for %} (every 256 items): a level
    whose body calls nothing is still stopped at the deadline (it used to be checked only at the call)."""
    from edureport import sandbox
    checks = []
    real = sandbox.check_deadline
    monkeypatch.setattr(sandbox, "check_deadline", lambda: checks.append(1) or real())
    env = sandbox.ReportSandbox(autoescape=True)
    for call in ("loop(c)", "loop(iterable=c)", "loop(*[c])"):
        checks.clear()
        template = env.from_string('{% for c in ["x" * 25600] recursive %}{% if c|length > 1 %}{{ ' + call +
                                   " }}{% endif %}{% endfor %}")
        token = sandbox.start_deadline(60)
        try:
            assert template.render() == ""
        finally:
            sandbox.reset_deadline(token)
        assert len(checks) >= 25600 // 256, call
