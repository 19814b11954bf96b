"""The reviewer's side: dashboard, conflict declaration, scoring, blind reading.
(Being written — see the issue on review and determination.)"""

urlpatterns = []
