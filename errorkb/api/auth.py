from rest_framework.authentication import TokenAuthentication


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Bearer <token>` (or DRF's `Token <token>`) for tooling with higher rate limits.

    Tokens are created in the admin (Auth Token → Tokens). Anonymous callers need none.
    """

    keyword = "Bearer"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header[:6].lower() == "token ":
            request.META["HTTP_AUTHORIZATION"] = "Bearer " + header[6:]
        return super().authenticate(request)
