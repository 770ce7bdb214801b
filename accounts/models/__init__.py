from accounts.models.api_key import ApiKey
from accounts.models.customers import Account, AdoptionStage, Contact, LifecycleStage
from accounts.models.export_record import ExportRecord
from accounts.models.invitation import Invitation
from accounts.models.membership import Membership
from accounts.models.signed_in_session import SignedInSession
from accounts.models.tenant import TENANT_SETTING_DEFAULTS, Tenant
from accounts.models.two_factor import TwoFactorStatus
from accounts.models.user import User

__all__ = [
    "TENANT_SETTING_DEFAULTS",
    "Account",
    "AdoptionStage",
    "ApiKey",
    "Contact",
    "ExportRecord",
    "Invitation",
    "LifecycleStage",
    "Membership",
    "SignedInSession",
    "Tenant",
    "TwoFactorStatus",
    "User",
]
