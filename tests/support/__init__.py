"""Helpers shared by the tests: imported by test files and conftest.py, never a test file
imported by another. Each module is about one kind of thing the tests drive."""
