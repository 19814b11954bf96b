"""The places of Nan'an district, added after each `migrate` when missing (staff edits survive)."""

import json
from pathlib import Path

from django.db import transaction

from incubator.places.models import Community, District, Street

PLACES_FILE = Path(__file__).parent / "data" / "nanan_places.json"



@transaction.atomic
def ensure_places(path=PLACES_FILE):
    """Load Nan'an's streets and communities, once; later edits belong to staff."""

    if District.objects.exists():
        return 0
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    district = District.objects.create(**data["district"])
    count = 0
    for item in data["streets"]:
        communities = item.pop("communities")
        street = Street.objects.create(district=district, **item)
        Community.objects.bulk_create(Community(street=street, **c) for c in communities)
        count += 1 + len(communities)
    return count
