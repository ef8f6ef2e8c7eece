"""Demo accounts and demo content for a local try-out: `python manage.py setup_demo`.

Running it again changes nothing: the accounts are matched by email and put back to the state
below (password included, so the printed passwords always work). The demo course is imported
only when no course has its slug yet: `make run` runs this command every time, and must never
undo what an editor changed in the admin since. `--reset-course` imports the pack again over
those edits. The passwords are public, so the command refuses to run with DEBUG off unless told
`--force`.
"""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from courses.demo_registry import demo_steps
from courses.models import Course
from courses.packs import PackError, pack_load_path

DEMO_PACK = Path(settings.BASE_DIR) / "courses" / "demo" / "es-from-en" / "pack.json"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str
    display_name: str
    group: str | None = None
    is_staff: bool = False
    is_superuser: bool = False


# Fixed, published passwords: fine for a demo on your own machine, never for a real server.
DEMO_ACCOUNTS = (
    DemoAccount(
        role="admin",
        email="admin@example.com",
        password="demo-admin-pass",
        display_name="Ada Admin",
        is_staff=True,
        is_superuser=True,
    ),
    DemoAccount(
        role="editor",
        email="editor@example.com",
        password="demo-editor-pass",
        display_name="Eddie Editor",
        group="editors",
        is_staff=True,
    ),
    DemoAccount(
        role="teacher",
        email="teacher@example.com",
        password="demo-teacher-pass",
        display_name="Tess Teacher",
        group="teachers",
    ),
    DemoAccount(
        role="learner",
        email="learner@example.com",
        password="demo-learner-pass",
        display_name="Leo Learner",
    ),
)


def demo_account_ensure(*, account: DemoAccount):
    User = get_user_model()
    user = User.objects.filter(email__iexact=account.email).first()
    if user is None:
        user = User(email=account.email)
    user.display_name = account.display_name
    user.is_active = True
    user.is_staff = account.is_staff
    user.is_superuser = account.is_superuser
    user.set_password(account.password)
    user.full_clean(exclude=["password"])
    user.save()
    if account.group:
        group, _ = Group.objects.get_or_create(name=account.group)
        user.groups.add(group)
    return user


def _pack_course_slug(pack: Path) -> str | None:
    try:
        course = pack_load_path(pack).pack.get("course")
    except (PackError, AttributeError):
        # import_course reports what is wrong with the pack, in full.
        return None
    slug = course.get("slug") if isinstance(course, dict) else None
    return slug if isinstance(slug, str) else None


def demo_content_import(*, pack: Path | None = None, reset: bool = False) -> str:
    """Import and publish the demo course pack when its course is absent, or when told to reset
    it; say what happened."""
    pack = pack or DEMO_PACK
    if not pack.is_file():
        return f"skipped: {pack} does not exist"
    slug = _pack_course_slug(pack)
    if not reset and slug and Course.objects.filter(slug=slug).exists():
        return (
            f"the course {slug} is already here, left as it is "
            "(`make demo-reset` imports the pack again over any edits)"
        )
    call_command("import_course", str(pack), "--publish")
    return f"{'re-imported' if reset else 'imported'} and published {pack}"


class Command(BaseCommand):
    help = "Create the demo accounts (admin, editor, teacher, learner) and load the demo course."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. The demo passwords are public: never on a real server.",
        )
        parser.add_argument("--no-content", action="store_true", help="Create the accounts only.")
        parser.add_argument(
            "--reset-course",
            action="store_true",
            help="Import the demo pack again even if its course is here, over any edits to it.",
        )

    def handle(
        self,
        *args,
        force: bool = False,
        no_content: bool = False,
        reset_course: bool = False,
        **options,
    ):
        if not settings.DEBUG and not force:
            raise CommandError(
                "setup_demo creates accounts with public passwords; it runs only with DEBUG on "
                "(or with --force, on a machine nobody else can reach)."
            )
        with transaction.atomic():
            users = {
                account.role: demo_account_ensure(account=account) for account in DEMO_ACCOUNTS
            }

        content = "skipped: --no-content" if no_content else demo_content_import(reset=reset_course)
        extras = {name: step(accounts=users) for name, step in demo_steps().items()}

        self.stdout.write(self.style.SUCCESS("Demo accounts (demo passwords: local use only):"))
        self.stdout.write(f"  {'role':<8} {'email':<22} password")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.role:<8} {account.email:<22} {account.password}")
        self.stdout.write(f"Demo content: {content}")
        for name, said in extras.items():
            self.stdout.write(f"Demo {name}: {said}")
