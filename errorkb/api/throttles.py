from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class RateLimit(SimpleRateThrottle):
    """One throttle for the whole API, configured by ERRORKB_RATE_LIMITS.

    Token holders are counted per token under the `token` rate; anonymous callers
    per client address under the view's `throttle_scope` (`diagnose`) or `anon`.

    Counted as a sliding window made of two fixed-window counters: this window's
    count plus the last window's, weighted by how much of the last window the
    sliding one still covers. DRF's SimpleRateThrottle keeps every timestamp and
    stores the whole list again on each call: at the token rate (6,000 a minute)
    that was ~100 µs of pickling per request. Here a call reads two integers and
    increments one, whatever the rate (and incr is atomic on a shared cache).
    Counts live in Django's default cache: per worker with the local-memory cache.
    """

    cache_format = "throttle_%(scope)s_%(ident)s_%(window)d"

    def __init__(self):  # the rate depends on the request, see allow_request
        self.wait_seconds = None

    def allow_request(self, request, view):
        rates = settings.ERRORKB_RATE_LIMITS
        if rates is None:
            return True
        # request.auth would run the authenticators for an anonymous caller too; one
        # that sent no Authorization header has no token (perform_authentication).
        # `request` is DRF's, or Django's for a call Diagnose answers directly: both
        # have META, and only a call with that header reaches request.auth.
        if "HTTP_AUTHORIZATION" in request.META and request.auth is not None:
            scope, ident = "token", f"token-{request.auth.pk}"
        else:
            scope, ident = getattr(view, "throttle_scope", "anon"), self.get_ident(request)
        limit, duration = self.parse_rate(rates[scope])
        now = self.timer()
        window = int(now // duration)
        current_key = self.cache_format % {"scope": scope, "ident": ident, "window": window}
        previous_key = self.cache_format % {"scope": scope, "ident": ident, "window": window - 1}
        counts = self.cache.get_many([previous_key, current_key])
        previous, current = counts.get(previous_key, 0), counts.get(current_key, 0)
        into = now - window * duration  # seconds into the current window
        if previous * (duration - into) / duration + current >= limit:
            self.wait_seconds = self._wait(limit, duration, previous, current, into)
            return False
        try:
            self.cache.incr(current_key)
        except ValueError:  # the window's first call (or its count expired)
            if not self.cache.add(current_key, 1, timeout=2 * duration + 1):
                self.cache.incr(current_key)
        return True

    def wait(self):
        return self.wait_seconds

    @staticmethod
    def _wait(limit: int, duration: int, previous: int, current: int, into: float) -> float:
        """Seconds until the sliding count falls below the limit (at least one)."""
        if current >= limit or previous == 0:
            return max(duration - into, 1.0)  # only the next window frees a call
        # Solve previous * (duration - into - t) / duration + current < limit for t.
        return max(duration - into - (limit - current) * duration / previous, 1.0)
