import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from incubator.models import User

PASSWORD = "seedbed-test-pass"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for name in extracted or []:
            self.groups.add(Group.objects.get(name=name))

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        # allauth refuses unverified addresses at login: factory users are verified by default.
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
