"""Indicator declarations by category; each module holds its compute functions and an ``INDICATORS`` tuple."""
