"""Error classes carry their exit code and HTTP status (issue 13): the command line, batch and the service read
them from the class, so a new error class cannot be given a different code by each interface."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import edureport
from edureport.convert import ConversionTimeout
from edureport.errors import ConversionError, DataError, EdureportError, LayoutError, OutputError, TemplateError
from edureport.missing import MissingValuesError
from edureport.renderer import ClassifiedError
from edureport.service import ServiceError

# README: 0 成功, 1 check 发现问题, 2 数据/配置/命令行有误, 3 模板错误, 4 无法写入输出或转换失败
EXPECTED = {DataError: (2, 422), LayoutError: (2, 422), MissingValuesError: (2, 422), ClassifiedError: (2, 422),
            TemplateError: (3, 500), OutputError: (4, 500), ConversionError: (4, 503),
            ConversionTimeout: (4, 504), ServiceError: (2, 422)}


def _subclasses(cls: type) -> set[type]:
    return {cls} | {s for sub in cls.__subclasses__() for s in _subclasses(sub)}


@pytest.mark.parametrize("cls", sorted(EXPECTED, key=lambda c: c.__name__))
def test_each_error_class_carries_its_exit_code_and_status(cls: type[EdureportError]) -> None:
    assert (cls.exit_code, cls.http_status) == EXPECTED[cls]


def test_every_error_class_of_the_package_is_listed() -> None:
    for module in pkgutil.walk_packages(edureport.__path__, "edureport."):  # every module, whatever ran before
        if module.name != "edureport.__main__":  # (which runs the command line)
            importlib.import_module(module.name)
    mine = {c for c in _subclasses(EdureportError) if c.__module__.startswith("edureport.")} - {EdureportError}
    assert mine <= set(EXPECTED), mine - set(EXPECTED)
