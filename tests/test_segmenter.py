"""The word segmenter is loaded without the rjieba package's own instance, and a later ``import rjieba`` still
works (in a fresh process each: what is loaded is per process)."""

from __future__ import annotations

import subprocess
import sys


def _run(code: str) -> str:
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_a_segmenter_is_made_without_rjiebas_module_level_instance() -> None:
    out = _run("import sys\nfrom edureport.segmenter import new_segmenter\n"
               "s = new_segmenter()\nprint('|'.join(s.cut('进一步步加强教育督导', hmm=False)))\n"
               "print('rjieba' in sys.modules)\n")
    assert out.split() == ["进一步|步|加强|教育|督导", "False"]


def test_rjieba_imported_afterwards_uses_the_same_extension() -> None:
    out = _run("from edureport.segmenter import new_segmenter\nmine = new_segmenter()\nmine.add_word('步步', None, 'n')\n"
               "import rjieba\nprint(type(mine) is rjieba.Jieba, '|'.join(rjieba.cut('进一步步', hmm=False)))\n"
               "rjieba.add_word('一步步', None, 'n')\n"
               "from edureport.segmenter import new_segmenter as again\nprint('|'.join(again().cut('进一步步', hmm=False)))\n")
    # the module-level instance is rjieba's own: the word added to ours is not in it, nor its word in a new one of ours
    assert out.split() == ["True", "进一步|步", "进一步|步"]


def test_rjieba_imported_first_is_reused() -> None:
    out = _run("import rjieba\nfrom edureport.segmenter import new_segmenter\n"
               "print(type(new_segmenter()) is rjieba.Jieba)\n")
    assert out.split() == ["True"]
