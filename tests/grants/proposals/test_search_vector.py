"""On PostgreSQL the search vector is stored (migration 0002's trigger) and follows search_text
whichever way it is written, and the staff list's search reads the stored vector instead of
computing one per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.search import document, search
from grants.proposals.models import Proposal
from tests.factories import make_call, make_proposal

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite searches search_text with LIKE"),
]


def found(text):
    return set(search(Proposal.objects.all(), text).values_list("pk", flat=True))


def stored(proposal):
    return Proposal.objects.values_list("search_vector", flat=True).get(pk=proposal.pk)


def test_every_way_of_writing_search_text_updates_the_vector(call, organisation, applicant):
    created = make_proposal(call, organisation, applicant, complete=False)
    created.search_text = document("小区停车")
    created.save()
    assert found("停车") == {created.pk}

    bulk = Proposal.objects.bulk_create([Proposal(call=call, organisation=organisation,
                                                  search_text=document("老年人关爱"))])[0]
    assert found("关爱") == {bulk.pk}

    Proposal.objects.filter(pk=created.pk).update(search_text=document("青少年托管"))
    assert found("停车") == set()
    assert found("托管") == {created.pk}

    bulk.search_text = document("垃圾分类")
    Proposal.objects.bulk_update([bulk], ["search_text"])
    assert found("关爱") == set()
    assert found("分类") == {bulk.pk}


def test_a_save_writing_back_an_old_vector_keeps_the_vector_of_the_text(call, organisation, applicant):
    proposal = make_proposal(call, organisation, applicant, complete=False)
    Proposal.objects.filter(pk=proposal.pk).update(search_text=document("停车"))
    proposal.search_vector = None  # what this instance read before the update
    proposal.save(update_fields=["search_vector"])
    assert "'停车'" in stored(proposal)


def test_the_staff_search_reads_the_stored_vector(client, staff, call, organisation, applicant):
    make_proposal(call, organisation, applicant, complete=False)
    client.force_login(staff)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/zh-hans/staff/proposals/?q=停车").status_code == 200
    searching = [query["sql"] for query in queries if "@@" in query["sql"]]
    assert len(searching) == 2  # the count and the page
    assert not any("to_tsvector" in sql for sql in searching)
