from cms.models.comments import ReaderComment
from cms.models.contact import ContactFormField, ContactPage
from cms.models.contests import ContestPage
from cms.models.documents import DocumentRegisterPage, OfficialDocument
from cms.models.events import EventIndexPage, EventPage
from cms.models.home import HomePage, StandardPage
from cms.models.news import NewsArticlePage, NewsIndexPage
from cms.models.site_settings import UnionSiteSettings

__all__ = [
    "ContactFormField",
    "ContactPage",
    "ContestPage",
    "DocumentRegisterPage",
    "EventIndexPage",
    "EventPage",
    "HomePage",
    "NewsArticlePage",
    "NewsIndexPage",
    "OfficialDocument",
    "ReaderComment",
    "StandardPage",
    "UnionSiteSettings",
]
