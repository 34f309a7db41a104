"""Finding people by name: every word typed must appear in the person's folded name or
identifier (`User.search_name`), whatever the accents and the case ("eloise" finds "Éloïse")."""

from __future__ import annotations

from django.db.models import QuerySet

from carnet.identity.names import fold

MAX_QUERY_TERMS = 6
MAX_QUERY_LENGTH = 100


def filter_by_name(people: QuerySet, query: str) -> QuerySet:
    """`people` narrowed to those matching every word of `query` (at most 6 words, 100 characters);
    an empty query narrows nothing."""
    for word in fold(query[:MAX_QUERY_LENGTH]).split()[:MAX_QUERY_TERMS]:
        people = people.filter(search_name__contains=word)
    return people
