"""All models, imported here so Alembic and the app see one metadata."""
from .announcements import Acknowledgement, Announcement
from .audit import AuditEntry
from .brands import Brand, TruckModel
from .callbacks import Callback, CallbackItem, CallbackPlan, CallbackStrategy, OfflineReplay
from .customers import CLASSES, SEGMENTS, Customer, FleetEntry, PendingValue, Stakeholder
from .deals import AfterSaleTask, DealVehicle, NegotiationRound, Opportunity
from .events import EventGuest, MarketingEvent
from .expenses import Budget, Expense
from .jobs import JobRecord
from .network import ORG_KINDS, Network, Organisation
from .notifications import Delivery, GroupRobot, Notification, NotificationPreference
from .projects import CATALOGUE_STAGES, PROJECT_STAGES, Project, ProjectDocument, ProjectMessage, ProjectStage
from .sessions import LoginSession
from .scorecards import Appeal, Deduction, Evaluation, EvaluationSchedule, Scorecard, ScorecardTemplate
from .supervision import CensusCell, OrgFigures, SupervisionSnapshot
from .surveys import SURVEY_EVENTS, CustomerSurvey
from .stations import SURVEY_ASPECTS, HotAlert, RepairOrder, ServiceCallback, ServiceSettings, Vehicle
from .targets import Target
from .training import PREPARATION_ITEMS, PreparationAudit, TrainingInvitation, TrainingSession
from .users import ROLES, User
from .verification import CallbackCheck, VerificationSample
from .visits import VisitCheckIn, VisitPhoto
from .vocabulary import VocabularyAlias

__all__ = ["GroupRobot", "OfflineReplay", "CensusCell", "OrgFigures", "SupervisionSnapshot", "SURVEY_EVENTS", "CustomerSurvey", "Delivery", "Notification", "NotificationPreference", "VisitCheckIn", "VisitPhoto", "LoginSession", "EventGuest", "MarketingEvent", "CATALOGUE_STAGES", "PROJECT_STAGES", "Project", "ProjectDocument", "ProjectMessage", "ProjectStage",
           "SURVEY_ASPECTS", "HotAlert", "RepairOrder", "ServiceCallback", "ServiceSettings", "Vehicle", "Appeal", "Deduction", "Evaluation", "EvaluationSchedule", "Scorecard", "ScorecardTemplate",
           "PREPARATION_ITEMS", "PreparationAudit", "TrainingInvitation", "TrainingSession", "Acknowledgement", "Announcement", "AfterSaleTask", "Budget", "Expense", "Target", "CallbackCheck", "VerificationSample", "AuditEntry", "Brand", "Callback", "CallbackItem", "CallbackPlan", "CallbackStrategy",
           "DealVehicle", "JobRecord", "NegotiationRound", "Opportunity", "CLASSES", "Customer", "FleetEntry", "Network", "Organisation", "ORG_KINDS",
           "ROLES", "SEGMENTS", "Stakeholder", "User", "TruckModel", "PendingValue", "VocabularyAlias"]
