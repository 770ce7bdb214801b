"""Sentiment: NPS and survey scores of the account's contacts, the CSM's gut read, advocates."""

from __future__ import annotations

from indicators.engine.declaration import NO_DATA, Category, Direction, Indicator, Kind, Value
from indicators.engine.index import AccountIndex, ContactView
from indicators.engine.nps import is_detractor, is_promoter, net_promoter_score

RENEWAL_NEAR_DAYS = 90  # "close to renewal": renewal within this many days...
FEEDBACK_RECENT_DAYS = 90  # ...and negative feedback within this many days before as_of


def _nps(scores) -> Value:
    scores = list(scores)
    if not scores:
        return NO_DATA
    promoters = sum(1 for s in scores if is_promoter(s))
    detractors = sum(1 for s in scores if is_detractor(s))
    return net_promoter_score(promoters=promoters, detractors=detractors, responses=len(scores))


def nps(ix: AccountIndex) -> Value:
    """Each contact's latest NPS answer of the last year counts once."""
    return _nps(score for _, score in ix.nps_latest.values())


def contact_nps(cv: ContactView) -> Value:
    """The NPS of one contact's latest answer: 100 promoter, 0 passive, -100 detractor."""
    latest = cv.index.nps_latest.get(cv.facts.id)
    return NO_DATA if latest is None else _nps([latest[1]])


def post_sale_score(ix: AccountIndex) -> Value:
    scores = [score for _, _, score in ix.post_sale_answers]
    return sum(scores) / len(scores) if scores else NO_DATA


def contact_post_sale_score(cv: ContactView) -> Value:
    scores = [score for contact_id, _, score in cv.index.post_sale_answers if contact_id == cv.facts.id]
    return sum(scores) / len(scores) if scores else NO_DATA


def gut_read(ix: AccountIndex) -> Value:
    return NO_DATA if ix.gut_points is None else ix.gut_points


def advocates(ix: AccountIndex) -> Value:
    return float(sum(1 for contact in ix.contacts.values() if contact.is_advocate))


def contact_advocate(cv: ContactView) -> Value:
    return float(cv.facts.is_advocate)


def negative_feedback_near_renewal(ix: AccountIndex) -> Value:
    """Detractor-level answers (NPS or post-sale, 0-6) in the last 90 days while renewal is within 90 days."""
    renewal = ix.account.renewal_on
    if renewal is None or not ix.surveys_available:
        return NO_DATA
    if not 0 <= (renewal - ix.today).days <= RENEWAL_NEAR_DAYS:
        return 0.0
    return float(sum(1 for offset in ix.detractor_offsets if offset < FEEDBACK_RECENT_DAYS))


def _declare(**fields) -> Indicator:
    return Indicator(category=Category.SENTIMENT, **fields)


LISTEN = "Call the contacts who answered to understand their concerns"
INDICATORS = (
    _declare(
        key="nps",
        label="NPS",
        kind=Kind.LEADING,
        window_days=365,
        unit="NPS",
        direction=Direction.HIGHER_IS_BETTER,
        action=LISTEN,
        account=nps,
        contact=contact_nps,
        description="% promoters - % detractors over each contact's latest answer of the last year.",
    ),
    _declare(
        key="post_sale_score",
        label="Post-sale survey score",
        kind=Kind.LEADING,
        window_days=365,
        unit="score",
        direction=Direction.HIGHER_IS_BETTER,
        action=LISTEN,
        account=post_sale_score,
        contact=contact_post_sale_score,
    ),
    _declare(
        key="gut_read",
        label="CSM's gut read",
        kind=Kind.LEADING,
        window_days=None,
        unit="points",
        direction=Direction.HIGHER_IS_BETTER,
        action="Write down what worries you about the account and plan a call",
        account=gut_read,
        description="very negative 0, negative 25, neutral 50, positive 75, very positive 100; none once expired.",
    ),
    _declare(
        key="advocates",
        label="Advocates",
        kind=Kind.LEADING,
        window_days=None,
        unit="contacts",
        direction=Direction.HIGHER_IS_BETTER,
        action="Ask your happiest contacts for a reference or a review",
        account=advocates,
        contact=contact_advocate,
    ),
    _declare(
        key="negative_feedback_near_renewal",
        label="Negative feedback close to renewal",
        kind=Kind.LAGGING,
        window_days=FEEDBACK_RECENT_DAYS,
        unit="answers",
        direction=Direction.LOWER_IS_BETTER,
        action="Meet the detractors before the renewal conversation",
        account=negative_feedback_near_renewal,
    ),
)
