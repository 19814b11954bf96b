"""Demo training: the three programmes in both languages; past cohorts that trained about
200 people, with their attendance and certificates; one cohort open for enrolment with a
waiting list; one running today, whose session's check-in code is live.

The past is written straight into the tables (it happened before the demo's today, as the
funding demo backdates awards); certificates get their serials now and their PDFs when first
downloaded. Runs once: if the training index exists, nothing is added.
"""

import random
from datetime import datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale

from cms.models import HomePage
from demo.people import DEMO_APPLICANT, DEMO_PASSWORD, STAFF_EMAIL, ensure_account
from demo.site import ensure_page
from incubator.accounts.models import User
from incubator.organisations.models import Organisation
from incubator.places.models import Community
from incubator.training.certificates import next_serial
from incubator.training.models import (
    Attendance,
    Certificate,
    Cohort,
    Enrolment,
    ProgrammeIndexPage,
    ProgrammePage,
    Session,
)

TRAINER_EMAIL = "trainer@seedbed.test"
INDEX = {
    "slug": "programmes",
    "zh": {"title": "人才培养", "intro": "<p>南岸区社区治理创新中心的社工人才培养：社创营、青创营、研学社。</p>"},
    "en": {"title": "Training", "intro": "<p>The centre's training for social workers: the Social Innovation Camp, "
                                         "the Youth Innovation Camp and the Study Circle.</p>"},
}
PROGRAMMES = [
    {"slug": "shechuangying", "zh": {
        "title": "社创营", "code": "SCY", "intro": "面向社区社会工作者，提升专业能力与社区治理能力。",
        "audience": "<p>在社区一线工作的社会工作者。</p>",
        "aims": "<p>掌握需求调研、项目设计与评估的方法，参与社区协商治理。</p>",
        "curriculum": "<ol><li>社区需求调研</li><li>项目设计</li><li>资源整合</li><li>协商议事</li>"
                      "<li>项目评估</li><li>结业展示</li></ol>"},
     "en": {"title": "Social Innovation Camp", "intro": "Professional and governance skills for community social workers.",
            "audience": "<p>Social workers in the district's communities.</p>",
            "aims": "<p>Needs assessment, project design and evaluation; taking part in community deliberation.</p>",
            "curriculum": "<ol><li>Needs assessment</li><li>Project design</li><li>Resources</li>"
                          "<li>Deliberation</li><li>Evaluation</li><li>Final presentations</li></ol>"}},
    {"slug": "qingchuangying", "zh": {
        "title": "青创营", "code": "QCY", "intro": "面向社工专业毕业生、公益团队负责人和有志创办社会企业的青年，配备导师。",
        "audience": "<p>社工专业毕业生、公益团队负责人、青年创业者。</p>",
        "aims": "<p>把一个社会问题变成一个可持续的公益项目或社会企业。</p>",
        "curriculum": "<ol><li>发现问题</li><li>商业模式</li><li>团队与治理</li><li>路演</li></ol>"},
     "en": {"title": "Youth Innovation Camp",
            "intro": "For social-work graduates, leaders of public-interest teams and young founders, with mentors.",
            "audience": "<p>Graduates, team leaders and young founders.</p>",
            "aims": "<p>Turn a social problem into a lasting project or social venture.</p>",
            "curriculum": "<ol><li>Finding the problem</li><li>Business model</li><li>Team and governance</li>"
                          "<li>Pitch</li></ol>"}},
    {"slug": "yanxueshe", "zh": {
        "title": "研学社", "code": "YXS", "intro": "社会组织之间的同伴学习，交流实务经验。",
        "audience": "<p>社会组织负责人与骨干。</p>", "aims": "<p>互访互学，沉淀可推广的实践。</p>",
        "curriculum": "<p>每月一次机构互访与案例研讨。</p>"},
     "en": {"title": "Study Circle", "intro": "Peer learning among organisations, sharing practice.",
            "audience": "<p>Leaders and staff of social organisations.</p>",
            "aims": "<p>Visit each other, learn, and write down practice others can use.</p>",
            "curriculum": "<p>A monthly visit to one organisation and a case discussion.</p>"}},
]
# programme code, number, Chinese and English names, audience, first day (days before today),
# people who completed, people who held a place but did not
PAST = [
    ("SCY", 1, "社创营第一期", "Social Innovation Camp, cohort 1", "social_workers", 700, 60, 6),
    ("SCY", 2, "社创营第二期", "Social Innovation Camp, cohort 2", "social_workers", 330, 60, 5),
    ("QCY", 1, "青创营第一期", "Youth Innovation Camp, cohort 1", "young_founders", 300, 45, 4),
    ("YXS", 1, "研学社第一期", "Study Circle, cohort 1", "organisations", 200, 35, 3),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅琳建国志文晓东海燕雪婷宇浩然子涵欣怡佳"
SESSIONS = 6


def _trainees(count, rng):
    """`count` verified demo accounts for trainees (made in bulk: one password hash)."""
    password = make_password(DEMO_PASSWORD)
    emails = [f"trainee-{n:03d}@seedbed.test" for n in range(1, count + 1)]
    names = [rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))) for _ in emails]
    User.objects.bulk_create([User(email=email, name=name, password=password, language="zh-hans")
                              for email, name in zip(emails, names)], ignore_conflicts=True)
    users = list(User.objects.filter(email__in=emails).order_by("email"))
    EmailAddress.objects.bulk_create([EmailAddress(user=user, email=user.email, verified=True, primary=True)
                                      for user in users], ignore_conflicts=True)
    return users


def _at(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _cohort(programme, name_zh, name_en, audience, starts_on, capacity, community, trainer, **fields):
    cohort = Cohort.objects.create(
        programme=programme, name_zh=name_zh, name_en=name_en, audience=audience, starts_on=starts_on,
        ends_on=starts_on + timedelta(days=7 * (SESSIONS - 1)), community=community, venue="社区治理创新中心培训室",
        capacity=capacity, enrol_opens_at=_at(starts_on - timedelta(days=40), 9),
        enrol_closes_at=_at(starts_on - timedelta(days=7), 18), min_attendance=80, required_assignments=1,
        **fields)
    cohort.trainers.add(trainer)
    for index in range(SESSIONS):
        day = starts_on + timedelta(days=7 * index)
        Session.objects.create(cohort=cohort, title=f"第{index + 1}讲", starts_at=_at(day, 14), ends_at=_at(day, 17),
                               place="社区治理创新中心培训室", trainer=trainer)
    return cohort


def _answers(audience):
    return {"social_workers": {"experience": 3, "certified": "assistant", "goal": "提升项目设计能力"},
            "young_founders": {"idea": "社区助老餐厅", "goal": "学习社会企业的运营"},
            "organisations": {"practice": "社区议事会", "goal": "向同行学习"}}[audience]


def _enrol(cohort, users, state, rng, organisations, attended_of=None, moment=None, before=None):
    enrolments = Enrolment.objects.bulk_create([
        Enrolment(cohort=cohort, user=user, state=state, answers=_answers(cohort.audience),
                  organisation=rng.choice(organisations) if organisations and rng.random() < 0.6 else None,
                  applied_at=moment or _at(cohort.starts_on - timedelta(days=20), 10),
                  waitlisted_at=moment if state == Enrolment.State.WAITLISTED else None,
                  assignments_done=1 if state == Enrolment.State.COMPLETED else 0)
        for user in users])
    if attended_of is not None:
        sessions = list(cohort.sessions.filter(starts_at__lt=before or timezone.now()))
        records = []
        for enrolment in enrolments:
            missed = set(rng.sample(range(len(sessions)), len(sessions) - attended_of(len(sessions))))
            for index, session in enumerate(sessions):
                status = (Attendance.Status.ABSENT if index in missed
                          else rng.choice([Attendance.Status.PRESENT] * 5 + [Attendance.Status.LATE]))
                records.append(Attendance(session=session, enrolment=enrolment, status=status,
                                          method=Attendance.Method.CHECK_IN, recorded_at=session.starts_at))
        Attendance.objects.bulk_create(records)
    return enrolments


@transaction.atomic
def ensure_demo_training():
    """Returns what was created, by kind (zeros when the demo already has training)."""
    home = HomePage.objects.get(locale__language_code="zh-hans")
    if ProgrammeIndexPage.objects.exists():
        return {"programmes": 0, "cohorts": 0, "trainees": 0, "certificates": 0}
    english = Locale.objects.get(language_code="en")
    index = ensure_page(ProgrammeIndexPage, INDEX, home, english, None)[0]
    programmes = {spec["zh"]["code"]: ensure_page(ProgrammePage, spec, index, english, None)[0]
                  for spec in PROGRAMMES}
    trainer, _made = ensure_account(TRAINER_EMAIL, "罗雯（培训讲师）")
    staff = User.objects.get(email=STAFF_EMAIL)
    rng = random.Random(2026)
    users = _trainees(260, rng)
    organisations = list(Organisation.objects.filter(status=Organisation.Status.VERIFIED))
    communities = list(Community.objects.order_by("code")[:20])
    today = timezone.localdate()
    taken, cohorts, certificates = 0, 0, 0
    for code, _number, name_zh, name_en, audience, days_ago, completed, missed in PAST:
        cohort = _cohort(programmes[code], name_zh, name_en, audience, today - timedelta(days=days_ago),
                         completed + missed, rng.choice(communities), trainer)
        cohorts += 1
        group = users[taken:taken + completed + missed]
        taken += completed + missed
        done = _enrol(cohort, group[:completed], Enrolment.State.COMPLETED, rng, organisations,
                      attended_of=lambda n: n - rng.choice((0, 0, 1)))
        _enrol(cohort, group[completed:], Enrolment.State.ACCEPTED, rng, organisations,
               attended_of=lambda n: n - rng.choice((2, 3)))
        issued = _at(cohort.ends_on + timedelta(days=3), 10)
        Certificate.objects.bulk_create([
            Certificate(enrolment=enrolment, serial=next_serial(code, cohort.ends_on.year),
                        holder_name=enrolment.user.name, issued_at=issued) for enrolment in done])
        certificates += len(done)
    taken = 0  # today's cohorts draw from the same trainees: people come back
    # Open now, full, with a waiting list.
    open_cohort = _cohort(programmes["SCY"], "社创营第三期", "Social Innovation Camp, cohort 3", "social_workers",
                          today + timedelta(days=21), 20, communities[0], trainer)
    open_cohort.enrol_closes_at = timezone.now() + timedelta(days=14)
    open_cohort.save(update_fields=["enrol_closes_at"])
    _enrol(open_cohort, users[200:220], Enrolment.State.ACCEPTED, rng, organisations)
    _enrol(open_cohort, users[220:224], Enrolment.State.WAITLISTED, rng, organisations, moment=timezone.now())
    _enrol(open_cohort, users[224:230], Enrolment.State.APPLIED, rng, organisations, moment=timezone.now())
    # Running: the third of six sessions is happening now.
    running = _cohort(programmes["QCY"], "青创营第二期", "Youth Innovation Camp, cohort 2", "young_founders",
                      today - timedelta(days=14), 30, communities[1], trainer)
    running.mentors.add(staff)
    now_session = running.sessions.order_by("starts_at")[2]
    now_session.starts_at = timezone.now() - timedelta(minutes=10)
    now_session.ends_at = timezone.now() + timedelta(hours=3)
    now_session.save()
    _enrol(running, users[230:255], Enrolment.State.ACCEPTED, rng, organisations,
           attended_of=lambda n: max(n - rng.choice((0, 0, 0, 1, 2)), 0), before=now_session.starts_at)
    applicant = User.objects.get(email=DEMO_APPLICANT)
    _enrol(running, [applicant], Enrolment.State.ACCEPTED, rng, [])
    return {"programmes": len(programmes), "cohorts": cohorts + 2, "trainees": len(users),
            "certificates": certificates}


def summary_line(created):
    return ("Demo training created: {programmes} programmes, {cohorts} cohorts, {trainees} trainee accounts, "
            "{certificates} certificates (trainer: %s)" % TRAINER_EMAIL).format(**created)
