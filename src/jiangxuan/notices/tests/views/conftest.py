"""A running seed 000 notice for the view and API tests."""

import datetime as dt

import pytest

from ... import services


@pytest.fixture
def notice(jilin, office, nominees, orgs):
    """The 长春市总工会 workplace notice of seed 000, 2021-09-30 to 2021-10-12."""
    return services.open_public_notice(
        jilin,
        stage="workplace",
        body=orgs["cc-union"],
        nominations=nominees,
        starts_on=dt.date(2021, 9, 30),
        actor=office,
    )
