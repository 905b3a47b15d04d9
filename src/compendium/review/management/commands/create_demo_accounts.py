from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from compendium.catalog.models import Economy, Organization
from compendium.review.services import demo_accounts_create


class Command(BaseCommand):
    help = "Create (or reset) the demo's secretariat and focal-point accounts and print them."

    def handle(self, *args, **options) -> None:
        try:
            accounts = demo_accounts_create()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        except (Economy.DoesNotExist, Organization.DoesNotExist) as error:
            raise CommandError(
                f"Could not create the demo accounts: {error}. "
                "Run `compendium load_reference` first."
            ) from None
        self.stdout.write(
            "Demo accounts (sign in at /accounts/login/; the secretariat also at /admin/):"
        )
        width = max(len(a.username) for a in accounts)
        for a in accounts:
            self.stdout.write(f"  {a.username:<{width}}  password: {a.password:<14}  {a.role}")
