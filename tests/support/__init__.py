"""Shared test support: fixture discovery and real local servers."""
