"""NukeViet body HTML → the blocks of a Wagtail body (`cms.models.blocks.BodyBlock`).

Nothing of the old HTML is passed through: the converter rebuilds each block from an
allow-list (paragraphs, headings, lists, bold/italic, links, tables, images, and
videos from YouTube or Vimeo), so scripts, styles, event handlers and foreign
iframes cannot survive. Images, links to other old articles and links to uploaded
files are resolved through callbacks, which return None when the target is missing.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from urllib.parse import parse_qs, unquote, urlsplit

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre", "hr"}
_CONTAINERS = {"div", "section", "article", "center", "main", "header", "footer", "aside", "body"}
_DROPPED = {
    "script",
    "style",
    "noscript",
    "object",
    "embed",
    "form",
    "input",
    "button",
    "select",
    "textarea",
    "link",
    "meta",
    "svg",
    "canvas",
    "audio",
    "video",
    "head",
    "title",
    "map",
    "applet",
    "frame",
    "frameset",
}
_INLINE = {
    "b": "b",
    "strong": "b",
    "i": "i",
    "em": "i",
    "sup": "sup",
    "sub": "sub",
    "s": "s",
    "strike": "s",
    "del": "s",
    "code": "code",
}
_HEADINGS = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h4", "h6": "h4"}
_YOUTUBE = re.compile(
    r"^(?:https?:)?//(?:www\.)?(?:youtube(?:-nocookie)?\.com/(?:embed/|watch\?v=|v/)|youtu\.be/)"
    r"([A-Za-z0-9_-]{6,20})"
)
_VIMEO = re.compile(r"^(?:https?:)?//(?:player\.)?vimeo\.com/(?:video/)?(\d{4,12})")


@dataclass
class Resolvers:
    """How the converter finds what the old HTML points at."""

    image: Callable[[str, str], int | None]  # (src, alt) → Wagtail image id
    page: Callable[[str], int | None]  # href → id of the new page of an old article
    document: Callable[[str], int | None]  # href → Wagtail document id
    is_old_article: Callable[[str], bool]  # href looks like an old article, found or not


@dataclass
class Conversion:
    blocks: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    dead_links: list[str] = field(default_factory=list)
    images: list[int] = field(default_factory=list)


class _Converter:
    def __init__(self, resolvers: Resolvers) -> None:
        self.resolvers = resolvers
        self.result = Conversion()
        self.rich: list[str] = []

    # -- output ------------------------------------------------------------------
    def _flush(self) -> None:
        html = "".join(self.rich).strip()
        if html:
            self.result.blocks.append({"type": "paragraph", "value": html})
        self.rich = []

    def _block(self, kind: str, value: object) -> None:
        self._flush()
        self.result.blocks.append({"type": kind, "value": value})

    # -- walking -------------------------------------------------------------------
    def top(self, node) -> None:
        if isinstance(node, Comment):
            return
        if isinstance(node, NavigableString):
            if node.strip():
                self.rich.append(f"<p>{escape(_space(str(node)))}</p>")
            return
        if not isinstance(node, Tag):
            return
        name = node.name.lower()
        if name in _DROPPED:
            if name in ("script", "object", "embed", "form"):
                self.result.problems.append(f"đã bỏ thẻ <{name}>")
            return
        if name == "iframe":
            self._iframe(node)
        elif name == "img":
            self._image(node)
        elif name == "figure":
            self._figure(node)
        elif name == "table":
            self._table(node)
        elif name in _CONTAINERS:
            self._children_top(node)
        elif name == "hr":
            self.rich.append("<hr/>")
        elif name in ("ul", "ol"):
            items = [f"<li>{self.inline(li)}</li>" for li in node.find_all("li", recursive=False)]
            items = [item for item in items if item != "<li></li>"]
            if items:
                self.rich.append(f"<{name}>{''.join(items)}</{name}>")
            self._hoisted(node)
        elif name in _HEADINGS:
            content = self.inline(node)
            if content:
                tag = _HEADINGS[name]
                self.rich.append(f"<{tag}>{content}</{tag}>")
            self._hoisted(node)
        elif name in ("p", "blockquote", "pre"):
            if node.find(["table", "figure"]) is not None or node.find(_BLOCKS - {"hr"}):
                self._children_top(node)
                return
            content = self.inline(node)
            if content.replace("<br/>", "").strip():
                self.rich.append(f"<p>{content}</p>")
            self._hoisted(node)
        else:
            content = self.inline(node)
            if content.strip():
                self.rich.append(f"<p>{content}</p>")
            self._hoisted(node)

    def _children_top(self, node: Tag) -> None:
        # Inline runs directly inside a container become one paragraph.
        run: list = []
        for child in list(node.children):
            is_block = isinstance(child, Tag) and (
                child.name in _BLOCKS | _CONTAINERS | {"table", "figure", "iframe", "img"}
                or child.name in _DROPPED
            )
            if is_block:
                self._run(run)
                run = []
                self.top(child)
            else:
                run.append(child)
        self._run(run)

    def _run(self, nodes: list) -> None:
        content = "".join(self._inline_node(n) for n in nodes).strip()
        if content.replace("<br/>", "").strip():
            self.rich.append(f"<p>{content}</p>")
        for node in nodes:
            if isinstance(node, Tag):
                self._hoisted(node)

    def _hoisted(self, node: Tag) -> None:
        """Images and videos inside a paragraph follow it as blocks of their own."""
        for inner in node.find_all(["img", "iframe"]):
            self.top(inner)

    def inline(self, node: Tag) -> str:
        return "".join(self._inline_node(child) for child in node.children).strip()

    def _inline_node(self, node) -> str:
        if isinstance(node, Comment):
            return ""
        if isinstance(node, NavigableString):
            return escape(_space(str(node)), quote=False)
        if not isinstance(node, Tag):
            return ""
        name = node.name.lower()
        if name in _DROPPED or name in ("img", "iframe", "table", "figure"):
            return ""
        if name == "br":
            return "<br/>"
        inner = self.inline(node)
        if name in _INLINE:
            tag = _INLINE[name]
            return f"<{tag}>{inner}</{tag}>" if inner else ""
        if name == "a":
            return self._link(node, inner)
        return inner

    def _link(self, node: Tag, inner: str) -> str:
        href = (node.get("href") or "").strip()
        if not inner or not href:
            return inner
        resolvers = self.resolvers
        if resolvers.is_old_article(href):
            page_id = resolvers.page(href)
            if page_id is None:
                self.result.dead_links.append(href)
                return inner
            return f'<a linktype="page" id="{page_id}">{inner}</a>'
        if "/uploads/" in href or href.startswith("uploads/"):
            document_id = resolvers.document(href)
            if document_id is not None:
                return f'<a linktype="document" id="{document_id}">{inner}</a>'
            self.result.problems.append(f"liên kết tới tệp không có trong thư mục tải lên: {href}")
            return inner
        scheme = urlsplit(href).scheme.lower()
        if scheme in ("http", "https", "mailto", "tel"):
            return f'<a href="{escape(href)}">{inner}</a>'
        return inner

    # -- blocks -----------------------------------------------------------------------
    def _image(self, node: Tag, caption: str = "") -> None:
        src = (node.get("src") or "").strip()
        alt = _space(node.get("alt") or "").strip()
        image_id = self.resolvers.image(src, alt) if src else None
        if image_id is None:
            return
        self.result.images.append(image_id)
        self._block("image", {"image": image_id, "decorative": False, "alt_text": alt[:255]})
        if caption:
            self.rich.append(f"<p><i>{escape(caption, quote=False)}</i></p>")

    def _figure(self, node: Tag) -> None:
        caption_node = node.find("figcaption")
        caption = _space(caption_node.get_text(" ")).strip() if caption_node else ""
        images = node.find_all("img")
        for index, image in enumerate(images):
            self._image(image, caption if index == len(images) - 1 else "")
        if not images and caption:
            self.rich.append(f"<p>{escape(caption, quote=False)}</p>")
        for table in node.find_all("table"):
            self._table(table)

    def _table(self, node: Tag) -> None:
        rows = []
        header = False
        for index, row in enumerate(node.find_all("tr")):
            cells = row.find_all(["td", "th"])
            if index == 0:
                header = row.find_parent("thead") is not None or all(c.name == "th" for c in cells)
            rows.append([_space(cell.get_text(" ")).strip() for cell in cells])
        if not rows:
            return
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        caption = node.find("caption")
        self._block(
            "table",
            {
                "data": rows,
                "first_row_is_table_header": header,
                "first_col_is_header": False,
                "table_caption": _space(caption.get_text(" ")).strip() if caption else "",
            },
        )
        for image in node.find_all("img"):
            self._image(image)

    def _iframe(self, node: Tag) -> None:
        src = (node.get("src") or "").strip()
        youtube, vimeo = _YOUTUBE.match(src), _VIMEO.match(src)
        if youtube:
            self._block("video", {"provider": "youtube", "video_id": youtube.group(1)})
        elif vimeo:
            self._block("video", {"provider": "vimeo", "video_id": vimeo.group(1)})
        else:
            host = urlsplit(src).netloc or src[:60]
            self.result.problems.append(f"đã bỏ khung nhúng từ trang lạ ({host})")


def _space(text: str) -> str:
    return re.sub(r"[ \t\r\n\xa0]+", " ", text)


def body_blocks(html: str, resolvers: Resolvers) -> Conversion:
    """The blocks of a body; what could not be kept is listed in `problems`."""
    converter = _Converter(resolvers)
    soup = BeautifulSoup(html or "", "html.parser")
    converter._children_top(soup)
    converter._flush()
    return converter.result


def plain_text(html: str) -> str:
    """Text without tags (summaries, comments)."""
    if "<" not in (html or ""):
        return _space(html or "").strip()
    return _space(BeautifulSoup(html, "html.parser").get_text(" ")).strip()


def upload_path(src: str, old_hosts: set[str]) -> str | None:
    """`uploads/…` (or `assets/…`) of a link or image on the old site, else None."""
    parts = urlsplit(src.strip())
    if parts.netloc and parts.netloc.lower() not in old_hosts:
        return None
    path = unquote(parts.path).lstrip("/")
    for root in ("uploads/", "assets/"):
        position = path.find(root)
        if position >= 0 and (position == 0 or path[position - 1] == "/"):
            return path[position:]
    return None


def query_op(href: str) -> tuple[str, str] | None:
    """(module, op) of NukeViet's query form: index.php?language=vi&nv=news&op=…"""
    parts = urlsplit(href)
    if not parts.query or "nv=" not in parts.query:
        return None
    query = parse_qs(parts.query)
    return query.get("nv", [""])[0], query.get("op", [""])[0]
