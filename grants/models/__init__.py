"""The grants models, one module per part of the flow; import them from here."""

from .donations import Donation, StripeEvent
from .funding import (
    Award, AwardBudgetLine, AwardFunding, BudgetVariation, Disbursement, Fund, MatchingLine, MatchingRun,
    Tranche,
)
from .proposals import (
    CENT, Attachment, BudgetLine, CallPage, CallPageForm, ConflictOfInterest, DeterminationTemplate,
    Indicator, Proposal, ProposalSnapshot, ReferenceCounter, Review, ReviewAssignment, Theme,
    attachment_path, money_field,
)
from .reports import IndicatorResult, Report, ReportEvidence, evidence_path

__all__ = [
    "Attachment", "Award", "AwardBudgetLine", "AwardFunding", "BudgetLine", "BudgetVariation", "CENT",
    "CallPage", "CallPageForm", "ConflictOfInterest", "DeterminationTemplate", "Disbursement", "Donation",
    "Fund", "Indicator", "IndicatorResult", "MatchingLine", "MatchingRun", "Proposal", "ProposalSnapshot",
    "ReferenceCounter", "Report", "ReportEvidence", "Review", "ReviewAssignment", "StripeEvent", "Theme",
    "Tranche", "attachment_path", "evidence_path", "money_field",
]
