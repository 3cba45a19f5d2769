from rest_framework.authentication import TokenAuthentication


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Bearer <token>` (or DRF's `Token <token>`) for tooling with higher rate limits.

    Tokens are created in the admin (Auth Token → Tokens) or with
    `manage.py create_api_token <username>`. Anonymous callers need none; a wrong
    token is a 401, never a silent fall-back to the anonymous rate.
    """

    keyword = "Bearer"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header[:6].lower() == "token ":
            request.META["HTTP_AUTHORIZATION"] = "Bearer " + header[6:]
        return super().authenticate(request)
