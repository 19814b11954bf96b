"""Audit codes: each app registers its own (in its wagtail_hooks.py), and every label reads
in Chinese in the admin's history."""

import re

from django.utils import translation
from wagtail.log_actions import registry

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def seedbed_codes():
    return [code for code, _label in registry.get_choices() if code.startswith("seedbed.")]


def test_every_seedbed_code_is_registered_once_with_a_chinese_label():
    codes = seedbed_codes()
    assert len(codes) == len(set(codes))
    with translation.override("zh-hans"):
        untranslated = [code for code in codes if not CHINESE.search(str(registry.get_action_label(code)))]
    assert not untranslated


def test_each_domain_registers_its_codes():
    codes = set(seedbed_codes())
    for code in ("seedbed.proposal.saved", "seedbed.proposal.review_submitted", "seedbed.matching.confirmed",
                 "seedbed.fund.paid", "seedbed.award.tranche_paid", "seedbed.award.variation_approved",
                 "seedbed.award.report_approved", "seedbed.award.report_evidence_added", "seedbed.donation.paid",
                 "seedbed.donation.refund_requested", "seedbed.organisation.edited"):
        assert code in codes
