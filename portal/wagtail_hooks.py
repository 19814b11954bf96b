"""The Wagtail admin's home page shows staff the same work queue as their dashboard."""

from wagtail import hooks
from wagtail.admin.ui.components import Component

from grants.proposals import permissions as proposals_permissions
from portal.work_queue import staff_queue


class WorkQueuePanel(Component):
    name = "work_queue"
    template_name = "portal/dashboard/admin_work_queue.html"
    order = 50  # first: before Wagtail's own panels

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["work_queue"] = staff_queue()
        return context


@hooks.register("construct_homepage_panels")
def add_work_queue(request, panels):
    if proposals_permissions.can_decide(request.user):
        panels.insert(0, WorkQueuePanel())
