from django.core import mail as outbox

from core import mail

CONTEXT = {"organisation": {"name": "阳光社工服务中心"}, "url": "/organisations/1/"}


def send():
    mail.send("organisation_verified", "someone@example.com", CONTEXT, "zh-hans")


def test_a_notification_leaves_when_the_transaction_commits(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send()
    assert len(callbacks) == 1
    assert [message.to for message in outbox.outbox] == [["someone@example.com"]]
    assert "阳光社工服务中心" in outbox.outbox[0].subject


def test_quiet_drops_the_message_without_queuing_it(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, mail.quiet():
        send()
    assert callbacks == [] and outbox.outbox == []


def test_quiet_ends_with_its_block(db, django_capture_on_commit_callbacks):
    with mail.quiet():
        pass
    with django_capture_on_commit_callbacks(execute=True):
        send()
    assert len(outbox.outbox) == 1
