"""Staff's snippet edits (themes, funds, navigation…) may change what the public pages show."""

from wagtail import hooks

from core.public_cache import bump


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def public_pages_changed(request, instance):
    bump()


@hooks.register("after_delete_snippet")
def public_pages_lost(request, instances):
    bump()
