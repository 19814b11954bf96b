"""The staff workbench: the filtered, searchable list of proposals and its exports.
(Being written — see the issue on review and determination.)"""

urlpatterns = []
