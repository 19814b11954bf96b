"""Wagtail's migrations name the default moderation workflow and its task after the
"Moderators" group ("Moderators approval"), which Seedbed removes; staff read those names in
the admin's page actions ("提交给Moderators approval"). They are data, not translatable text,
so they are renamed once, in the language staff work in."""

from django.db import migrations

OLD, NEW = "Moderators approval", "内容审核"


def rename(apps, schema_editor):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=OLD).update(name=NEW)
    apps.get_model("wagtailcore", "Task").objects.filter(name=OLD).update(name=NEW)


def restore(apps, schema_editor):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=NEW).update(name=OLD)
    apps.get_model("wagtailcore", "Task").objects.filter(name=NEW).update(name=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(rename, restore)]
