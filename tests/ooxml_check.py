"""A structural validator for what Word enforces when it opens a .docx (it offers to "repair" a file otherwise):
content types for every part, relationships that resolve, no orphan parts, every table cell with a paragraph,
unique drawing and bookmark ids, complete field structures, well-formed XML everywhere. No maintained OOXML schema
validator runs on this machine (the usual ones need .NET), so these rules are checked directly."""

from __future__ import annotations

import io
import posixpath
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"


OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
# the content type a part must have, by the type of the relationship that points to it
EXPECTED = {
    f"{OFFICE}officeDocument": f"{WML}document.main+xml",
    f"{OFFICE}styles": f"{WML}styles+xml",
    f"{OFFICE}settings": f"{WML}settings+xml",
    f"{OFFICE}footer": f"{WML}footer+xml",
    f"{OFFICE}header": f"{WML}header+xml",
    f"{OFFICE}fontTable": f"{WML}fontTable+xml",
    f"{OFFICE}numbering": f"{WML}numbering+xml",
    f"{OFFICE}extended-properties": "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties":
        "application/vnd.openxmlformats-package.core-properties+xml",
}


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def problems(data: bytes) -> list[str]:
    """Every structural problem of a .docx, as readable strings (empty when the file is sound)."""
    found: list[str] = []
    z = zipfile.ZipFile(io.BytesIO(data))
    names = set(z.namelist())
    xml = {}
    for name in names:
        if name.endswith((".xml", ".rels")):
            try:
                xml[name] = etree.fromstring(z.read(name))
            except etree.XMLSyntaxError as e:
                found.append(f"{name}: not well-formed XML ({e})")
    types = xml.get("[Content_Types].xml")
    if types is None:
        return [*found, "[Content_Types].xml missing"]
    defaults = {d.get("Extension"): d.get("ContentType") for d in types.iter(f"{{{CT}}}Default")}
    by_part = {o.get("PartName").lstrip("/"): o.get("ContentType") for o in types.iter(f"{{{CT}}}Override")}
    overrides = set(by_part)
    for name in names:
        if name != "[Content_Types].xml" and name not in overrides and name.rsplit(".", 1)[-1] not in defaults:
            found.append(f"{name}: no content type")
    for part in overrides - names:
        found.append(f"content type for a part that does not exist: {part}")
    # relationships resolve, and every part is reached from the package root
    reached = set()
    todo = [""]
    while todo:
        source = todo.pop()
        rels_name = "_rels/.rels" if source == "" else _rels_name(source)
        rels = xml.get(rels_name)
        ids = set()
        if rels is not None:
            for rel in rels.iter(f"{{{PR}}}Relationship"):
                ids.add(rel.get("Id"))
                if rel.get("TargetMode") == "External":
                    continue
                target = posixpath.normpath(posixpath.join(posixpath.dirname(source), rel.get("Target")))
                expected = EXPECTED.get(rel.get("Type"))
                actual = by_part.get(target, defaults.get(target.rsplit(".", 1)[-1]))
                if target in names and expected and actual != expected:
                    found.append(f"{target}: content type {actual}, expected {expected}")
                if target not in names:
                    found.append(f"{rels_name}: {rel.get('Id')} → missing part {target}")
                elif target not in reached:
                    reached.add(target)
                    todo.append(target)
        if source in xml:
            for node in xml[source].iter():
                for attr, value in node.attrib.items():
                    if attr.startswith(f"{{{R}}}") and value not in ids:
                        found.append(f"{source}: relationship {value} does not exist")
    for name in names:
        if name not in reached and not name.endswith(".rels") and name != "[Content_Types].xml":
            found.append(f"{name}: orphan part (no relationship reaches it)")
    drawing_ids: list[str] = []
    bookmark_ids: list[str] = []
    for name, root in xml.items():
        if not name.startswith("word/"):
            continue
        for cell in root.iter(f"{{{W}}}tc"):
            if cell.find(f"{{{W}}}p") is None:
                found.append(f"{name}: a table cell without a paragraph")
        drawing_ids += [d.get("id") for d in root.iter(f"{{{WP}}}docPr")]
        bookmark_ids += [b.get(f"{{{W}}}id") for b in root.iter(f"{{{W}}}bookmarkStart")]
        depth, state = 0, []
        for fld in root.iter(f"{{{W}}}fldChar"):
            kind = fld.get(f"{{{W}}}fldCharType")
            if kind == "begin":
                depth += 1
                state.append("begin")
            elif kind == "separate":
                if not state or state[-1] != "begin":
                    found.append(f"{name}: field separator without a begin")
                else:
                    state[-1] = "separate"
            elif kind == "end":
                if not state:
                    found.append(f"{name}: field end without a begin")
                else:
                    if state.pop() != "separate":
                        found.append(f"{name}: field without a cached result")
                    depth -= 1
        if state:
            found.append(f"{name}: unfinished field")
        body = root.find(f"{{{W}}}body")
        if body is not None and (len(body) == 0 or body[-1].tag != f"{{{W}}}sectPr"):
            found.append(f"{name}: the body must end with its section properties")
    for kind, ids in (("drawing", drawing_ids), ("bookmark", bookmark_ids)):
        duplicates = {i for i in ids if ids.count(i) > 1}
        if duplicates:
            found.append(f"duplicate {kind} ids: {sorted(duplicates)}")
    return found
