"""Demo people: one account per role, and bulk applicants for load tests."""

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from incubator.accounts import permissions
from incubator.accounts.models import User

DEMO_PASSWORD = "seedbed-demo-2026"

DEMO_USERS = [
    # email, name, roles, superuser
    ("admin@seedbed.test", "系统管理员", [], True),
    ("staff@seedbed.test", "王敏（中心工作人员）", [permissions.STAFF], False),
    ("reviewer@seedbed.test", "李建国（评审专家）", [permissions.REVIEWER], False),
    # More expert reviewers, so the demo calls have full review panels (demo/review.py).
    ("reviewer2@seedbed.test", "周文（高校社会工作系教师）", [permissions.REVIEWER], False),
    ("reviewer3@seedbed.test", "何丽萍（资深社工督导）", [permissions.REVIEWER], False),
    ("reviewer4@seedbed.test", "孙志远（财务专家）", [permissions.REVIEWER], False),
    ("supervisor@seedbed.test", "陈静（监委会）", [permissions.SUPERVISOR], False),
    ("funder@seedbed.test", "刘洋（基金会）", [permissions.FUNDER], False),
    ("applicant@seedbed.test", "张晓（社会组织）", [], False),
]


@transaction.atomic
def ensure_demo_users():
    created = []
    for email, name, roles, superuser in DEMO_USERS:
        user, was_created = User.objects.get_or_create(
            email=email,
            defaults={"name": name, "is_superuser": superuser, "is_staff": superuser,
                      "language": "zh-hans"},
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created.append(user)
        user.groups.add(*Group.objects.filter(name__in=roles))
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    return created


def bulk_applicants(count, batch_size=5000):
    """Create `count` verified applicant accounts fast: one password hash, bulk inserts.

    Idempotent: the addresses are numbered, and existing ones are skipped.
    """

    password = make_password(DEMO_PASSWORD)
    emails = [f"load-{i:06d}@seedbed.test" for i in range(count)]
    for start in range(0, count, batch_size):
        chunk = emails[start:start + batch_size]
        with transaction.atomic():
            User.objects.bulk_create(
                [User(email=e, name=f"负载测试用户{e[5:11]}", password=password) for e in chunk],
                ignore_conflicts=True, batch_size=batch_size,
            )
            ids = dict(User.objects.filter(email__in=chunk).values_list("email", "id"))
            EmailAddress.objects.bulk_create(
                [EmailAddress(user_id=ids[e], email=e, verified=True, primary=True) for e in chunk],
                ignore_conflicts=True, batch_size=batch_size,
            )
    return count
