"""The shapes of the discipline API (in and out)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from uuid import UUID

from ninja import Field, Schema


class StudentRefOut(Schema):
    id: UUID
    full_name: str


class ParticipantOut(Schema):
    student: StudentRefOut
    role: str = Field(description="author (auteur), victim (victime) ou witness (témoin).")


class IncidentOut(Schema):
    id: UUID
    establishment: UUID
    occurred_at: dt.datetime
    place: str
    description: str
    seriousness: int = Field(description="1 mineur, 2 moyen, 3 grave, 4 très grave.")
    participants: list[ParticipantOut] = Field(description="Les élèves dont vous pouvez lire le nom.")
    hidden_participants: int = Field(
        description="Combien d'autres élèves sont impliqués sans que vous puissiez lire leur nom (un enseignant ne lit que ceux à qui il enseigne, sauf s'il a signalé l'incident)."
    )
    reported_by: str | None
    measure_count: int
    version: int = Field(description="À renvoyer dans `expected_version` pour modifier l'incident.")
    created_at: dt.datetime
    updated_at: dt.datetime


class IncidentPage(Schema):
    items: list[IncidentOut]
    count: int


class ParticipantIn(Schema):
    student: UUID
    role: str = Field(description="author, victim ou witness.")


class IncidentIn(Schema):
    establishment: UUID | None = Field(
        None, description="Obligatoire si vous travaillez dans plusieurs établissements."
    )
    occurred_at: dt.datetime = Field(
        description="Avec son fuseau ; ni dans le futur, ni hors d'une année scolaire."
    )
    place: str = Field(max_length=120)
    description: str = Field(max_length=4000)
    seriousness: int = Field(1, description="1 mineur, 2 moyen, 3 grave, 4 très grave.")
    participants: list[ParticipantIn] = Field(default_factory=list, max_length=60)


class IncidentPatch(Schema):
    expected_version: int = Field(
        description="La `version` lue ; si elle a changé : 409 `incident_conflict`."
    )
    occurred_at: dt.datetime | None = None
    place: str | None = Field(None, max_length=120)
    description: str | None = Field(None, max_length=4000)
    seriousness: int | None = None
    participants: list[ParticipantIn] | None = Field(
        None, max_length=60, description="Donnée, la liste remplace les participants."
    )


class IncidentFilter(Schema):
    establishment: UUID | None = None
    school_class: UUID | None = Field(None, description="Incidents impliquant un élève de cette classe.")
    student: UUID | None = Field(None, description="Incidents impliquant cet élève.")
    seriousness: int | None = None
    since: dt.date | None = Field(None, description="À partir de ce jour (heure de l'établissement).")
    until: dt.date | None = Field(None, description="Jusqu'à ce jour inclus.")


class MeasureTypeRefOut(Schema):
    id: UUID
    name: str
    category: str


class MeasureOut(Schema):
    id: UUID
    establishment: UUID
    student: StudentRefOut
    measure_type: MeasureTypeRefOut
    incident: UUID | None = Field(description="L'incident qui la motive, si vous pouvez le voir.")
    reason: str
    decided_on: dt.date
    decided_by: str | None
    due_on: dt.date | None
    status: str = Field(description="decided, done, not_done ou cancelled.")
    follow_up: str
    expires_on: dt.date | None = Field(description="Dernier jour dans le dossier ; null : conservée.")
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class MeasurePage(Schema):
    items: list[MeasureOut]
    count: int


class MeasureIn(Schema):
    student: UUID
    measure_type: UUID = Field(description="Un type en service du catalogue de l'établissement.")
    incident: UUID | None = Field(
        None, description="L'incident qui la motive ; l'élève doit y être impliqué."
    )
    reason: str = Field(max_length=500)
    decided_on: dt.date | None = Field(None, description="Aujourd'hui par défaut ; jamais dans le futur.")
    due_on: dt.date | None = None
    follow_up: str = Field("", max_length=500)


class MeasurePatch(Schema):
    expected_version: int = Field(description="La `version` lue ; si elle a changé : 409 `measure_conflict`.")
    reason: str | None = Field(None, max_length=500)
    due_on: dt.date | None = None
    status: str | None = None
    follow_up: str | None = Field(None, max_length=500)


class MeasureFilter(Schema):
    establishment: UUID | None = None
    school_class: UUID | None = None
    student: UUID | None = None
    category: str | None = Field(None, description="punishment ou sanction.")
    status: str | None = None
    since: dt.date | None = Field(None, description="Décidées à partir de ce jour.")
    until: dt.date | None = Field(None, description="Décidées jusqu'à ce jour inclus.")


class MeasureTypeOut(Schema):
    id: UUID
    establishment: UUID
    category: str = Field(description="punishment (punition scolaire) ou sanction (sanction disciplinaire).")
    name: str
    retention: str = Field(description="year_end, years_end, days ou permanent.")
    retention_days: int | None
    retention_years: int | None
    conduct_points: Decimal
    position: int
    is_active: bool


class MeasureTypeIn(Schema):
    establishment: UUID | None = None
    category: str
    name: str = Field(max_length=80)
    retention: str = "year_end"
    retention_days: int | None = None
    retention_years: int | None = None
    conduct_points: Decimal = Decimal("0")
    position: int | None = None
    is_active: bool = True


class MeasureTypePatch(Schema):
    category: str | None = None
    name: str | None = Field(None, max_length=80)
    retention: str | None = None
    retention_days: int | None = None
    retention_years: int | None = None
    conduct_points: Decimal | None = None
    position: int | None = None
    is_active: bool | None = None


class SettingsOut(Schema):
    establishment: UUID
    guardians_see: str = Field(description="nothing, sanctions, measures ou all.")
    notify_guardians: bool
    students_see: bool


class SettingsPatch(Schema):
    establishment: UUID | None = None
    guardians_see: str | None = None
    notify_guardians: bool | None = None
    students_see: bool | None = None


class FamilyIncidentOut(Schema):
    occurred_at: dt.datetime
    place: str
    description: str
    seriousness: int
    role: str | None = Field(description="Le rôle de l'élève dans l'incident.")


class FamilyMeasureOut(Schema):
    id: UUID
    student: StudentRefOut
    category: str
    type: str
    reason: str
    decided_on: dt.date
    decided_by: str
    due_on: dt.date | None
    status: str
    expires_on: dt.date | None
    incident: FamilyIncidentOut | None = Field(
        description="Seulement si l'établissement montre aux familles les incidents qui motivent les mesures ; jamais le nom d'un autre élève."
    )
