"""Demo organisations, registered by their administrators and verified or rejected by staff
through the incubator's services (so memberships and audit entries exist).

This year's seven show every status (verified, waiting, rejected) and every kind of code; the
twenty more that applied to last year's call cover all of Nan'an's fifteen streets and towns.
"""

from datetime import datetime, timedelta

from django.db import transaction
from wagtail.models import ModelLogEntry

from demo.people import DEMO_APPLICANT
from incubator.accounts.models import User
from incubator.organisations.models import Membership, Organisation
from incubator.organisations.services import (
    accept_invitation,
    invitation_token,
    register_organisation,
    reject_organisation,
    verify_organisation,
)
from incubator.organisations.uscc import check_character
from incubator.places.models import Community, Street

SUNSHINE = "重庆市南岸区南坪街道阳光社工服务中心"
NEIGHBOURS = "重庆市南岸区邻里守望志愿服务协会"
SILVER = "南坪镇白鹤苑社区“银发伙伴”志愿服务队"
LEHE = "重庆市南岸区乐和公益基金会"
BEIDOU = "重庆市南岸区迎龙镇北斗村股份经济合作联合社"


def uscc(first17):
    """A valid Unified Social Credit Code from its first seventeen characters."""
    return first17 + check_character(first17)


# -- this year's -----------------------------------------------------------------------------

ORGANISATIONS = [
    {
        "admin": DEMO_APPLICANT, "members": [], "decision": "verify",
        "fields": {
            "name_zh": "重庆市南岸区南坪街道阳光社工服务中心",
            "name_en": "Nanping Sunshine Social Work Service Centre, Nan'an, Chongqing",
            "kind": Organisation.Kind.SOCIAL_SERVICE, "uscc": uscc("52500108MJP581736"),
            "registration_authority": "重庆市南岸区民政局", "founded_on": "2016-05-18",
            "address": "重庆市南岸区南坪街道阳光社区南城大道 199 号（演示地址）",
            "street": "500108003", "community": "500108003002",
            "contact_name": "张晓", "contact_phone": "023-6280 1101", "contact_email": "sunshine@seedbed.test",
            "introduction": "扎根南坪街道的专业社工机构，现有持证社工 14 人，长期承接社区为老服务、困境儿童关爱和社区议事协商项目。",
        },
    },
    {
        "admin": "linli@seedbed.test", "members": [DEMO_APPLICANT], "decision": "verify",
        "fields": {
            "name_zh": "重庆市南岸区邻里守望志愿服务协会",
            "name_en": "Nan'an Neighbourhood Watch Volunteer Association",
            "kind": Organisation.Kind.SOCIAL_GROUP, "uscc": uscc("51500108MJP326410"),
            "registration_authority": "重庆市南岸区民政局", "founded_on": "2018-03-05",
            "address": "重庆市南岸区花园路街道南湖社区南湖路 36 号（演示地址）",
            "street": "500108002", "community": "500108002001",
            "contact_name": "黄秀英", "contact_phone": "023-6296 3302", "contact_email": "linli@seedbed.test",
            "introduction": "由花园路街道退休党员和居民骨干发起，登记志愿者 600 余人，开展独居老人探访、楼栋互助和小区停车、环境等议事协商。",
        },
    },
    {
        "admin": "yinfa@seedbed.test", "members": [], "decision": "verify",
        "fields": {
            "name_zh": "南坪镇白鹤苑社区“银发伙伴”志愿服务队",
            "name_en": "Baiheyuan Community “Silver Partners” Volunteer Team",
            "kind": Organisation.Kind.COMMUNITY_GROUP, "uscc": None,
            "filing_number": "南岸南坪镇社备〔2023〕第017号",
            "registration_authority": "南岸区南坪镇人民政府", "founded_on": "2023-04-12",
            "address": "重庆市南岸区南坪镇白鹤苑社区服务中心二楼（演示地址）",
            "street": "500108101", "community": "500108101002",
            "contact_name": "周桂兰", "contact_phone": "138 8312 0417", "contact_email": "yinfa@seedbed.test",
            "introduction": "社区低龄老人组成的互助队伍，队员 45 人，“以老助老”开展楼道清洁、代购代办和节日慰问。",
        },
    },
    {
        "admin": "lehe@seedbed.test", "members": [], "decision": "verify",
        "fields": {
            "name_zh": "重庆市南岸区乐和公益基金会",
            "name_en": "Nan'an Lehe Charitable Foundation",
            "kind": Organisation.Kind.FOUNDATION, "uscc": uscc("53500108MJP709251"),
            "registration_authority": "重庆市南岸区民政局", "founded_on": "2019-09-09",
            "address": "重庆市南岸区弹子石街道腾龙大道 56 号（演示地址）",
            "street": "500108006", "community": "500108006002",
            "contact_name": "吴磊", "contact_phone": "023-6238 5005", "contact_email": "lehe@seedbed.test",
            "introduction": "区内企业家发起的非公募基金会，运营社区基金，资助和陪伴社区社会组织成长。",
        },
    },
    {
        "admin": "beidou@seedbed.test", "members": [], "decision": "verify",
        "fields": {
            # Registered by the agriculture department: letters among the first eight characters.
            "name_zh": "重庆市南岸区迎龙镇北斗村股份经济合作联合社",
            "name_en": "Beidou Village Joint Economic Cooperative, Yinglong Town",
            "kind": Organisation.Kind.OTHER, "uscc": uscc("N2500108MF4Y7K2L8"),
            "registration_authority": "重庆市南岸区农业农村委员会", "founded_on": "2020-11-20",
            "address": "重庆市南岸区迎龙镇北斗村村委会（演示地址）",
            "street": "500108107", "community": "500108107201",
            "contact_name": "蹇志强", "contact_phone": "023-6246 7120", "contact_email": "beidou@seedbed.test",
            "introduction": "北斗村集体经济组织，联合村民开展人居环境整治和乡村文化活动。",
        },
    },
    {
        "admin": "qingmiao@seedbed.test", "members": [], "decision": None,  # awaits verification
        "fields": {
            "name_zh": "重庆市南岸区弹子石街道青苗儿童成长服务中心",
            "name_en": "Danzishi Young Sprouts Children's Development Centre",
            "kind": Organisation.Kind.SOCIAL_SERVICE, "uscc": uscc("52500108MJP940287"),
            "registration_authority": "重庆市南岸区民政局", "founded_on": "2025-07-01",
            "address": "重庆市南岸区弹子石街道王家沱社区（演示地址）",
            "street": "500108006", "community": "500108006004",
            "contact_name": "邓佳", "contact_phone": "023-6231 8808", "contact_email": "qingmiao@seedbed.test",
            "introduction": "为双职工家庭和困境儿童提供课后陪伴、阅读和心理支持服务。",
        },
    },
    {
        "admin": "leling@seedbed.test", "members": [], "decision": "reject",
        "reason": "上传的登记证书照片不清晰，且填写的统一社会信用代码与证书上的不一致。请核对代码并重新上传清晰的登记证书后再提交认证。",
        "fields": {
            "name_zh": "重庆市南岸区海棠溪街道乐龄文体协会",
            "name_en": "Haitangxi Active Ageing Culture and Sports Association",
            "kind": Organisation.Kind.SOCIAL_GROUP, "uscc": uscc("51500108MJP153638"),
            "registration_authority": "重庆市南岸区民政局", "founded_on": "2021-10-15",
            "address": "重庆市南岸区海棠溪街道敦厚街社区（演示地址）",
            "street": "500108004", "community": "500108004002",
            "contact_name": "彭建华", "contact_phone": "139 0836 2251", "contact_email": "leling@seedbed.test",
            "introduction": "组织社区老年人开展合唱、太极、广场舞和棋类活动。",
        },
    },
]



# -- the twenty more of last year's call -----------------------------------------------------

# key: spec, as for this year's, with the administrator's name and role. Codes: 51… social
# groups, 52… social service organisations (registered by the district's civil-affairs bureau);
# the check character is computed by `uscc`.

def _org(email, person, role, name_zh, name_en, kind, code, street, community, founded, phone, introduction,
         authority="重庆市南岸区民政局", address=""):
    filed = kind == Organisation.Kind.COMMUNITY_GROUP
    return {
        "admin": email, "admin_name": f"{person}（{name_zh.replace('重庆市南岸区', '')}）", "role": role,
        "decision": "verify",
        "fields": {
            "name_zh": name_zh, "name_en": name_en, "kind": kind,
            "uscc": None if filed else uscc(code), "filing_number": code if filed else None,
            "registration_authority": authority, "founded_on": founded,
            "address": f"{address}（演示地址）", "street": street, "community": community,
            "contact_name": person, "contact_phone": phone, "contact_email": email,
            "introduction": introduction,
        },
    }


SG, SS, CG = Organisation.Kind.SOCIAL_GROUP, Organisation.Kind.SOCIAL_SERVICE, Organisation.Kind.COMMUNITY_GROUP

MORE_ORGANISATIONS = {
    "tongxin": _org(
        "tongxin@seedbed.test", "刘芳", "中心主任", "重庆市南岸区铜元局街道同心社会工作服务中心",
        "Tongyuanju Tongxin Social Work Service Centre", SS, "52500108MJA612837", "500108001", "500108001005",
        "2017-08-21", "023-6280 2316",
        "铜元局街道首家专业社工机构，持证社工 11 人，承接老旧小区治理、困境家庭帮扶和社区矫正等项目。",
        address="重庆市南岸区铜元局街道长江新村社区长江路 86 号"),
    "xiyang": _org(
        "xiyang@seedbed.test", "孔令芬", "会长", "重庆市南岸区铜元局街道夕阳红文体协会",
        "Tongyuanju Sunset Glow Culture and Sports Association", SG, "51500108MJX405172", "500108001",
        "500108001002", "2016-10-01", "023-6280 4430",
        "退休居民组成的文体协会，下设合唱、太极、川剧票友等 9 支队伍，会员 420 人。",
        address="重庆市南岸区铜元局街道桐梓坪社区文化活动中心"),
    "xinyue": _org(
        "xinyue@seedbed.test", "陈红梅", "中心主任", "重庆市南岸区花园路街道馨悦居家养老服务中心",
        "Huayuanlu Xinyue Home Care Centre for the Elderly", SS, "52500108MJC380514", "500108002", "500108002004",
        "2019-04-02", "023-6296 7718",
        "运营花园路街道两个社区养老服务站，提供助餐、助浴、日间照料和居家上门服务。",
        address="重庆市南岸区花园路街道大石社区养老服务站"),
    "mulin": _org(
        "mulin@seedbed.test", "唐颖", "中心主任", "重庆市南岸区花园路街道睦邻社区营造中心",
        "Huayuanlu Good Neighbours Community Building Centre", SS, "52500108MJY198630", "500108002", "500108002009",
        "2022-03-18", "023-6296 1024",
        "以参与式方法陪伴老旧小区居民成立自管小组，开展楼栋议事、社区花园和公共空间微改造。",
        address="重庆市南岸区花园路街道明佳园社区党群服务中心三楼"),
    "qihang": _org(
        "qihang@seedbed.test", "杨帆", "中心主任", "重庆市南岸区南坪街道启航青少年服务中心",
        "Nanping Qihang Youth Service Centre", SS, "52500108MJD705261", "500108003", "500108003004",
        "2020-06-18", "023-6289 5520",
        "关注青少年成长，开展课后托管、生涯教育和亲子沟通服务，与辖区 6 所中小学建立合作。",
        address="重庆市南岸区南坪街道响水路社区响水路 12 号"),
    "xinqiao": _org(
        "xinqiao@seedbed.test", "郑敏", "中心主任", "重庆市南岸区心之桥心理咨询服务中心",
        "Nan'an Bridge of Hearts Counselling Centre", SS, "52500108MJU071389", "500108003", "500108003010",
        "2015-12-03", "023-6280 6631",
        "国家二级心理咨询师领衔，提供社区心理健康讲座、青少年心理辅导和家庭关系调适服务。",
        address="重庆市南岸区南坪街道南城社区南城大道 58 号"),
    "lequn": _org(
        "lequn@seedbed.test", "罗静", "中心主任", "重庆市南岸区海棠溪街道乐群社会工作服务中心",
        "Haitangxi Lequn Social Work Service Centre", SS, "52500108MJE294718", "500108004", "500108004006",
        "2018-11-09", "023-6255 3107",
        "扎根海棠溪街道的社工机构，擅长社区营造、居民议事协商和困境儿童帮扶。",
        address="重庆市南岸区海棠溪街道四公里社区四公里支路 3 号"),
    "yigong": _org(
        "yigong@seedbed.test", "秦建平", "会长", "重庆市南岸区慈善义工联合会",
        "Nan'an Charity Volunteers Federation", SG, "51500108MJW736804", "500108004", "500108004001",
        "2014-09-19", "023-6255 7788",
        "全区性义工组织，注册义工 2,600 余人，开展助老助残、应急救援和公益集市活动。",
        address="重庆市南岸区海棠溪街道海新街社区海棠溪正街 21 号"),
    "laojie": _org(
        "laojie@seedbed.test", "谭志明", "会长", "重庆市南岸区龙门浩老街文化促进会",
        "Longmenhao Old Street Culture Society", SG, "51500108MJF817402", "500108005", "500108005002",
        "2019-10-12", "023-6253 0915",
        "由老街居民、文史爱好者和商户发起，挖掘开埠文化，组织老街导览、口述史采集和社区文化节。",
        address="重庆市南岸区龙门浩街道下新街社区下浩正街 9 号"),
    "jinguo": _org(
        "jinguo@seedbed.test", "李秀华", "会长", "重庆市南岸区弹子石街道巾帼志愿服务协会",
        "Danzishi Women Volunteers Association", SG, "51500108MJG452196", "500108006", "500108006003",
        "2017-03-08", "023-6231 4406",
        "妇女骨干组成的志愿服务组织，会员 380 人，开展家庭教育、邻里调解和关爱困境妇女儿童服务。",
        address="重庆市南岸区弹子石街道弹新街社区弹子石正街 45 号"),
    "lvye": _org(
        "lvye@seedbed.test", "王林", "会长", "重庆市南岸区南山街道绿野生态环保志愿者协会",
        "Nanshan Green Fields Environmental Volunteers", SG, "51500108MJH139685", "500108007", "500108007007",
        "2016-06-05", "023-6246 1123",
        "组织志愿者开展南山生态保护、垃圾分类宣传和自然教育活动，注册志愿者 900 余人。",
        address="重庆市南岸区南山街道黄桷垭社区黄桷垭正街 102 号"),
    "hemei": _org(
        "hemei@seedbed.test", "周雪", "中心主任", "重庆市南岸区天文街道和美社区服务中心",
        "Tianwen Hemei Community Service Centre", SS, "52500108MJK560329", "500108008", "500108008003",
        "2021-02-26", "023-6252 8830",
        "服务天文街道新建小区居民，开展邻里节、议事协商和新市民融入服务。",
        address="重庆市南岸区天文街道玉马路社区邻里中心二楼"),
    "kangle": _org(
        "kangle@seedbed.test", "黄伟", "中心主任", "重庆市南岸区南坪镇康乐助残服务中心",
        "Nanping Town Kangle Disability Service Centre", SS, "52500108MJL978143", "500108101", "500108101006",
        "2018-05-20", "023-6293 6612",
        "运营南坪镇残疾人之家，为残疾人提供康复训练、辅助性就业和家庭支持服务。",
        address="重庆市南岸区南坪镇金阳社区残疾人之家"),
    "yikang": _org(
        "yikang@seedbed.test", "邓丽", "中心主任", "重庆市南岸区涂山镇颐康居家养老服务中心",
        "Tushan Yikang Home Care Centre", SS, "52500108MJM247596", "500108102", "500108102003",
        "2019-09-16", "023-6284 9023",
        "涂山镇社区养老服务站运营方，提供助餐、康复理疗和失能老人家庭照护培训。",
        address="重庆市南岸区涂山镇仁济路社区养老服务站"),
    "qiaoshou": _org(
        "qiaoshou@seedbed.test", "冉小琴", "队长", "鸡冠石镇石门社区“巧手妈妈”互助队",
        "Shimen Community “Clever Hands Mums” Mutual-Aid Team", CG, "南岸鸡冠石镇社备〔2022〕第009号",
        "500108103", "500108103006", "2022-05-10", "136 5230 8841",
        "社区全职妈妈和留守妇女组成的互助队，队员 36 人，开展手工编织、儿童看护互助和邻里帮扶。",
        authority="南岸区鸡冠石镇人民政府", address="重庆市南岸区鸡冠石镇石门社区服务中心"),
    "xiakou": _org(
        "xiakou@seedbed.test", "张国强", "会长", "重庆市南岸区峡口镇乡村振兴志愿服务协会",
        "Xiakou Rural Revitalisation Volunteers Association", SG, "51500108MJN683017", "500108105", "500108105201",
        "2020-09-28", "023-6245 2206",
        "联合返乡青年、乡贤和村民志愿者，开展农技帮扶、留守老人关爱和乡村文化活动。",
        address="重庆市南岸区峡口镇大石村村民委员会旁"),
    "ertong": _org(
        "ertong@seedbed.test", "吴婷", "中心主任", "重庆市南岸区长生桥镇童心儿童服务中心",
        "Changshengqiao Childlike Heart Children's Centre", SS, "52500108MJQ316758", "500108106", "500108106002",
        "2021-07-01", "023-6247 3319",
        "为长生桥镇流动儿童和留守儿童提供四点半课堂、阅读推广和安全教育。",
        address="重庆市南岸区长生桥镇桃花桥社区桃花路 18 号"),
    "longding": _org(
        "longding@seedbed.test", "蒋德明", "召集人", "迎龙镇龙顶村院坝议事会",
        "Longding Village Courtyard Council, Yinglong Town", CG, "南岸迎龙镇社备〔2021〕第004号",
        "500108107", "500108107206", "2021-03-15", "139 8325 6170",
        "村民推选的议事骨干组成，每月召开院坝会，协商村内道路、用水和人居环境等事项。",
        authority="南岸区迎龙镇人民政府", address="重庆市南岸区迎龙镇龙顶村便民服务中心"),
    "changzhe": _org(
        "changzhe@seedbed.test", "何永红", "中心主任", "重庆市南岸区迎龙镇长者之家养老服务中心",
        "Yinglong Elders' Home Care Centre", SS, "52500108MJR859240", "500108107", "500108107001",
        "2020-12-08", "023-6246 9902",
        "运营迎龙镇农村互助养老点，为农村高龄、空巢老人提供助餐、探访和健康管理。",
        address="重庆市南岸区迎龙镇倒座庙社区迎龙大道 7 号"),
    "mingyue": _org(
        "mingyue@seedbed.test", "付春燕", "会长", "重庆市南岸区广阳镇明月农耕文化协会",
        "Guangyang Mingyue Farming Culture Association", SG, "51500108MJT524961", "500108108", "500108108200",
        "2020-04-22", "023-6249 5581",
        "传承广阳岛周边农耕文化，组织农事体验、乡村研学和村民文艺队。",
        address="重庆市南岸区广阳镇明月村村民委员会"),
}
# This year's verified organisations that applied to last year's call too (key: name), and
# their administrators' roles.
EXISTING = {"sunshine": SUNSHINE, "neighbours": NEIGHBOURS, "silver": SILVER, "lehe": LEHE}
ROLES = {"sunshine": "中心主任", "neighbours": "会长", "silver": "队长", "lehe": "秘书长"}


# -- registering them ------------------------------------------------------------------------

def administrator(organisation):
    """The organisation's first administrator: who registered it."""
    return organisation.memberships.filter(role=Membership.Role.ADMIN).order_by("pk").first().user


def _find_organisation(fields):
    if fields.get("uscc"):
        return Organisation.objects.filter(uscc=fields["uscc"]).first()
    return Organisation.objects.filter(filing_number=fields["filing_number"]).first()


def _ensure_organisation(spec, staff):
    """The organisation of `spec`, unless it exists: registered by its administrator and then
    verified or rejected by staff as the spec says. Returns (organisation, whether made now)."""
    organisation = _find_organisation(spec["fields"])
    if organisation is not None:
        return organisation, False
    fields = dict(spec["fields"])
    fields["street"] = Street.objects.get(code=fields["street"])
    fields["community"] = Community.objects.get(code=fields["community"])
    fields["founded_on"] = datetime.strptime(fields["founded_on"], "%Y-%m-%d").date()
    organisation = register_organisation(Organisation(**fields), User.objects.get(email=spec["admin"]))
    if spec["decision"] == "verify":
        organisation = verify_organisation(organisation, staff)
    elif spec["decision"] == "reject":
        organisation = reject_organisation(organisation, staff, spec["reason"])
    return organisation, True


@transaction.atomic
def ensure_organisations(staff):
    """This year's organisations and their members; returns ({Chinese name: organisation},
    number registered)."""
    organisations, created = {}, 0
    for spec in ORGANISATIONS:
        organisation, made = _ensure_organisation(spec, staff)
        created += made
        for email in spec["members"]:
            user = User.objects.get(email=email)
            if not organisation.memberships.filter(user=user).exists():
                token = invitation_token(organisation, email, administrator(organisation))
                accept_invitation(token, user)
        organisations[organisation.name_zh] = organisation
    return organisations, created


@transaction.atomic
def ensure_more_organisations(staff, call):
    """The twenty more, and this year's that applied to last year's `call` too; returns ({key:
    organisation}, number registered). Registration is dated before the call opened."""
    organisations, created = {}, 0
    for key, spec in MORE_ORGANISATIONS.items():
        organisations[key], made = _ensure_organisation(spec, staff)
        created += made
    for key, name in EXISTING.items():
        organisations[key] = Organisation.objects.get(name_zh=name)
    for number, organisation in enumerate(organisations.values()):
        _backdate_registration(organisation, call.opens_at - timedelta(days=160 + (number * 53) % 420, hours=number))
    return organisations, created


def _backdate_registration(organisation, registered):
    """The organisations applied to last year's call, so they were registered before it."""
    if organisation.created_at <= registered + timedelta(days=30):
        return
    verified = registered + timedelta(days=3, hours=2)
    Organisation.objects.filter(pk=organisation.pk).update(created_at=registered, verified_at=verified)
    entries = ModelLogEntry.objects.for_instance(organisation)
    entries.filter(action="seedbed.organisation.registered").update(timestamp=registered)
    entries.filter(action="seedbed.organisation.verified").update(timestamp=verified)
    admins = User.objects.filter(memberships__organisation=organisation, memberships__role=Membership.Role.ADMIN,
                                 date_joined__gt=registered)
    admins.update(date_joined=registered - timedelta(hours=1))
