"""Uploading an ICB's specialists."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from specialists.models import Specialist

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]


@pytest.fixture
def coordinator(client, world):
    client.force_login(world["coordinator_a"])
    return client


def test_uploading_specialists_adds_them_to_the_icb(coordinator, world):
    content = (
        "full_name,discipline,employer,icb_ods_code,email,base_postcode,programme_year,capacity_days,active\r\n"
        "Sam Speech,Speech and language therapy,NHS Trust,,sam@nhs.example.org,LS2 9JT,2026-27,20,yes\r\n"
    )
    upload = SimpleUploadedFile("specialists.csv", content.encode())

    coordinator.post(reverse("specialists:upload", args=[world.icb_a.ods_code]), {"file": upload})

    sam = Specialist.objects.get(email="sam@nhs.example.org")
    assert sam.icb == world.icb_a and sam.capacities.get().days == 20
