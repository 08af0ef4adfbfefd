"""Search that ignores Vietnamese accents and case: "phan bien" finds "phản biện".

PostgreSQL's `unaccent` is not in every server the platform runs on (the embedded
one lacks it), so the folding is done in Python: each indexed object also carries
its text without accents, and a query is folded the same way before it is run.
"""

from anyascii import anyascii
from wagtail.search import index

FOLDED_TITLE = "search_title_folded"
FOLDED_TEXT = "search_text_folded"


def fold(text: str) -> str:
    """Lower-case ASCII, accents dropped: "Đổi Mới" → "doi moi"."""
    return anyascii(text).lower()


def _as_text(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return " ".join(_as_text(item) for item in value)
    if isinstance(value, dict):
        return " ".join(_as_text(item) for item in value.values())
    return "" if value is None else str(value)


class FoldedSearchMixin:
    """Adds the folded title (ranked first) and the folded text of the other search fields."""

    def search_title_folded(self) -> str:
        return fold(getattr(self, "title", "") or "")

    def search_text_folded(self) -> str:
        texts = [
            _as_text(field.get_value(self))
            for field in self.get_search_fields()
            if isinstance(field, index.SearchField)
            and field.field_name not in {"title", FOLDED_TITLE, FOLDED_TEXT}
        ]
        return fold(" ".join(texts))


def folded_search_fields(*, title: bool = True) -> list[index.SearchField]:
    fields = [index.SearchField(FOLDED_TEXT)]
    if title:
        fields.insert(0, index.SearchField(FOLDED_TITLE, boost=10))
    return fields
