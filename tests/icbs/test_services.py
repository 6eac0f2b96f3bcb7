import pytest
from django.core.management import call_command

from icbs.models import ICB, LocalAuthority, Region

pytestmark = pytest.mark.django_db

REGION_SIZES = {
    "Midlands": 11,
    "South West": 7,
    "East of England": 6,
    "South East": 6,
    "London": 5,
    "North East and Yorkshire": 4,
    "North West": 3,
}


def test_loads_the_42_real_icbs_in_7_regions():
    call_command("load_reference_data", stdout=None)

    assert ICB.objects.count() == 42
    assert {region.name: region.icbs.count() for region in Region.objects.all()} == REGION_SIZES
    west_yorkshire = ICB.objects.get(ods_code="QWO")
    assert west_yorkshire.name == "NHS West Yorkshire Integrated Care Board"
    assert west_yorkshire.ons_code == "E54000054"
    assert west_yorkshire.region.name == "North East and Yorkshire"
    assert west_yorkshire.short_name == "West Yorkshire"
    assert west_yorkshire.is_current()


def test_loads_the_153_local_authorities_with_their_icbs():
    call_command("load_reference_data", stdout=None)

    assert LocalAuthority.objects.count() == 153
    assert LocalAuthority.objects.filter(icb__isnull=False).count() == 143
    assert LocalAuthority.objects.get(dfe_code="382").icb.ods_code == "QWO"  # Kirklees
    surrey = LocalAuthority.objects.get(dfe_code="936")
    assert surrey.icb is None
    assert "QXU" in surrey.note and "QNQ" in surrey.note


def test_loading_again_changes_nothing(capsys):
    call_command("load_reference_data")
    before = list(ICB.objects.values().order_by("pk")), list(LocalAuthority.objects.values().order_by("pk"))

    call_command("load_reference_data")

    assert "0 created, 0 updated, 42 unchanged" in capsys.readouterr().out
    after = list(ICB.objects.values().order_by("pk")), list(LocalAuthority.objects.values().order_by("pk"))
    assert after == before


def test_loading_again_restores_an_edited_name():
    call_command("load_reference_data", stdout=None)
    ICB.objects.filter(ods_code="QWO").update(name="Mistyped")

    call_command("load_reference_data", stdout=None)

    assert ICB.objects.get(ods_code="QWO").name == "NHS West Yorkshire Integrated Care Board"
