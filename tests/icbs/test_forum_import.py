import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from icbs.forum_import import forums_import
from icbs.models import ParentCarerForum
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def authorities(db):
    icb = factories.ICBFactory()
    return [factories.LocalAuthorityFactory(icb=icb), factories.LocalAuthorityFactory(icb=icb)]


def _csv(*rows: str) -> bytes:
    return ("name,local_authority_codes,email,phone\n" + "\n".join(rows) + "\n").encode()


def test_forums_are_created_then_updated_by_name(authorities):
    one, two = authorities
    data = _csv(f"Alpha Parent Carer Forum,{one.dfe_code};{two.dfe_code},hello@alpha.example.org,0113 496 0000")

    report = forums_import(data=data)
    assert (report.ok, report.created) == (True, 1)
    forum = ParentCarerForum.objects.get()
    assert set(forum.local_authorities.all()) == {one, two}

    report = forums_import(data=_csv(f"alpha parent carer forum,{one.dfe_code},new@alpha.example.org,"))
    assert (report.updated, report.created) == (1, 0)
    forum.refresh_from_db()
    assert (forum.email, list(forum.local_authorities.all())) == ("new@alpha.example.org", [one])
    assert forums_import(data=_csv(f"Alpha Parent Carer Forum,{one.dfe_code},new@alpha.example.org,")).unchanged == 1


def test_every_bad_row_is_reported_and_nothing_is_saved(authorities):
    one, _ = authorities
    data = _csv(
        f"Good Forum,{one.dfe_code},,",
        ",101,,",
        "Unknown Forum,999 998,,",
        f"Bad Contact Forum,{one.dfe_code},not-an-address,call us",
        f"Good Forum,{one.dfe_code},,",
    )

    report = forums_import(data=data)

    assert [str(error) for error in report.errors] == [
        "line 3: name is empty",
        "line 3: no local authority has the DfE code 101",
        "line 4: no local authority has the DfE code 999, 998",
        "line 5: email “not-an-address” is not an e-mail address",
        "line 5: phone “call us” is not a telephone number",
        "line 6: the forum Good Forum appears twice: it is already on line 2",
    ]
    assert not ParentCarerForum.objects.exists()


def test_the_command_imports_or_reports_every_bad_row(authorities, tmp_path, capsys):
    good = tmp_path / "forums.csv"
    good.write_bytes(_csv(f"Alpha Forum,{authorities[0].dfe_code},,"))
    call_command("import_forums", str(good))
    assert "forums: 1 created" in capsys.readouterr().out

    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv("Beta Forum,,,"))
    with pytest.raises(CommandError, match="nothing was imported: 1 problem on 1 line"):
        call_command("import_forums", str(bad))
    assert ParentCarerForum.objects.count() == 1
