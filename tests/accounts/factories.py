import uuid
from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils.timezone import now


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"learner{n}@example.com")
    username = factory.Sequence(lambda n: f"learner{n}")
    display_name = factory.Faker("first_name")
    timezone = "UTC"
    daily_goal_xp = 20

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "correct-horse-battery-staple")
        if create:
            self.save(update_fields=["password"])


class SocialAppFactory(factory.django.DjangoModelFactory):
    """A provider set up in the admin, on the current site (allauth looks apps up by site)."""

    class Meta:
        model = "socialaccount.SocialApp"
        skip_postgeneration_save = True

    provider = "google"
    name = factory.LazyAttribute(lambda o: f"{o.provider} app")
    client_id = factory.Sequence(lambda n: f"client-{n}.apps.example.com")
    secret = "not-a-secret"

    @factory.post_generation
    def sites(self, create, extracted, **kwargs):
        from django.contrib.sites.models import Site

        if create:
            self.sites.add(*(extracted or [Site.objects.get_current()]))


class SocialAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "socialaccount.SocialAccount"

    user = factory.SubFactory(UserFactory)
    provider = "google"
    uid = factory.Sequence(lambda n: f"uid-{n}")
    extra_data = factory.LazyAttribute(lambda o: {"sub": o.uid, "email": o.user.email})


class EmailAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "account.EmailAddress"

    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda o: o.user.email.lower())
    verified = True
    primary = True


class LoginSessionFactory(factory.django.DjangoModelFactory):
    """A login's session row alone, without its tokens (`token_pair_issue` makes both)."""

    class Meta:
        model = "accounts.LoginSession"

    user = factory.SubFactory(UserFactory)
    sid = factory.LazyFunction(lambda: uuid.uuid4().hex)
    refresh_jti = factory.LazyFunction(lambda: uuid.uuid4().hex)
    expires_at = factory.LazyFunction(lambda: now() + timedelta(days=30))
