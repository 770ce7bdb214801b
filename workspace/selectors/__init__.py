"""Reads of the workspace pages: a CSM's day (today.py), the team (team.py), and what both count."""
