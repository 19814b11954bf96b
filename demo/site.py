"""Demo pages, in Chinese with English translations."""

from django.db import transaction
from wagtail.models import Locale, Site

from cms.bootstrap import ensure_site
from cms.models import SiteSettings, StandardPage
from portal.models import FiguresPage, ProjectIndexPage


def _body(paragraphs, heading=None):
    blocks = [("heading", {"text": heading, "size": "h2"})] if heading else []
    blocks += [("paragraph", f"<p>{p}</p>") for p in paragraphs]
    return blocks


PAGES = [
    {
        "slug": "about",
        "zh": {
            "title": "关于中心",
            "intro": "南岸区社区治理创新中心由区民政局主办，孵化社区社会组织，发布社区创新项目，培训社区工作者。",
            "body": _body([
                "中心以“社创苗圃”为平台，连接政府购买服务、福彩公益金、基金会与企业资金，支持社会组织在街道和社区开展服务。",
                "我们每年发布社区治理创新项目、德育创投项目和“小事微项目”等征集，并公开所有资助结果和项目成效。",
            ], "我们做什么"),
        },
        "en": {
            "title": "About the centre",
            "intro": "Nan'an District's Community Governance Innovation Centre is run by the district civil-affairs bureau. It incubates community organisations, funds community innovation projects and trains community workers.",
            "body": _body([
                "Through Seedbed the centre brings together government purchase of services, the welfare-lottery fund, foundations and companies to support social organisations working in the district's streets and communities.",
                "Each year it publishes calls such as the community governance innovation projects, moral-education venture projects and small community projects, and publishes every grant and its results.",
            ], "What we do"),
        },
    },
    {
        "slug": "how-to-apply",
        "zh": {
            "title": "申报指南",
            "intro": "社会组织如何注册、认证并申报社区创新项目。",
            "body": _body([
                "第一步：注册个人账户并验证电子邮箱。",
                "第二步：登记所在社会组织，填写统一社会信用代码（社区社会组织可填写备案号），等待中心工作人员认证。",
                "第三步：在开放中的项目征集中提交申报书，可随时保存草稿。评审结果将通过邮件通知。",
            ], "申报流程"),
        },
        "en": {
            "title": "How to apply",
            "intro": "How a social organisation registers, is verified and applies for community innovation funding.",
            "body": _body([
                "Step 1: create a personal account and confirm your email address.",
                "Step 2: register your organisation with its Unified Social Credit Code (community groups may give their filing number) and wait for the centre's staff to verify it.",
                "Step 3: submit a proposal to an open call; drafts can be saved at any time. You will be told of the decision by email.",
            ], "Steps"),
        },
    },
    {
        "slug": "contact",
        "zh": {
            "title": "联系我们",
            "intro": "工作日 9:00–12:00，14:00–17:30 提供咨询服务。",
            "body": _body(["地址：重庆市南岸区南坪街道（演示地址）", "服务热线见页面底部。"]),
        },
        "en": {
            "title": "Contact",
            "intro": "We answer questions on working days, 9:00–12:00 and 14:00–17:30.",
            "body": _body(["Address: Nanping Subdistrict, Nan'an District, Chongqing (demo address)", "The service hotline is at the foot of every page."]),
        },
    },
]

# The public figures (portal/figures.py), under the same slug in both languages so the page
# sits beside its CSV downloads at /<lang>/figures/<slug>.csv.
FIGURES_PAGE = {
    "slug": "figures",
    "zh": {
        "title": "资助数据",
        "intro": "<p>南岸区社区创新项目的资助情况：资助了多少项目和社会组织，资金来自哪里、用在哪些街道和服务领域，"
                 "以及公众捐赠和配捐。每张图都附有数据表，并可下载 CSV。</p>",
    },
    "en": {
        "title": "Figures",
        "intro": "<p>How community innovation in Nan'an is funded: how many projects and organisations, where "
                 "the money comes from, which streets and themes it goes to, and what the public gave and "
                 "the funds matched. Every chart has its table and a CSV download.</p>",
    },
}


# The public browser of funded projects (portal/project_filters.py).
PROJECTS_PAGE = {
    "slug": "projects",
    "zh": {
        "title": "资助项目",
        "intro": "<p>南岸区获资助的社区创新项目：按年份、街道社区、服务领域、资金来源和项目状态筛选，"
                 "或直接搜索项目名称、社会组织，查看每个项目的资金、进展和成效。</p>",
    },
    "en": {
        "title": "Funded projects",
        "intro": "<p>The community innovation projects funded in Nan'an: filter them by year, street and "
                 "community, theme, source of funds and status, or search for a project or organisation, and "
                 "see each project's money, progress and results.</p>",
    },
}


def _publish_page(model, spec, parent):
    """A new page of `model` from `spec` (its slug and Chinese fields) under `parent`, published."""

    page = model(slug=spec["slug"], show_in_menus=True, **spec["zh"])
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def translate(page, locale, content, slug):
    """Give `page` its translation in `locale` (a published copy with translated fields), unless
    it has one; returns whether it was made now."""

    if page.has_translation(locale):
        return False
    translation = page.copy_for_translation(locale, copy_parents=False)
    for field, value in content.items():
        setattr(translation, field, value)
    translation.slug = slug
    translation.save_revision().publish()
    return True


def ensure_page(model, spec, parent, english, page):
    """`page`, or a new one from `spec` under `parent`, published, and its English translation;
    returns (page, whether the page was made now, whether its translation was)."""

    made = page is None
    if made:
        page = _publish_page(model, spec, parent)
    return page, made, translate(page, english, spec["en"], spec["slug"])


@transaction.atomic
def ensure_single_page(model, spec, home, english):
    """The page of `model` of which the home page has one (the project browser, the figures,
    the call index), in both languages; returns what `ensure_page` does."""

    return ensure_page(model, spec, home, english, model.objects.child_of(home).first())


@transaction.atomic
def ensure_demo_pages():
    """The standard pages, the project browser and the figures in both languages, and the
    site settings; returns the number of (Chinese) pages created."""
    home = ensure_site()
    english = Locale.objects.get(language_code="en")
    created = 0
    for spec in PAGES:
        page = StandardPage.objects.child_of(home).filter(slug=spec["slug"]).first()
        created += ensure_page(StandardPage, spec, home, english, page)[1]
    created += ensure_single_page(ProjectIndexPage, PROJECTS_PAGE, home, english)[1]
    created += ensure_single_page(FiguresPage, FIGURES_PAGE, home, english)[1]

    site = Site.objects.get(is_default_site=True)
    settings = SiteSettings.for_site(site)
    if not settings.hotline:
        settings.hotline = "023-6298 0000"
        settings.email = "service@seedbed.test"
        settings.address = "重庆市南岸区南坪街道（演示地址）"
        settings.save()
    if not settings.bank_account_number:
        settings.bank_account_name = "重庆市南岸区社区治理创新中心"
        settings.bank_name = "中国工商银行重庆南坪支行（演示）"
        settings.bank_account_number = "3100 0000 0000 0000 000"
        settings.save()
    return created
