"""Output shapes shared by the school endpoints. Ids are the objects' public UUIDs."""

from uuid import UUID

from ninja import Schema


class EstablishmentRef(Schema):
    id: UUID
    code: str
    name: str
    country: str

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id


class ClassRef(Schema):
    """A class; `level` needs `level` selected with the class."""

    id: UUID
    name: str
    level: str | None

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_level(obj) -> str | None:
        return obj.level.name if obj.level_id else None


class PersonRef(Schema):
    id: UUID
    first_name: str
    last_name: str
    full_name: str

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id


class FunctionOut(Schema):
    """A staff function: `kind` is stable (head, deputy, school_life, secretary, it_admin, teacher,
    guest), `label` is for people."""

    kind: str
    label: str
