"""A service's refusal, shown on the form that asked for it."""


def add_service_error(form, error):
    """Each message of a ValidationError beside the field it names (or above the form when
    it names no field of this form), so the page can be shown again with what was typed."""

    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def refusal_items(error):
    """(field or None, [messages]) of a service's ValidationError, whatever its shape."""

    if hasattr(error, "error_dict"):
        return error.message_dict.items()
    return [(None, error.messages)]
