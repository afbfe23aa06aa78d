"""Search: the segmented full-text index over sections and statements, and queries on it."""
from .query import Filters, Hit, search, snippet
from .segment import query_terms, segment

__all__ = ["Filters", "Hit", "query_terms", "search", "segment", "snippet"]
