"""A fixed-window rate limit kept in Django's cache (shared when the cache is Redis)."""

from __future__ import annotations

from django.core.cache import cache


def rate_limit_exceeded(*, key: str, limit: int, period_seconds: int) -> bool:
    """Count one attempt for ``key``; True once more than ``limit`` fall in one period."""
    cache_key = f"ratelimit:{key}"
    cache.add(cache_key, 0, timeout=period_seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the window expired between add and incr
        cache.set(cache_key, 1, timeout=period_seconds)
        count = 1
    return count > limit
