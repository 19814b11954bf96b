from incubator.places.models import Community, District, Street
from incubator.places.reference import ensure_places


def test_nanan_reference_data_is_loaded_by_migrate(db):
    district = District.objects.get()
    assert district.name_zh == "南岸区"
    streets = set(Street.objects.values_list("name_zh", flat=True))
    assert {"南坪街道", "弹子石街道", "铜元局街道", "广阳镇", "迎龙镇"} <= streets
    assert Street.objects.filter(kind=Street.Kind.TOWN).count() >= 5
    assert Community.objects.filter(street__name_zh="南坪街道").count() >= 4
    assert Community.objects.count() > 100


def test_places_show_in_the_readers_language(db):
    from django.utils import translation

    street = Street.objects.get(name_zh="海棠溪街道")
    with translation.override("en"):
        assert str(street) == "Haitangxi Subdistrict"
    with translation.override("zh-hans"):
        assert str(street) == "海棠溪街道"


def test_loading_again_keeps_staff_edits(db):
    street = Street.objects.get(name_zh="南山街道")
    street.name_en = "Nanshan Street"
    street.save()
    ensure_places()
    assert Street.objects.get(pk=street.pk).name_en == "Nanshan Street"
    assert Street.objects.filter(name_zh="南山街道").count() == 1


def test_staff_edit_places_in_the_admin(client, staff):
    client.force_login(staff)
    street = Street.objects.get(name_zh="南山街道")
    url = f"/admin/snippets/places/street/edit/{street.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "code": street.code, "name_zh": "南山街道", "name_en": "Nanshan Sub-district",
        "district": street.district_id, "kind": "street",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    street.refresh_from_db()
    assert street.name_en == "Nanshan Sub-district"


def test_reviewers_cannot_edit_places(client, reviewer):
    client.force_login(reviewer)
    street = Street.objects.first()
    response = client.get(f"/admin/snippets/places/street/edit/{street.pk}/")
    assert response.status_code == 403
