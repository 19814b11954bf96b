"""Demo people: one account per role, the applicants who run the demo organisations, and bulk
applicants for load tests. Every demo account has the same password and a verified address."""

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from incubator.accounts import permissions
from incubator.accounts.models import User

DEMO_PASSWORD = "seedbed-demo-2026"

STAFF_EMAIL = "staff@seedbed.test"
FUNDER_EMAIL = "funder@seedbed.test"
DEMO_APPLICANT = "applicant@seedbed.test"
# The expert reviewers: enough for the demo calls' full review panels (demo/review.py).
LI = "reviewer@seedbed.test"        # 李建国：社区治理专家
ZHOU = "reviewer2@seedbed.test"     # 周文：高校社会工作系教师
HE = "reviewer3@seedbed.test"       # 何丽萍：资深社工督导
SUN = "reviewer4@seedbed.test"      # 孙志远：财务专家

DEMO_USERS = [
    # email, name, roles, superuser
    ("admin@seedbed.test", "系统管理员", [], True),
    (STAFF_EMAIL, "王敏（中心工作人员）", [permissions.STAFF], False),
    (LI, "李建国（评审专家）", [permissions.REVIEWER], False),
    (ZHOU, "周文（高校社会工作系教师）", [permissions.REVIEWER], False),
    (HE, "何丽萍（资深社工督导）", [permissions.REVIEWER], False),
    (SUN, "孙志远（财务专家）", [permissions.REVIEWER], False),
    ("supervisor@seedbed.test", "陈静（监委会）", [permissions.SUPERVISOR], False),
    (FUNDER_EMAIL, "刘洋（基金会）", [permissions.FUNDER], False),
    (DEMO_APPLICANT, "张晓（社会组织）", [], False),
]

APPLICANTS = [
    # email, name: who administers this year's demo organisations (demo/organisations.py),
    # besides the demo applicant
    ("linli@seedbed.test", "黄秀英（邻里守望志愿服务协会）"),
    ("yinfa@seedbed.test", "周桂兰（“银发伙伴”志愿服务队）"),
    ("lehe@seedbed.test", "吴磊（乐和公益基金会）"),
    ("qingmiao@seedbed.test", "邓佳（青苗儿童成长服务中心）"),
    ("leling@seedbed.test", "彭建华（乐龄文体协会）"),
    ("beidou@seedbed.test", "蹇志强（北斗村股份经济合作联合社）"),
]


def ensure_account(email, name, **fields):
    """The demo account of `email` (made with the demo password unless it exists), with its
    address verified; returns (user, whether it was made now)."""
    user, created = User.objects.get_or_create(
        email=email, defaults={"name": name, "language": "zh-hans", **fields})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user, created


@transaction.atomic
def ensure_demo_users():
    created = []
    for email, name, roles, superuser in DEMO_USERS:
        user, was_created = ensure_account(email, name, is_superuser=superuser, is_staff=superuser)
        if was_created:
            created.append(user)
        user.groups.add(*Group.objects.filter(name__in=roles))
    return created


@transaction.atomic
def ensure_applicants(accounts):
    """Applicant accounts for (email, name) pairs; returns those made now."""
    return [user for user, created in (ensure_account(email, name) for email, name in accounts) if created]


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
