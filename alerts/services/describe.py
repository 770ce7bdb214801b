"""A rule's condition in words, for lists and the API."""

from alerts.models import AlertRule, RuleKind
from alerts.services.conditions import WORDS
from indicators import engine


def rule_condition_text(rule: AlertRule) -> str:
    match rule.kind:
        case RuleKind.INDICATOR_THRESHOLD:
            declared = engine.CATALOGUE.get(rule.indicator)
            label = declared.label if declared else rule.indicator
            return (
                f"{label} {WORDS.get(rule.operator, rule.operator)} {rule.threshold:g}"
                if rule.threshold is not None
                else label
            )
        case RuleKind.SCORE_DROP:
            return f"score drops {rule.points:g}+ points within {rule.within_days} days"
        case RuleKind.BAND_CHANGE:
            return f"band changes {'from ' + rule.from_band + ' ' if rule.from_band else ''}to {rule.to_band}"
        case RuleKind.RENEWAL_PROXIMITY:
            bands = f" while {' or '.join(rule.bands)}" if rule.bands else ""
            return f"renewal within {rule.within_days} days{bands}"
        case RuleKind.DETRACTOR_ANSWER:
            return f"detractor NPS answer within {rule.within_days} days"
    return ""
