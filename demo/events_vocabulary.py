"""What the demo tenant's customers do: its product catalogue, its content, and the rates behind their events.

Tuning lives here; ``demo.events`` turns it into events. Rates are per account (or contact) per weekday
unless said otherwise.
"""

from indicators.models import EventSource

SEED = 20240917
SOURCE = EventSource.DEMO.value
DAYS = 182  # about six months, ending yesterday
# Events per transaction, in plan order (account after account: a batch holds some fifty accounts' months).
# On SQLite each batch reads back the rollup rows of its (contact or account, day) pairs by a scan of the
# tenant's rollups, whatever the batch's size: 500 a batch made that a minute of the seed, 20,000 a few
# seconds. (Ordering the events by day instead makes that read an index lookup, but then every batch
# rewrites every active contact's first/last seen: slower still.) The read's parameters stay well under
# SQLite's 32,766.
BATCH = 20000

# product key: (name, subscribe chance by segment, ((feature key = event name, feature name, core value, weight), ...))
PRODUCTS = {
    "insights": ("Northwind Insights", {"enterprise": 1.0, "mid-market": 1.0, "smb": 1.0}, (
        ("Dashboard Viewed", "View a dashboard", False, 30),
        ("Filter Applied", "Filter a dashboard", False, 16),
        ("Report Exported", "Export a report", False, 10),
        ("Report Built", "Build a report", False, 7),
        ("Dashboard Shared", "Share a dashboard with a team", True, 6),
        ("Alert Created", "Create a metric alert", False, 3),
    )),
    "pipelines": ("Northwind Pipelines", {"enterprise": 0.9, "mid-market": 0.65, "smb": 0.35}, (
        ("Query Run", "Run a query", False, 14),
        ("Dataset Modelled", "Model a dataset", False, 4),
        ("Sync Scheduled", "Schedule a data sync", True, 3),
        ("Data Source Connected", "Connect a data source", False, 2),
        ("Quality Rule Added", "Add a data quality rule", False, 2),
    )),
    "planning": ("Northwind Planning", {"enterprise": 0.7, "mid-market": 0.45, "smb": 0.2}, (
        ("Scenario Compared", "Compare scenarios", False, 5),
        ("Forecast Published", "Publish a forecast", True, 4),
        ("Budget Submitted", "Submit a budget", False, 3),
        ("Plan Approved", "Approve a plan", True, 2),
    )),
}  # fmt: skip
CORE = {key for _, _, features in PRODUCTS.values() for key, _, core, _ in features if core}

# content_id: (name = kind, title, format)
CONTENT = {
    "mk-01": ("marketing", "State of Operational Analytics 2025", "ebook"),
    "mk-02": ("marketing", "Northwind Summit", "event"),
    "mk-03": ("marketing", "Customer story: how a retailer cut reporting time by 80%", "video"),
    "mk-04": ("marketing", "Quarterly product newsletter", "newsletter"),
    "ed-01": ("educational", "Building your first dashboard", "webinar"),
    "ed-02": ("educational", "Data modelling 101", "course"),
    "ed-03": ("educational", "Forecasting best practices", "webinar"),
    "ed-04": ("educational", "Admin certification", "course"),
    "ed-05": ("educational", "What's new this quarter", "video"),
    "up-01": ("upsell", "Introducing Northwind Planning", "webinar"),
    "up-02": ("upsell", "Pipelines for the enterprise", "ebook"),
    "up-03": ("upsell", "Unlimited viewers: the Scale plan", "webinar"),
}
CONTENT_WEIGHTS = {"educational": 10, "marketing": 8, "upsell": 5}  # how often each item of a kind is picked
CONTENT_PER_PERSON = 0.012  # engagement chance per engaged contact and weekday (capped per account)

# Account trends: churned accounts fade out before their churn date, onboarding ones ramp up, the rest draw one.
TRENDS = {
    "adopting": {"growing": 55, "stable": 45},
    "mature": {"stable": 50, "growing": 25, "declining": 25},
    "renewing": {"stable": 45, "growing": 25, "declining": 30},
}
DECLINE_DAYS = 60  # declining accounts fall, faster and faster, over the last two months...
DECLINE_FLOOR = 0.15  # ...to this share of their former usage
NEWCOMERS_AT_RISK = 0.3  # and people who joined them meanwhile barely take up the product
RAMP_DAYS = 60  # from kickoff to full usage
FADE_DAYS = (14, 75)  # churned accounts: silent for the last 14 days before churn, fading over 75 before that

# Contact usage: chance of using the product on a weekday, and the chance of each further event that day.
ACTIVE_CHANCE = {"habitual": 0.35, "adopting": 0.21, "activated": 0.15, "dormant": 0.23}
MORE_EVENTS = {"habitual": 0.45, "adopting": 0.35, "activated": 0.3, "dormant": 0.3}
WEEKEND = 0.1  # weekend activity relative to a weekday
HOURS = (7, 8, 9, 9, 10, 10, 10, 11, 11, 12, 13, 13, 14, 14, 15, 15, 16, 16, 17, 18)  # UTC, office hours

TICKETS = {"enterprise": 0.09, "mid-market": 0.05, "smb": 0.025}
SEVERITIES = {"low": 30, "normal": 45, "high": 18, "urgent": 7}
RISKY_SEVERITIES = {"low": 15, "normal": 40, "high": 30, "urgent": 15}
ESCALATE = {"low": 0.02, "normal": 0.05, "high": 0.2, "urgent": 0.45}
CLOSE_HOURS = {"low": (24, 480), "normal": (4, 288), "high": (2, 144), "urgent": (1, 72)}
RISK_FACTOR = 2.5  # more tickets and inbound requests at an account at risk...
NEGLECT_FACTOR = 0.35  # ...and, in the demo's story, fewer proactive touches

PROACTIVE = {
    "enterprise": {"email": 0.12, "call": 0.05, "meeting": 0.03},
    "mid-market": {"email": 0.08, "call": 0.025, "meeting": 0.012},
    "smb": {"email": 0.05, "call": 0.01, "meeting": 0.004},
}
REVIEW_EVERY = {"enterprise": 91, "mid-market": 182}  # days between business reviews; none for smb
REACTIVE = {"enterprise": 0.05, "mid-market": 0.03, "smb": 0.02}
SPONSOR_JOINS = {"meeting": 0.35, "business_review": 0.85}

MILESTONES = (  # onboarding milestones at a share of the onboarding period
    ("kickoff", 0.0),
    ("data_connected", 0.2),
    ("first_dashboard", 0.35),
    ("team_invited", 0.5),
    ("training_completed", 0.75),
    ("onboarding_completed", 1.0),
)
FIRST_VALUE_AT = (0.3, 0.7)  # first value reached at this share of the onboarding period
SLOW_START = 0.25  # onboarding accounts that have not reached first value yet

# One-off commercial and relationship moves: (name, chance by trend, days before today (or before churn)).
ONE_OFFS = (
    ("expansion", {"growing": 0.35, "stable": 0.06}, (5, 160)),
    ("downsell", {"declining": 0.3, "churned": 0.15}, (3, 45)),
    ("refund_request", {"declining": 0.2, "churned": 0.2}, (5, 50)),
    ("discount_request", {"declining": 0.4, "churned": 0.45, "stable": 0.04}, (3, 55)),
    ("escalation", {"declining": 0.35, "churned": 0.3, "stable": 0.02}, (5, 55)),
)
AMOUNT_SHARE = {  # of the account's ARR
    "expansion": (0.1, 0.35),
    "downsell": (0.1, 0.3),
    "refund_request": (0.02, 0.08),
    "discount_request": (0.1, 0.25),
    "escalation": (1.0, 1.0),  # the ARR at risk
}
CHAMPION_LEAVES = 0.3  # of declining accounts with a champion
CHAMPION_LEFT_DAYS_AGO = (20, 50)
CONTACT_LEAVES = 0.5  # of dormant contacts at declining and churned accounts
