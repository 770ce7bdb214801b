"""Tenant B's (and A's) rows for the surveys models: builders registered after the core ones in world.py."""

from __future__ import annotations
