from cms.models.comments import ReaderComment
from cms.models.contact import ContactFormField, ContactPage
from cms.models.contests import ContestPage
from cms.models.documents import DocumentRegisterPage, OfficialDocument
from cms.models.events import EventIndexPage, EventPage
from cms.models.home import HomePage, StandardPage
from cms.models.news import ArticleTag, NewsArticlePage, NewsIndexPage
from cms.models.organisation import OrganisationPage
from cms.models.personal_data import PersonalDataBreach, PersonalDataRequest
from cms.models.registrations import EventRegistration
from cms.models.site_settings import UnionSiteSettings
from cms.models.snippets import Banner, NewsCategory, WebsiteLink
from cms.models.visits import VisitDay

__all__ = [
    "ArticleTag",
    "Banner",
    "EventRegistration",
    "NewsCategory",
    "OrganisationPage",
    "PersonalDataBreach",
    "PersonalDataRequest",
    "VisitDay",
    "WebsiteLink",
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
