from cms.records.models.activities import Activity, ContestEntry
from cms.records.models.governance import Committee, Congress, Person, Position
from cms.records.models.imports import ImportJob
from cms.records.models.organisations import MemberCount, MemberOrganisation
from cms.records.models.periods import ReportingPeriod
from cms.records.models.predecessors import Predecessor
from cms.records.models.reports import Report, ReportSettings

__all__ = [
    "Activity",
    "Committee",
    "ContestEntry",
    "Congress",
    "ImportJob",
    "MemberCount",
    "MemberOrganisation",
    "Person",
    "Position",
    "Predecessor",
    "Report",
    "ReportSettings",
    "ReportingPeriod",
]
