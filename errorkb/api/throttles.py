from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class RateLimit(SimpleRateThrottle):
    """One throttle for the whole API, configured by ERRORKB_RATE_LIMITS.

    Token holders are counted per token under the `token` rate; anonymous callers
    per client address under the view's `throttle_scope` (`diagnose`) or `anon`.
    Counts live in the process's cache, so each gunicorn worker counts on its own.
    """

    def __init__(self):  # the rate depends on the request, see allow_request
        pass

    def allow_request(self, request, view):
        rates = settings.ERRORKB_RATE_LIMITS
        if rates is None:
            return True
        if request.auth is not None:
            self.scope, ident = "token", f"token-{request.auth.pk}"
        else:
            self.scope, ident = getattr(view, "throttle_scope", "anon"), self.get_ident(request)
        self.rate = rates[self.scope]
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.ident = ident
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.ident}
