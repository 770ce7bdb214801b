"""Writes of the closed loop: opening, working and closing follow-ups; themes, rules and departments."""
