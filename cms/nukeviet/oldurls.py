"""NukeViet's addresses: what an old URL (rewritten or query form) points at.

Rewritten: `/<module>/<op>.html`, where the site's `rewrite_op_mod` module (news, on
most sites) drops its `/<module>/` prefix and `/vi/` may precede everything. Query:
`/index.php?language=vi&nv=<module>&op=<op>`. News ops: `<category>/<alias>-<id>`
(an article: the id decides, NukeViet itself ignores a wrong alias), `<category>`,
`tag/<alias>`. Page modules: `<alias>`. Laws: `detail/<alias>-<id>`.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

_ID = re.compile(r"^(.*)-(\d+)$")
_LANGS = {"vi", "en"}


@dataclass(frozen=True)
class Target:
    module: str
    kind: str  # article, category, tag, page, law, index
    key: str = ""  # the id or alias


def _strip_suffix(op: str) -> str:
    op = op.strip("/")
    for suffix in (".html", ".htm", ".php"):
        if op.endswith(suffix):
            return op[: -len(suffix)]
    return op


def target(
    url: str, *, modules: dict[str, str], default_module: str, old_hosts: set[str] = frozenset()
) -> Target | None:
    """What `url` pointed at on the old site; `modules` maps a module's URL name to its file."""
    parts = urlsplit(url.strip())
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if parts.netloc and parts.netloc.lower() not in old_hosts:
        return None
    path = unquote(parts.path)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    if query.get("nv"):
        module, op = query["nv"], _strip_suffix(query.get("op", ""))
    else:
        segments = [s for s in path.split("/") if s]
        if segments and segments[0] in ("index.php",):
            segments = segments[1:]
        if segments and segments[0] in _LANGS and segments[0] not in modules:
            segments = segments[1:]
        if not segments:
            return None
        if segments[0] in modules:
            module, op = segments[0], _strip_suffix("/".join(segments[1:]))
        elif default_module:
            module, op = default_module, _strip_suffix("/".join(segments))
        else:
            return None
    file = modules.get(module)
    if file is None:
        return None
    return _op_target(module, file, op)


def _op_target(module: str, file: str, op: str) -> Target | None:
    pieces = [p for p in op.split("/") if p]
    if file == "news":
        if len(pieces) >= 2 and pieces[0] == "tag":
            return Target(module, "tag", pieces[1])
        if len(pieces) >= 2 and (match := _ID.match(pieces[-1])):
            return Target(module, "article", match.group(2))
        if len(pieces) == 1 and not pieces[0].startswith("page-"):
            return Target(module, "category", pieces[0])
        return Target(module, "index") if not pieces else None
    if file == "page":
        return Target(module, "page", pieces[0]) if pieces else Target(module, "index")
    if file == "laws":
        if len(pieces) >= 2 and pieces[0] == "detail" and (match := _ID.match(pieces[1])):
            return Target(module, "law", match.group(2))
        return Target(module, "index")
    return None
