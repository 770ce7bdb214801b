"""The demo tenant's playbook: red accounts renewing within 90 days get an executive call and a success plan review."""

from accounts.models import Tenant
from alerts.models import AlertRule, Playbook, PlaybookStep, RuleKind, StepAssignee
from alerts.services import default_rules_create

NAME = "Red and renewing within 90 days"
STEPS = (
    ("Executive call", "Call the executive sponsor: what would make them renew?", 2, StepAssignee.ACCOUNT_CSM),
    ("Success plan review", "Review the success plan with the customer: goals, adoption, next steps.", 7,
     StepAssignee.ALERT_ASSIGNEE),
)  # fmt: skip


def demo_playbooks_seed(*, tenant: Tenant) -> Playbook:
    """The playbook with its steps (made once), attached to the rule for red accounts renewing soon.

    Run before the rules are evaluated, so the alerts they open get their tasks.
    """
    default_rules_create(tenant)
    playbook, created = Playbook.objects.for_tenant(tenant).get_or_create(
        tenant=tenant, name=NAME,
        defaults={"description": "When a red account's renewal is 90 days away or less: the calls that save it."},
    )  # fmt: skip
    if created:
        for position, (title, description, days, assignee) in enumerate(STEPS, start=1):
            PlaybookStep.objects.create(tenant=tenant, playbook=playbook, position=position, title=title,
                                        description=description, due_in_days=days, assignee=assignee)  # fmt: skip
    for rule in AlertRule.objects.for_tenant(tenant).filter(kind=RuleKind.RENEWAL_PROXIMITY, playbook=None):
        if rule.bands == ["red"]:
            rule.playbook = playbook
            rule.save(update_fields=["playbook", "updated_at"])
    return playbook
