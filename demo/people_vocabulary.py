"""Words the demo tenant is made of: company and person names, titles, objectives."""

# pure: no Django import (tests/test_pure_modules.py)

TEAMS = [  # a manager's title and the titles of the people reporting to them
    ("Director of Finance", ("Financial Analyst", "FP&A Analyst", "Senior Accountant")),
    ("Sales Operations Manager", ("Sales Operations Analyst", "Account Executive", "Deal Desk Specialist")),
    ("Head of Analytics", ("Data Analyst", "Analytics Engineer", "BI Developer")),
    ("Marketing Operations Manager", ("Marketing Analyst", "Campaign Manager", "Growth Analyst")),
    ("Director of Customer Success", ("Customer Success Manager", "Support Team Lead", "Onboarding Specialist")),
    ("Supply Chain Manager", ("Inventory Analyst", "Logistics Coordinator", "Demand Planner")),
]
OBJECTIVES = [
    "Cut month-end reporting from {d} days to {m}.",
    "Give {n} regional managers a self-serve weekly sales dashboard.",
    "Retire the legacy BI tool before its licence ends in Q{q}.",
    "Reach {p}% weekly active use among licensed analysts.",
    "Replace spreadsheet forecasting with one shared pipeline model.",
    "One agreed definition of churn and retention across {n} teams.",
    "Automate the board pack; save about {h} analyst hours a month.",
    "Consolidate {n} data sources into a single warehouse model.",
    "Daily stock visibility for all {n} warehouses by end of Q{q}.",
    "Embed usage dashboards in their own customer portal.",
]
# fmt: off
COMPANY_HEADS = [
    "Bluewater", "Harbor", "Crestline", "Ironwood", "Silverline", "Redwood", "Summit", "Lakeshore", "Northgate",
    "Brightpath", "Keystone", "Evergreen", "Granite", "Copperleaf", "Skyline", "Oakridge", "Riverbend", "Sterling",
    "Westbrook", "Highland", "Pinecrest", "Stonebridge", "Clearwater", "Meridian", "Cobalt", "Juniper", "Kestrel",
]
COMPANY_TAILS = [
    "Logistics", "Health", "Foods", "Manufacturing", "Energy", "Retail", "Insurance", "Biotech", "Capital", "Software",
    "Freight", "Hospitality", "Telecom", "Labs", "Media", "Pharma", "Outfitters", "Building Supply", "Credit Union",
]
FIRST_NAMES = [
    "Olivia", "Liam", "Emma", "Noah", "Ava", "Ethan", "Sophia", "Mason", "Isabella", "Lucas", "Mia", "Oliver", "Amelia",
    "Harper", "James", "Evelyn", "Samuel", "Emily", "Henry", "Grace", "Joseph", "Chloe", "Daniel", "Aisha", "Omar",
    "Mei", "Ananya", "Ravi", "Fatima", "Diego", "Lucia", "Mateo", "Ingrid", "Lars", "Yuki", "Kenji", "Zara", "Tariq",
    "Nadia", "Pavel", "Elena", "Marco", "Giulia", "Kwame", "Amara", "Sean", "Niamh", "Rhys", "Freya",
]
LAST_NAMES = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Wilson",
    "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "Clark",
    "Lewis", "Walker", "Hall", "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Hill", "Patel",
    "Nguyen", "Kowalski", "Novak", "Rossi", "Schmidt", "Dubois", "Silva", "Tanaka", "Sato", "Khan", "Ali", "Okonkwo",
]
# fmt: on
