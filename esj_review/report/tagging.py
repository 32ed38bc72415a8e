"""The PDF structure tree, finished with pikepdf after WeasyPrint has written it.

WeasyPrint (checked on 66-70) tags page by page: a section, table, list or paragraph that
crosses a page break becomes one structure element per page, a repeated table header is tagged
again on every page, the running headers and footers are marked content that nothing in the tree
refers to and that is not an artifact, no `TH` carries `/Scope`, no element carries `/Lang`, and
there is no `/IDTree` for the `TH` ids that `TD /Headers` point to. This module fixes each of
those on the open PDF:

- elements that are one HTML element split by a page (same origin, same type, side by side)
  become one element; a table's repeated header on later pages becomes an artifact;
- marked content that the finished tree does not refer to becomes `/Artifact` (pagination:
  header, footer), and the parent tree is rebuilt from the tree as it now is;
- `TH` gets `/Scope` from the HTML (`scope`, else `thead` means column, a leading `th` in a
  body row means row), elements whose language differs from their parent's get `/Lang`;
- the catalog asks viewers to show the title and the bookmarks.

What each element came from (`Origin`) is recorded by the PDF module while WeasyPrint builds the
tree; without it (another WeasyPrint) only what the PDF itself shows is fixed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf

# WeasyPrint writes each tagged sequence as `/Tag <</MCID n>> BDC`; text itself is written as hex
# strings, so the pattern cannot match inside a text operand.
_TAGGED = re.compile(rb"/([A-Za-z][A-Za-z0-9]*)\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
_HEADER_GROUPS = ("/THead", "/TFoot")
_PRUNABLE = ("/Div", "/P", "/Span", "/NonStruct")


@dataclass(frozen=True)
class Origin:
    """The HTML element a structure element was made from."""

    key: tuple[int, str]
    """Identity of the element (and pseudo-element) within one render."""
    lang: str | None = None
    """The element's language: its own `lang` or its nearest ancestor's."""
    scope: str | None = None
    """For a `th`: "Column" or "Row"."""
    margin: str | None = None
    """For page-margin content: the margin box, such as "@bottom-left"."""


@dataclass
class _Walk:
    """What the finished tree refers to, gathered in one pass."""

    marked: dict[Any, dict[int, Any]] = field(default_factory=dict)
    objrs: dict[int, Any] = field(default_factory=dict)
    ids: dict[str, Any] = field(default_factory=dict)


def finish_tags(pdf: Pdf, origins: Mapping[int, Origin]) -> None:
    """Finish the structure tree of a PDF tagged by WeasyPrint (see the module docstring)."""
    catalog = pdf.Root
    catalog.PageMode = Name.UseOutlines
    if "/ViewerPreferences" not in catalog:
        catalog.ViewerPreferences = Dictionary()
    catalog.ViewerPreferences.DisplayDocTitle = True
    catalog.MarkInfo = Dictionary(Marked=True)
    root = catalog.get("/StructTreeRoot")
    if root is None:
        return
    renamed: dict[str, str] = {}
    _join_split(root, origins, renamed)
    walk = _Walk()
    lang = str(catalog.get("/Lang", ""))
    for kid in _elements(root):
        _visit(kid, None, lang, origins, renamed, walk)
    _artifact_the_rest(pdf, walk, origins)
    _rebuild_parent_tree(pdf, root, walk)
    if walk.ids:
        names = Array()
        for key in sorted(walk.ids):
            names.append(pikepdf.String(key))
            names.append(walk.ids[key])
        root.IDTree = pdf.make_indirect(Dictionary(Names=names))
    elif "/IDTree" in root:
        del root["/IDTree"]


def _elements(parent: Any) -> Iterator[Any]:
    """The structure elements among an element's kids."""
    kids = parent.get("/K")
    if isinstance(kids, Dictionary):
        kids = [kids]
    if not isinstance(kids, Array | list):
        return
    for kid in kids:
        if isinstance(kid, Dictionary) and "/S" in kid:
            yield kid


def _origin(element: Any, origins: Mapping[int, Origin]) -> Origin | None:
    return origins.get(element.objgen[0]) if element.is_indirect else None


def _kid_list(element: Any) -> Array:
    kids = element.get("/K")
    if isinstance(kids, Array):
        return kids
    fresh = Array([] if kids is None else [kids])
    element.K = fresh
    return fresh


def _join_split(parent: Any, origins: Mapping[int, Origin], renamed: dict[str, str]) -> None:
    """Join side-by-side elements made from one HTML element, depth first."""
    kids = parent.get("/K")
    if not isinstance(kids, Array):
        return
    joined: list[Any] = []
    seen_groups: dict[tuple[int, str], Any] = {}
    for kid in kids:
        origin = _origin(kid, origins) if isinstance(kid, Dictionary) else None
        if origin is not None and kid.get("/S") in _HEADER_GROUPS:
            first = seen_groups.get(origin.key)
            if first is not None:
                # A table header repeated on a later page: the first one stands for it.
                renamed.update(zip(_th_ids(kid), _th_ids(first), strict=False))
                continue
            seen_groups[origin.key] = kid
        last = joined[-1] if joined else None
        if (
            origin is not None
            and isinstance(last, Dictionary)
            and last.get("/S") == kid.get("/S")
            and _origin(last, origins) == origin
        ):
            _move_kids(kid, last)
            continue
        joined.append(kid)
    for kid in joined:
        if isinstance(kid, Dictionary) and "/S" in kid:
            _join_split(kid, origins, renamed)
    # A block with nothing in it (an empty div) is noise to a screen reader; an empty table
    # cell is not: it keeps the columns in place.
    kept = [kid for kid in joined if not (isinstance(kid, Dictionary) and _is_empty(kid))]
    if len(kept) != len(kids):
        parent.K = Array(kept)


def _is_empty(element: Any) -> bool:
    kids = element.get("/K")
    empty = kids is None or (isinstance(kids, Array) and len(kids) == 0)
    return empty and element.get("/S") in _PRUNABLE


def _move_kids(source: Any, target: Any) -> None:
    """Append `source`'s kids to `target`; marked content keeps its own page."""
    into = _kid_list(target)
    page = source.get("/Pg")
    same_page = page is not None and page.objgen == target.get("/Pg", page).objgen
    for kid in _kid_list(source):
        if isinstance(kid, int):
            if not same_page and page is not None:
                kid = Dictionary(Type=Name.MCR, Pg=page, MCID=kid)
        elif isinstance(kid, Dictionary):
            if "/S" in kid:
                kid.P = target
            elif "/Pg" not in kid and page is not None:
                kid.Pg = page
        into.append(kid)


def _th_ids(group: Any) -> list[str]:
    """The ids of the header cells under a table row group, in reading order."""
    found: list[str] = []
    for kid in _elements(group):
        if kid.get("/S") == "/TH" and "/ID" in kid:
            found.append(str(kid.ID))
        found.extend(_th_ids(kid))
    return found


def _visit(
    element: Any,
    page: Any,
    lang: str,
    origins: Mapping[int, Origin],
    renamed: Mapping[str, str],
    walk: _Walk,
) -> None:
    """Set /Lang and /Scope, and note the marked content, annotations and ids under `element`."""
    origin = _origin(element, origins)
    if origin is not None and origin.lang and origin.lang != lang:
        element.Lang = pikepdf.String(origin.lang)
        lang = origin.lang
    elif "/Lang" in element:
        lang = str(element.Lang)
    page = element.get("/Pg", page)
    kind = element.get("/S")
    if kind in ("/TH", "/TD"):
        _table_cell(element, kind, origin, renamed)
    if "/ID" in element:
        walk.ids[str(element.ID)] = element
    kids = element.get("/K")
    if not isinstance(kids, Array):
        kids = [] if kids is None else [kids]
    for kid in kids:
        if isinstance(kid, Dictionary):
            if "/S" in kid:
                _visit(kid, page, lang, origins, renamed, walk)
            elif kid.get("/Type") == "/OBJR":
                number = kid.Obj.get("/StructParent")
                if number is not None:
                    walk.objrs[int(number)] = element
            elif "/MCID" in kid:
                on = kid.get("/Pg", page)
                walk.marked.setdefault(on.objgen, {})[int(kid.MCID)] = element
        elif page is not None:
            walk.marked.setdefault(page.objgen, {})[int(kid)] = element


def _table_cell(element: Any, kind: Any, origin: Origin | None, renamed: Mapping[str, str]) -> None:
    attributes = element.get("/A")
    if not isinstance(attributes, Dictionary):
        attributes = element.A = Dictionary(O=Name.Table)
    if kind == "/TH":
        scope = origin.scope if origin is not None and origin.scope else "Column"
        attributes.Scope = Name("/" + scope)
    headers = attributes.get("/Headers")
    if renamed and isinstance(headers, Array):
        names = dict.fromkeys(renamed.get(str(h), str(h)) for h in headers)
        attributes.Headers = Array(pikepdf.String(name) for name in names)


def _artifact_the_rest(pdf: Pdf, walk: _Walk, origins: Mapping[int, Origin]) -> None:
    """Marked content the tree does not refer to becomes a pagination artifact."""
    margins = _margin_mcids(pdf, origins)
    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        if contents is None:
            continue
        streams = list(contents) if isinstance(contents, Array) else [contents]
        for stream in streams:
            data = stream.read_bytes()

            def artifact(match: re.Match[bytes], page_key: Any = page.objgen) -> bytes:
                mcid = int(match.group(2))
                if mcid in walk.marked.get(page_key, {}):
                    return match.group(0)
                where = margins.get((page_key, mcid), "")
                subtype = b""
                if where.startswith("@top"):
                    subtype = b" /Subtype /Header"
                elif where.startswith("@bottom"):
                    subtype = b" /Subtype /Footer"
                return b"/Artifact <</Type /Pagination" + subtype + b">> BDC"

            changed = _TAGGED.sub(artifact, data)
            if changed != data:
                stream.write(changed)


def _margin_mcids(pdf: Pdf, origins: Mapping[int, Origin]) -> dict[tuple[Any, int], str]:
    """(page, MCID) of the marked content WeasyPrint made for page margins, and the margin."""
    found: dict[tuple[Any, int], str] = {}
    if not any(o.margin for o in origins.values()):
        return found
    tree = pdf.Root.StructTreeRoot.get("/ParentTree")
    nums = tree.get("/Nums") if isinstance(tree, Dictionary) else None
    if not isinstance(nums, Array):
        return found
    pages = {int(p.obj.get("/StructParents", -1)): p.objgen for p in pdf.pages}
    for index in range(0, len(nums) - 1, 2):
        page = pages.get(int(nums[index]))
        entries = nums[index + 1]
        if page is None or not isinstance(entries, Array):
            continue
        for mcid, element in enumerate(entries):
            if not isinstance(element, Dictionary):
                continue
            origin = _origin(element, origins) or _origin(element.get("/P", element), origins)
            if origin is not None and origin.margin:
                found[(page, mcid)] = origin.margin
    return found


def _rebuild_parent_tree(pdf: Pdf, root: Any, walk: _Walk) -> None:
    """The parent tree from the tree as it now is: orphaned elements drop out with it."""
    nums = Array()
    entries: list[tuple[int, Any]] = []
    for page in pdf.pages:
        if "/StructParents" not in page.obj:
            continue
        marked = walk.marked.get(page.objgen, {})
        row = Array([marked.get(i) for i in range(max(marked, default=-1) + 1)])
        entries.append((int(page.obj.StructParents), pdf.make_indirect(row)))
    entries.extend((number, element) for number, element in walk.objrs.items())
    for number, value in sorted(entries, key=lambda item: item[0]):
        nums.append(number)
        nums.append(value)
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=nums))
    root.ParentTreeNextKey = max((n for n, _ in entries), default=-1) + 1
