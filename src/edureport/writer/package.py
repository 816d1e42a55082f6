"""The .docx container: an OPC ZIP package written byte-for-byte deterministically.

python-docx saves with the current time in every ZIP entry, so two saves of the same document differ; here every
entry has a fixed timestamp, fixed attributes and a fixed order, so the same document gives the same bytes.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Mapping, Sequence

import attrs
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the ZIP format's earliest date

# Content and relationship types are python-docx's OPC constants (CT, RT), re-exported for the writer.
__all__ = ["CT", "RT", "Part", "assemble", "content_types", "relationships", "zip_parts"]

MAIN = "word/document.xml"


@attrs.frozen
class Part:
    """One part of the package: its name, content type and bytes, and the relationship that points at it (its type
    and id) from the main document or, ``from_package``, from the package itself."""

    name: str
    content_type: str
    data: bytes = attrs.field(repr=False)
    relationship: str
    rel_id: str
    from_package: bool = False


def assemble(parts: Sequence[Part]) -> bytes:
    """The .docx from one list of parts: the content types, both relationship parts and the ZIP all come from it,
    so a part is named once. ZIP order: [Content_Types].xml, the package's relationships, the main document and its
    relationships, then the other parts in the list's order."""
    types = content_types({f"/{p.name}": p.content_type for p in parts})
    package_rels = relationships([(p.rel_id, p.relationship, p.name) for p in parts if p.from_package])
    main = next(p for p in parts if p.name == MAIN)
    main_rels = relationships([(p.rel_id, p.relationship, posixpath.relpath(p.name, posixpath.dirname(MAIN)))
                               for p in parts if not p.from_package])
    return zip_parts({"[Content_Types].xml": types, "_rels/.rels": package_rels, MAIN: main.data,
                      "word/_rels/document.xml.rels": main_rels,
                      **{p.name: p.data for p in parts if p.name != MAIN}})


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
