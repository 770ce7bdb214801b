"""factory_boy factories; every tenant-owned factory takes ``tenant=``."""

import factory
from factory.django import DjangoModelFactory

from accounts.models import Account, Contact, Invitation, Membership, Tenant, User
from accounts.roles import Role


class TenantFactory(DjangoModelFactory):
    class Meta:
        model = Tenant

    name = factory.Sequence(lambda n: f"Vendor {n}")
    slug = factory.Sequence(lambda n: f"vendor-{n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.ADMIN


class AccountFactory(DjangoModelFactory):
    class Meta:
        model = Account

    tenant = factory.SubFactory(TenantFactory)
    external_id = factory.Sequence(lambda n: f"acct-{n}")
    name = factory.Faker("company")
    segment = "mid-market"
    arr = 25000
    licenses = 50


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    tenant = factory.LazyAttribute(lambda o: o.account.tenant)
    account = factory.SubFactory(AccountFactory)
    external_id = factory.Sequence(lambda n: f"user-{n}")
    email = factory.Sequence(lambda n: f"user{n}@customer.example")
    name = factory.Faker("name")


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    tenant = factory.SubFactory(TenantFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.CSM
    expires_at = factory.LazyFunction(
        lambda: __import__("django.utils.timezone").utils.timezone.now() + __import__("datetime").timedelta(days=7)
    )
