"""The .docx container: an OPC ZIP package written byte-for-byte deterministically.

python-docx saves with the current time in every ZIP entry, so two saves of the same document differ; here every
entry has a fixed timestamp, fixed attributes and a fixed order, so the same document gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

from lxml import etree

_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the ZIP format's earliest date

CT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CT_STYLES = "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"
CT_SETTINGS = "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"
CT_FOOTER = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
CT_FONTS = "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"
CT_CORE = "application/vnd.openxmlformats-package.core-properties+xml"
CT_APP = "application/vnd.openxmlformats-officedocument.extended-properties+xml"

RT_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RT_DOCUMENT = f"{RT_OFFICE}/officeDocument"
RT_STYLES = f"{RT_OFFICE}/styles"
RT_SETTINGS = f"{RT_OFFICE}/settings"
RT_FOOTER = f"{RT_OFFICE}/footer"
RT_FONTS = f"{RT_OFFICE}/fontTable"
RT_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
RT_APP = f"{RT_OFFICE}/extended-properties"


def relationships(rels: list[tuple[str, str, str]]) -> bytes:
    """A .rels part from (id, type, target) triples."""
    root = etree.Element(f"{{{_REL_NS}}}Relationships", nsmap={None: _REL_NS})  # type: ignore[dict-item]
    for rid, rtype, target in rels:
        etree.SubElement(root, f"{{{_REL_NS}}}Relationship", {"Id": rid, "Type": rtype, "Target": target})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def content_types(overrides: Mapping[str, str]) -> bytes:
    root = etree.Element(f"{{{_CT_NS}}}Types", nsmap={None: _CT_NS})  # type: ignore[dict-item]
    etree.SubElement(root, f"{{{_CT_NS}}}Default", {
        "Extension": "rels", "ContentType": "application/vnd.openxmlformats-package.relationships+xml"})
    etree.SubElement(root, f"{{{_CT_NS}}}Default", {"Extension": "xml", "ContentType": "application/xml"})
    for part, ctype in overrides.items():
        etree.SubElement(root, f"{{{_CT_NS}}}Override", {"PartName": part, "ContentType": ctype})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def zip_parts(parts: Mapping[str, bytes]) -> bytes:
    """ZIP the parts in the given order with fixed metadata."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            archive.writestr(info, data, compresslevel=6)
    return buffer.getvalue()
