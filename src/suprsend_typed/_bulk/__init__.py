"""Bulk sending: pure chunking, per-record accounting, and the seed bulk surface with streaming."""

from .source import BulkSourceError

__all__ = ["BulkSourceError"]
