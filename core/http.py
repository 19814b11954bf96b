"""Reading requests safely."""



def posted_id(request, name):
    """A posted object id, or None for anything that is not one (never a 500)."""

    value = request.POST.get(name, "")
    return int(value) if value.isdigit() else None
