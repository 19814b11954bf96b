"""What every installation needs in the grants app: the decision message templates, added
after each `migrate` when missing (staff then edit them; reloading never overwrites)."""

from grants.review.models import DeterminationTemplate

Outcome = DeterminationTemplate.Outcome

TEMPLATES = {
    Outcome.APPROVED: (
        "申报项目已获批准：{reference}",
        "您好！{organisation}申报的“{title}”（编号 {reference}）已通过评审，获准立项。中心工作人员将与您联系，商定资助协议和拨款安排。",
        "Your proposal {reference} is approved",
        "Good news: “{title}” ({reference}) from {organisation} has been approved for funding. Staff will contact you about the funding agreement and payments.",
    ),
    Outcome.REJECTED: (
        "申报项目评审结果：{reference}",
        "您好！感谢{organisation}申报“{title}”（编号 {reference}）。经评审，该项目本次未获资助。欢迎参考评审意见，继续申报今后的项目。",
        "Decision on your proposal {reference}",
        "Thank you for submitting “{title}” ({reference}) from {organisation}. After review it has not been funded this time. The reviewers' shared feedback may help your next application.",
    ),
    Outcome.WAITLISTED: (
        "申报项目列入候补：{reference}",
        "您好！{organisation}申报的“{title}”（编号 {reference}）已列入候补名单。如有资金空余，我们将优先资助并通知您。",
        "Your proposal {reference} is on the waiting list",
        "“{title}” ({reference}) from {organisation} is on the waiting list. If money becomes available it will be funded first, and we will tell you.",
    ),
    Outcome.MORE_INFO: (
        "请补充申报材料：{reference}",
        "您好！“{title}”（编号 {reference}）需要补充以下信息。请登录社创苗圃修改申报书后重新提交：",
        "More information needed for {reference}",
        "Staff need more information about “{title}” ({reference}). Please sign in to Seedbed, update the proposal and submit it again:",
    ),
    Outcome.SCREENED_OUT: (
        "申报项目形式审查结果：{reference}",
        "您好！“{title}”（编号 {reference}）未通过形式审查，原因如下：",
        "Screening result for {reference}",
        "“{title}” ({reference}) did not pass screening, for this reason:",
    ),
}


def ensure_determination_templates():
    for outcome, (subject_zh, body_zh, subject_en, body_en) in TEMPLATES.items():
        DeterminationTemplate.objects.get_or_create(outcome=outcome, defaults={
            "subject_zh": subject_zh, "body_zh": body_zh, "subject_en": subject_en, "body_en": body_en})
