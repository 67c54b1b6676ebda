"""The package version: one place, read by hatch for the distribution and by the user-agent headers."""

__version__ = "0.1.0"
