"""The directory (annuaire): find the people you may see, by name."""

from django.db.models import Prefetch
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from carnet.core.api import error_responses
from carnet.core.api import lazy_text as _
from carnet.identity.search import filter_by_name
from carnet.school import policies
from carnet.school.api.schemas import ClassRef, EstablishmentRef, FunctionOut, PersonRef
from carnet.school.models import Enrollment, Guardianship, StaffFunction
from carnet.school.roles import active_function_q, current_enrollment_q, roles_of

router = Router(tags=["directory"])

#: Shortest query worth running: one letter would list half the establishment.
MIN_QUERY_LENGTH = 2


class DirectoryFunctionOut(FunctionOut):
    establishment: EstablishmentRef


class DirectoryPersonOut(PersonRef):
    functions: list[DirectoryFunctionOut] = Field(description="Fonctions dans vos établissements.")
    school_class: ClassRef | None = Field(description="Sa classe cette année, pour un élève.")
    guardian_of: list[PersonRef] = Field(
        description="Les élèves que vous voyez et dont il ou elle est responsable."
    )

    @staticmethod
    def resolve_functions(obj) -> list[dict]:
        return [
            {"kind": f.kind, "label": str(f.get_kind_display()), "establishment": f.establishment}
            for f in obj.directory_functions
        ]

    @staticmethod
    def resolve_school_class(obj):
        return obj.directory_enrollments[0].school_class if obj.directory_enrollments else None

    @staticmethod
    def resolve_guardian_of(obj) -> list:
        return [link.student for link in obj.directory_children]


class DirectoryFilter(Schema):
    q: str = Field(
        min_length=MIN_QUERY_LENGTH,
        max_length=100,
        description="Nom, prénom ou identifiant, en tout ou partie ; sans souci des accents ni des majuscules.",
    )


def search_people(actor, query: str):
    """People in `actor`'s directory whose name or identifier contains every word of `query`
    (accents and case folded), with what the directory shows about them prefetched: a constant
    number of queries whatever the page size."""
    roles = roles_of(actor)
    people = filter_by_name(policies.people_visible_to(actor), query)
    establishment_ids = roles.establishment_ids if not roles.is_superuser else None
    functions = (
        StaffFunction.objects.filter(active_function_q()).select_related("establishment").order_by("kind")
    )
    enrollments = Enrollment.objects.filter(current_enrollment_q()).select_related("school_class__level")
    if establishment_ids is not None:
        functions = functions.filter(establishment_id__in=establishment_ids)
        enrollments = enrollments.filter(establishment_id__in=establishment_ids)
    children = Guardianship.objects.filter(student__in=policies.students_visible_to(actor)).select_related(
        "student"
    )
    return people.order_by("last_name", "first_name", "id").prefetch_related(
        Prefetch("staff_functions", queryset=functions, to_attr="directory_functions"),
        Prefetch("enrollments", queryset=enrollments, to_attr="directory_enrollments"),
        Prefetch("guardianships_as_guardian", queryset=children, to_attr="directory_children"),
    )


@router.get(
    "",
    response={200: list[DirectoryPersonOut], **error_responses(401, 422)},
    summary=_("Annuaire"),
    description=_(
        "Cherche parmi les personnes que vous pouvez voir : le personnel de vos établissements et, selon "
        "vos côtés, les élèves à qui vous enseignez et leurs responsables, vos camarades de classe, vos "
        "enfants. Paginé : `page` (à partir de 1), `page_size` (50 par défaut, 100 au plus)."
    ),
)
@paginate(PageNumberPagination)
def directory(request, filters: Query[DirectoryFilter]):
    return search_people(request.user, filters.q)
