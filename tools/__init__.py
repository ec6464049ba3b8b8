"""Instructor tools (see docs/teaching.md)."""
