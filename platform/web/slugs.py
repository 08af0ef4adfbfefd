"""Vietnamese titles become readable ASCII addresses: "Hội thảo về" → hoi-thao-ve.

Wagtail's own slug script keeps only ASCII letters (its downcode maps know no
Vietnamese vowels and turn "đ" into the Serbian "dj"), and Django's slugify drops
"đ". The same transliteration is used on both sides: the admin's slug inputs get
it as formatters that run before Wagtail's script, and the server uses anyascii.
"""

import unicodedata

from anyascii import anyascii
from django.utils.text import slugify
from wagtail.admin.widgets import SlugInput

_LETTER_RANGES = (range(0xC0, 0x250), range(0x1E00, 0x1F00))


def slug_from_text(text: str, *, max_length: int = 255) -> str:
    return slugify(anyascii(text))[:max_length].strip("-")


def _letters_by_base() -> dict[str, str]:
    """Accented Latin letters grouped by their base letter, from Unicode's decompositions."""
    groups: dict[str, list[str]] = {}
    for block in _LETTER_RANGES:
        for code in block:
            char = chr(code)
            decomposed = unicodedata.normalize("NFD", char)
            base = decomposed[0].lower()
            if len(decomposed) > 1 and base.isascii() and base.isalpha():
                groups.setdefault(base, []).append(char)
    groups["d"] = [*groups.get("d", []), "đ", "Đ"]
    return {base: "".join(chars) for base, chars in sorted(groups.items())}


# (pattern, replacement) pairs in the form Wagtail's SlugInput accepts as `formatters`;
# the script lower-cases afterwards, so one lower-case replacement serves both cases.
SLUG_FORMATTERS: list[tuple[str, str]] = [
    # Text typed in decomposed form (a vowel followed by combining marks).
    ("[\u0300-\u036f]", ""),
    *((f"[{chars}]", base) for base, chars in _letters_by_base().items()),
]


class VietnameseSlugInput(SlugInput):
    def __init__(self, attrs: dict | None = None, formatters=None, locale=None):
        super().__init__(attrs=attrs, formatters=formatters or SLUG_FORMATTERS, locale=locale)
