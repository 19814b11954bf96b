"""The POST bodies the proposal editor sends, for tests that edit proposals."""


def editor_data(proposal, action="save", **overrides):
    """The POST body the proposal editor sends for the proposal as stored, with overrides
    (keys as the form names them: "p-title", "budget-0-item", "q-q_<id>" …)."""
    data = {"version": str(proposal.version), "action": action}
    details = {
        "title": proposal.title, "summary": proposal.summary, "street": proposal.street_id or "",
        "starts_on": proposal.starts_on or "", "ends_on": proposal.ends_on or "",
        "requested_amount": proposal.requested_amount if proposal.requested_amount is not None else "",
        "cofunding_amount": proposal.cofunding_amount,
    }
    data.update({f"p-{name}": value for name, value in details.items()})
    data["p-themes"] = [theme.pk for theme in proposal.themes.all()]
    data["p-communities"] = [community.pk for community in proposal.communities.all()]
    for prefix, rows, fields in (
        ("budget", proposal.budget_lines.all(), ["category", "item", "quantity", "unit", "unit_price"]),
        ("indicators", proposal.indicators.all(), ["kind", "name", "unit", "target"]),
    ):
        rows = list(rows)
        data.update({f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(len(rows)),
                     f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
        for number, row in enumerate(rows):
            data[f"{prefix}-{number}-id"] = row.pk
            data[f"{prefix}-{number}-proposal"] = proposal.pk
            for field in fields:
                value = getattr(row, field)
                data[f"{prefix}-{number}-{field}"] = "" if value is None else value
    for block in proposal.call.questions:
        if block.block_type != "file" and block.id in proposal.answers:
            data[f"q-q_{block.id}"] = proposal.answers[block.id]
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def add_rows(data, prefix, rows):
    """Append new (unsaved) rows to a formset in `data`."""
    start = int(data[f"{prefix}-TOTAL_FORMS"])
    for offset, row in enumerate(rows):
        for field, value in row.items():
            data[f"{prefix}-{start + offset}-{field}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(start + len(rows))
    return data
