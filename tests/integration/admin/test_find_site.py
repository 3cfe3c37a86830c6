"""`survey user add --site`: a site is found by its id or its exact name, never a near one."""

import pytest

from survey.accounts import AccountError, find_site
from survey.extensions import db
from survey.models import Site, Study


@pytest.fixture
def sites(app):
    """Lyngbo and a site named 2024 in one study; Egebakken in two studies (names are unique
    within a study only)."""
    lyngbo, egebakken, year, other = (
        Site(name="Lyngbo"),
        Site(name="Egebakken"),
        Site(name="2024"),
        Site(name="Egebakken"),
    )
    first, second = Study(slug="s1", name="S1"), Study(slug="s2", name="S2")
    first.sites += [lyngbo, egebakken, year]
    second.sites += [other]
    db.session.add_all([first, second])
    db.session.commit()
    return lyngbo, egebakken, other, year


def test_a_site_is_found_by_id_or_exact_name(sites):
    lyngbo, _first, _second, year = sites
    assert find_site(str(lyngbo.id)) is lyngbo
    assert find_site(f"  {lyngbo.id} ") is lyngbo
    assert find_site("Lyngbo") is lyngbo
    assert find_site(" Lyngbo  ") is lyngbo
    # Digits that are no site's id are read as a name.
    assert find_site("2024") is year


@pytest.mark.parametrize("reference", ["lyngbo", "Lyng", "Lyngbo A", "", "99999"])
def test_anything_else_is_refused_with_a_clear_message(sites, reference):
    with pytest.raises(AccountError) as refused:
        find_site(reference)
    assert str(refused.value) == f"No site {reference!r}; give a site id or its exact name."


def test_a_name_two_sites_share_asks_for_the_id(sites):
    _lyngbo, first, second, _year = sites
    with pytest.raises(AccountError) as refused:
        find_site("Egebakken")
    assert str(refused.value) == (
        f"Several sites are called 'Egebakken'; give the id instead ({first.id}, {second.id})."
    )
