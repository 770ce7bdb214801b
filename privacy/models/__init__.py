from privacy.models.record import PrivacyAction, PrivacyRecord
from privacy.models.tenant_deletion import TenantDeletion
from privacy.models.tenant_export import ExportStatus, TenantExport

__all__ = ["ExportStatus", "PrivacyAction", "PrivacyRecord", "TenantDeletion", "TenantExport"]
