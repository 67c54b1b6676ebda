"""Bulk sending: pure chunking, per-record accounting, and the seed bulk surface with streaming."""

from .progress import BulkProgressError
from .source import BulkSourceError

__all__ = ["BulkProgressError", "BulkSourceError"]
