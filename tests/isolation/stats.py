"""What the walks tried, for the summary line printed at the end of the run (see conftest.py)."""

from __future__ import annotations

from collections import defaultdict

STATS: dict = {}


def reset() -> None:
    STATS.clear()
    STATS.update(
        {
            "requests": defaultdict(int),  # surface -> requests sent
            "combos": defaultdict(set),  # surface -> {(route, method, principal)}
            "operations": defaultdict(set),  # surface -> {(route, method)}
            "principals": defaultdict(set),  # surface -> {principal}
            "models": set(),  # admin models walked
            "api_schema": {},  # paths, operations and principals of the OpenAPI walk
            "leaks": 0,  # unexpected cross-tenant leaks
            "bugs": 0,  # unexpected other failures (500s, reads that write, coverage gaps)
            "known": set(),  # ids of known issues (known_leaks.KNOWN_LEAKS) seen again
        }
    )


reset()


def record(surface: str, route: str, method: str, principal: str) -> None:
    route, method, principal = str(route), str(method), str(principal)  # plain str: xdist ships these
    STATS["requests"][surface] += 1
    STATS["combos"][surface].add((route, method, principal))
    STATS["operations"][surface].add((route, method))
    STATS["principals"][surface].add(principal)


def to_dict() -> dict:
    """A JSON-friendly copy (sent from pytest-xdist workers to the controller)."""
    return {
        "requests": dict(STATS["requests"]),
        "combos": {k: sorted(map(list, v)) for k, v in STATS["combos"].items()},
        "operations": {k: sorted(map(list, v)) for k, v in STATS["operations"].items()},
        "principals": {k: sorted(v) for k, v in STATS["principals"].items()},
        "models": sorted(STATS["models"]),
        "api_schema": STATS["api_schema"],
        "leaks": STATS["leaks"],
        "bugs": STATS["bugs"],
        "known": sorted(STATS["known"]),
    }


def merge(data: dict) -> None:
    for k, v in data.get("requests", {}).items():
        STATS["requests"][k] += v
    for name in ("combos", "operations"):
        for k, v in data.get(name, {}).items():
            STATS[name][k] |= {tuple(x) for x in v}
    for k, v in data.get("principals", {}).items():
        STATS["principals"][k] |= set(v)
    STATS["models"] |= set(data.get("models", []))
    STATS["api_schema"] = data.get("api_schema") or STATS["api_schema"]
    for name in ("leaks", "bugs"):
        STATS[name] += data.get(name, 0)
    STATS["known"] |= set(data.get("known", []))


def summary_lines() -> list[str]:
    req, combos, ops, who = STATS["requests"], STATS["combos"], STATS["operations"], STATS["principals"]
    if not sum(req.values()):
        return ["isolation: no walk ran"]
    lines = []
    if "api" in req:
        schema = STATS["api_schema"]
        extra = len(ops["api"]) - schema.get("operations", 0)
        lines.append(
            f"isolation API: {schema.get('operations')} OpenAPI operations on {schema.get('paths')} paths"
            f" (+{extra} HEAD/OPTIONS and docs routes) x {len(who['api'])} principals"
            f" = {len(combos['api'])} route x method x principal combinations tried, {req['api']} requests"
        )
    if "admin" in req:
        routes = {o[0] for o in ops["admin"]}
        lines.append(
            f"isolation admin: {len(STATS['models'])} models, {len(routes)} URL patterns, {len(ops['admin'])} pattern x"
            f" method x {len(who['admin'])} principals = {len(combos['admin'])} combinations tried,"
            f" {req['admin']} pages requested"
        )
    other = {k: v for k, v in req.items() if k not in {"api", "admin"}}
    if other:
        lines.append("isolation other probes: " + ", ".join(f"{k} {v} requests" for k, v in sorted(other.items())))
    from tests.isolation.known_leaks import KNOWN_LEAKS

    known = [e for e in KNOWN_LEAKS if e["id"] in STATS["known"]]
    known_leaks = [e["id"] for e in known if e["kind"] == "leak"]
    known_bugs = [e["id"] for e in known if e["kind"] != "leak"]
    lines.append(
        f"isolation: {sum(req.values())} requests in all; cross-tenant leaks found: {STATS['leaks']}"
        f" unexpected + {len(known_leaks)} known/xfail {known_leaks}; other bugs: {STATS['bugs']}"
        f" unexpected + {len(known_bugs)} known/xfail {known_bugs}"
    )
    return lines
