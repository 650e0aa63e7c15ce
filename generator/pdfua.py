"""PDF/UA repairs after WeasyPrint (pikepdf), where WeasyPrint 70 stops short.

- Running headers and footers (page margin boxes) are drawn as tagged content that no structure
  element holds: a screen reader meets orphan marked content. They become ``/Artifact``
  (``/Type /Pagination``), and their entries in the parent tree are cleared.
- Table header cells lose HTML's ``scope``: every ``TH`` gets ``/Scope`` (``/Column`` in a header
  row, ``/Row`` when it heads a body row, as the templates write them).
- Internal links are named by their anchor id (``/Contents (session-2)``): each gets the words the
  link shows instead (taken from the HTML it was made from).
- Fields marked ``class="centred"`` in the HTML (the certificate's name) get ``/Q 1``.
- Pages with annotations get ``/Tabs /S`` (tab order follows the structure, as PDF/UA asks).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name


_TAG = re.compile(rb"/([A-Za-z0-9]+)\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")


class _LinkWords(HTMLParser):
    """href -> the text inside the first <a> with that href."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: dict[str, str] = {}
        self.centred: set[str] = set()  # names of fields whose typed text is centred (/Q 1)
        self._open: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a":
            self._open.append((attributes.get("href") or "", []))
        if tag == "input" and "centred" in (attributes.get("class") or "").split() and attributes.get("name"):
            self.centred.add(attributes["name"])

    def handle_data(self, data):
        for _, parts in self._open:
            parts.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            href, parts = self._open.pop()
            text = re.sub(r"\s+", " ", "".join(parts)).strip()
            if href and text:
                self.words.setdefault(href, text)


def read_html(html: str) -> _LinkWords:
    parser = _LinkWords()
    parser.feed(html)
    return parser


def link_words(html: str) -> dict[str, str]:
    return read_html(html).words


def _kids(node) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    if isinstance(kids, Array):
        return list(kids)
    return [kids]


def _is_element(node) -> bool:
    return isinstance(node, Dictionary) and "/S" in node


def _walk(root) -> list:
    """Every structure element reachable from the structure tree root."""
    found, stack, seen = [], list(_kids(root)), set()
    while stack:
        node = stack.pop()
        if not _is_element(node):
            continue
        key = node.objgen if node.is_indirect else id(node)
        if key in seen:
            continue
        seen.add(key)
        found.append(node)
        stack.extend(_kids(node))
    return found


def _parent_tree(root) -> dict[int, object]:
    tree = root.get("/ParentTree")
    nums = list(tree.get("/Nums", [])) if tree is not None else []
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums) - 1, 2)}


def finish(path: Path, html: str) -> None:
    """Apply the repairs to a PDF file in place."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is not None:
            elements = _walk(root)
            reachable = {e.objgen for e in elements if e.is_indirect}
            _artifacts(pdf, root, reachable)
            _scopes(elements)
        facts = read_html(html)
        _links(pdf, facts.words)
        _centre(pdf, facts.centred)
        pdf.save(path, deterministic_id=True)  # reproducible builds: the same input gives the same bytes


def _centre(pdf, names: set[str]) -> None:
    """Typed text in these fields is centred (the certificate's name line): /Q 1."""
    form = pdf.Root.get("/AcroForm")
    for field in (form.get("/Fields", []) if form is not None else []):
        if str(field.get("/T", "")) in names:
            field.Q = 1


def _artifacts(pdf, root, reachable: set) -> None:
    tree = _parent_tree(root)
    for index, page in enumerate(pdf.pages):
        key = page.obj.get("/StructParents")
        mapping = tree.get(int(key)) if key is not None else None
        if not isinstance(mapping, Array):
            continue
        orphans = {mcid for mcid, ref in enumerate(mapping)
                   if isinstance(ref, Dictionary) and ref.is_indirect and ref.objgen not in reachable}
        if not orphans:
            continue
        # WeasyPrint writes each tag as '/Span\n<</MCID 3>>\nBDC'; a byte-level rewrite is exact for
        # that form and much faster than parsing every operator of every page
        def artifact(match: re.Match) -> bytes:
            if int(match.group(2)) in orphans:
                return b"/Artifact <</Type /Pagination>> BDC"
            return match.group(0)

        data = page.Contents.read_bytes() if not isinstance(page.Contents, Array) else b"\n".join(
            part.read_bytes() for part in page.Contents)
        page.Contents = pdf.make_stream(_TAG.sub(artifact, data))
        for mcid in orphans:
            mapping[mcid] = pikepdf.Null() if hasattr(pikepdf, "Null") else None


def _scopes(elements: list) -> None:
    for element in elements:
        if element.get("/S") != Name.TH:
            continue
        row = element.get("/P")
        section = row.get("/P") if isinstance(row, Dictionary) else None
        in_head = isinstance(section, Dictionary) and section.get("/S") == Name.THead
        cells = [k for k in _kids(row) if _is_element(k)] if isinstance(row, Dictionary) else []
        first = bool(cells) and cells[0].objgen == element.objgen
        scope = Name.Column if in_head or not first else Name.Row
        attributes = element.get("/A")
        if isinstance(attributes, Array):  # several attribute owners: add to the Table one
            owner = next((a for a in attributes if isinstance(a, Dictionary) and a.get("/O") == Name.Table), None)
            if owner is None:
                attributes.append(Dictionary(O=Name.Table, Scope=scope))
            else:
                owner.Scope = scope
        elif isinstance(attributes, Dictionary):
            attributes.Scope = scope
        else:
            element.A = Dictionary(O=Name.Table, Scope=scope)


def _links(pdf, words: dict[str, str]) -> None:
    for page in pdf.pages:
        annotations = page.obj.get("/Annots")
        if annotations is None:
            continue
        page.obj.Tabs = Name.S
        for annotation in annotations:
            if annotation.get("/Subtype") != Name.Link:
                continue
            contents = str(annotation.get("/Contents", ""))
            dest = annotation.get("/Dest")
            anchor = str(dest) if isinstance(dest, pikepdf.String) else contents
            text = words.get("#" + anchor) or words.get(contents)
            if text:
                annotation.Contents = pikepdf.String(text)
