import pytest

from carnet.identity.names import fold, identifier_stem
from carnet.identity.services import unique_username, unique_usernames
from carnet.testing.factories import UserFactory


def test_fold_and_stem():
    assert fold("  Éloïse   DUPONT ") == "eloise dupont"
    assert identifier_stem("Jean-Éudes", "de la Fontaine") == "jean-eudes.delafontaine"
    assert identifier_stem("", "") == "utilisateur"


@pytest.mark.django_db
def test_identifiers_are_unique_and_readable():
    UserFactory(first_name="Jean", last_name="Dupont", username="jean.dupont")
    assert unique_username("Jean", "Dupont") == "jean.dupont2"
    assert unique_usernames([("Awa", "Zinsou"), ("Awa", "Zinsou"), ("Jean", "Dupont")]) == [
        "awa.zinsou", "awa.zinsou2", "jean.dupont2"
    ]
