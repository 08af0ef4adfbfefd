from cms.records.models.activities import Activity
from cms.records.models.governance import Committee, Congress, Person, Position
from cms.records.models.organisations import MemberCount, MemberOrganisation
from cms.records.models.periods import ReportingPeriod
from cms.records.models.predecessors import Predecessor
from cms.records.models.reports import Report

__all__ = [
    "Activity",
    "Committee",
    "Congress",
    "MemberCount",
    "MemberOrganisation",
    "Person",
    "Position",
    "Predecessor",
    "Report",
    "ReportingPeriod",
]
