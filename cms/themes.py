"""The look presets a union picks in the first-login wizard and may change in its settings.

A preset is only a name here: its palette lives in `cms/static/cms/site.css` as a class on
`<body>` (`theme-<key>`), so a page carries no per-union style beyond the class and, where
the union chose one, its own main colour. Each palette keeps white text on its main colour
at a contrast of at least 4.5:1 (WCAG AA), which the browser tests check with axe-core.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Theme:
    key: str
    label: str
    # The main colour, shown as a swatch in the wizard and used when no own colour is set.
    primary: str
    accent: str


THEMES: tuple[Theme, ...] = (
    Theme("xanh-khoa-hoc", _("Xanh khoa học"), primary="#0b5394", accent="#f0b400"),
    Theme("do-truyen-thong", _("Đỏ truyền thống"), primary="#a3201d", accent="#d9a400"),
    Theme("luc-bao", _("Lục bảo"), primary="#0c6b50", accent="#e0a526"),
)
DEFAULT_THEME = THEMES[0].key
THEME_CHOICES = [(theme.key, theme.label) for theme in THEMES]


def theme_get(key: str) -> Theme:
    """The preset of `key`; an unknown key (a preset since removed) falls back to the first."""
    return next((theme for theme in THEMES if theme.key == key), THEMES[0])
