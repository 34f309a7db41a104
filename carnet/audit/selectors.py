from django.db.models import QuerySet

from carnet.audit.models import AuditEvent


def events_for_establishment(establishment) -> QuerySet[AuditEvent]:
    """Callers check `school.policies.ensure_can_read_audit` first."""
    return AuditEvent.objects.filter(establishment=establishment).select_related("actor")
