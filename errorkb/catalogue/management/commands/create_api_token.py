from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = (
        "Print the API token of a user (for `Authorization: Bearer <token>` and the higher `token` "
        "rate limit), creating the token, and the user without a password, if needed."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true", help="Replace an existing token with a new one.")

    def handle(self, *args, username: str, rotate: bool, **options):
        user, created = get_user_model().objects.get_or_create(username=username)
        if created:
            user.set_unusable_password()  # an API identity, not an admin login
            user.save(update_fields=["password"])
            self.stderr.write(f"Created user {username!r} (no password: it cannot log in to the admin).")
        if rotate:
            Token.objects.filter(user=user).delete()
        token, token_created = Token.objects.get_or_create(user=user)
        if not token_created:
            self.stderr.write("The user already had this token; --rotate replaces it.")
        # Only the key on stdout, so `TOKEN=$(manage.py create_api_token ci)` works.
        self.stdout.write(token.key)
