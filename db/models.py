"""The store's tables as SQLAlchemy 2 typed models.

Regions and agencies (the registry), returns with their version history and stored warnings, and
one table per return table of the spec. Row tables carry `return_id`; the current return of an
agency and quarter is the one with `is_current`. Then who may sign in (users, their agency
grants, API tokens), the audit log, and the notes pinned to an area's quarter for its board.
Imports nothing of ours.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Region(Base):
    __tablename__ = "region"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)


class Agency(Base):
    """An LA (3-digit DfE code), an RAA or a VAA. An LA may belong to one RAA."""

    __tablename__ = "agency"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(3))  # LA, RAA, VAA
    region: Mapped[str] = mapped_column(ForeignKey("region.name"))
    ons_code: Mapped[str | None] = mapped_column(String(9))
    raa_code: Mapped[str | None] = mapped_column(ForeignKey("agency.code"), index=True)


class Return(Base):
    """One loaded file for one agency and quarter. Later versions supersede earlier ones."""

    __tablename__ = "return"
    __table_args__ = (
        UniqueConstraint("agency_code", "quarter_index", "version", name="agency_quarter_version"),
        Index("ix_return_current_quarter", "is_current", "quarter_index"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_code: Mapped[str] = mapped_column(ForeignKey("agency.code"), index=True)
    quarter: Mapped[str] = mapped_column(String(10))  # `2024-25 Q3`
    quarter_index: Mapped[int] = mapped_column(Integer)  # Quarter.index, for range queries
    version: Mapped[int] = mapped_column(Integer)
    is_current: Mapped[bool] = mapped_column(Boolean)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    loaded_by: Mapped[str] = mapped_column(String(120))
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    source_format: Mapped[str] = mapped_column(String(12))  # xlsx, zip, folder, csv, annex_a, demo
    n_warnings: Mapped[int] = mapped_column(Integer, default=0)
    # What the file's format carries, as JSON {table: [column, ...]}: a table not named is not
    # carried at all (Annex A has no SGOs). NULL: the whole return format (every table, column).
    carries: Mapped[str | None] = mapped_column(Text)
    # Rows held back when the loader chose to load only the rows that pass (a partial return).
    rows_held_back: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    issues: Mapped[list[ReturnIssue]] = relationship(
        back_populates="return_", cascade="all, delete-orphan", order_by="ReturnIssue.id"
    )


class ReturnIssue(Base):
    """A warning stored with a return, or the error of a row that a partial load held back
    (`Return.rows_held_back`); any other error rejects the file and is never stored."""

    __tablename__ = "return_issue"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("return.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(String(4))
    table_name: Mapped[str] = mapped_column(String(30))
    row: Mapped[int | None] = mapped_column(Integer)
    column: Mapped[str | None] = mapped_column(String(60))
    value: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)

    return_: Mapped[Return] = relationship(back_populates="issues")


class _ReturnRow:
    """Columns every row table shares: the return it came in and its row number in the file."""

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("return.id", ondelete="CASCADE"))
    source_row: Mapped[int] = mapped_column(Integer)


class Child(_ReturnRow, Base):
    __tablename__ = "child"
    __table_args__ = (
        Index("ix_child_return_la", "return_id", "la_code"),
        Index("ix_child_la_placement_order", "la_code", "placement_order_date"),
        Index("ix_child_la_adoption_order", "la_code", "adoption_order_date"),
    )

    child_id: Mapped[str] = mapped_column(String(60))
    la_code: Mapped[str] = mapped_column(String(12))
    sex: Mapped[str] = mapped_column(String(1))
    date_of_birth: Mapped[date] = mapped_column(Date)
    ethnicity: Mapped[str] = mapped_column(String(4))
    disability: Mapped[bool | None] = mapped_column(Boolean)  # NULL: not carried (SSDA903)
    sibling_group_id: Mapped[str | None] = mapped_column(String(60))
    entered_care_date: Mapped[date] = mapped_column(Date)
    adm_decision_date: Mapped[date] = mapped_column(Date)
    ffa_cp_placed_date: Mapped[date | None] = mapped_column(Date)
    placement_order_date: Mapped[date | None] = mapped_column(Date)
    matched_date: Mapped[date | None] = mapped_column(Date)
    placed_date: Mapped[date | None] = mapped_column(Date)
    foster_carer_adoption: Mapped[bool] = mapped_column(Boolean, default=False)
    placed_with_carer_date: Mapped[date | None] = mapped_column(Date)
    adoption_order_date: Mapped[date | None] = mapped_column(Date)
    disruption_date: Mapped[date | None] = mapped_column(Date)
    decision_reversed_date: Mapped[date | None] = mapped_column(Date)
    decision_reversed_reason: Mapped[str | None] = mapped_column(String(3))


class Adopter(_ReturnRow, Base):
    __tablename__ = "adopter"
    __table_args__ = (Index("ix_adopter_return", "return_id"),)

    adopter_id: Mapped[str] = mapped_column(String(60))
    household: Mapped[str] = mapped_column(String(2))
    ethnicity: Mapped[str | None] = mapped_column(String(4))
    fostering_for_adoption: Mapped[bool | None] = mapped_column(Boolean)
    enquiry_date: Mapped[date] = mapped_column(Date)
    stage1_start_date: Mapped[date | None] = mapped_column(Date)
    stage1_end_date: Mapped[date | None] = mapped_column(Date)
    stage2_start_date: Mapped[date | None] = mapped_column(Date)
    stage2_end_date: Mapped[date | None] = mapped_column(Date)
    approval_date: Mapped[date | None] = mapped_column(Date)
    approved_places: Mapped[int | None] = mapped_column(Integer)
    matched_date: Mapped[date | None] = mapped_column(Date)
    placed_date: Mapped[date | None] = mapped_column(Date)
    left_date: Mapped[date | None] = mapped_column(Date)
    left_reason: Mapped[str | None] = mapped_column(String(12))


class SpecialGuardianship(_ReturnRow, Base):
    __tablename__ = "special_guardianship"
    __table_args__ = (Index("ix_special_guardianship_return_la", "return_id", "la_code"),)

    child_id: Mapped[str] = mapped_column(String(60))
    la_code: Mapped[str] = mapped_column(String(12))
    sex: Mapped[str] = mapped_column(String(1))
    date_of_birth: Mapped[date] = mapped_column(Date)
    ethnicity: Mapped[str] = mapped_column(String(4))
    disability: Mapped[bool | None] = mapped_column(Boolean)  # NULL: not carried (SSDA903)
    sgo_date: Mapped[date] = mapped_column(Date)
    looked_after: Mapped[bool] = mapped_column(Boolean)
    guardian: Mapped[str] = mapped_column(String(3))
    support_plan: Mapped[bool | None] = mapped_column(Boolean)
    allowance: Mapped[bool | None] = mapped_column(Boolean)
    ended_date: Mapped[date | None] = mapped_column(Date)
    ended_reason: Mapped[str | None] = mapped_column(String(10))


class Support(_ReturnRow, Base):
    __tablename__ = "support"
    __table_args__ = (Index("ix_support_return", "return_id"),)

    asf_applications_adoption: Mapped[int] = mapped_column(Integer)
    asf_applications_sg: Mapped[int] = mapped_column(Integer)
    asf_amount_adoption: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    asf_amount_sg: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))


# The ORM class that stores each return table.
ROW_MODELS: dict[str, type[Base]] = {
    "children": Child,
    "adopters": Adopter,
    "special_guardianship": SpecialGuardianship,
    "support": Support,
}


# "user" and "grant" are reserved words in PostgreSQL, hence the longer table names.
class User(Base):
    """Someone who signs in: a role (viewer, analyst, admin) and, for analysts, agency grants."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))  # argon2id, salt and parameters inside
    role: Mapped[str] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Sessions signed in before this are stale: the session layer compares against it.
    password_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Every session cookie carries the version it was signed in under; sign-out, disabling and a
    # new password move it on, which ends every session of the user on the server's side.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    grants: Mapped[list[Grant]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="Grant.agency_code"
    )


class Grant(Base):
    """An agency granted to a user; an RAA grant covers its member LAs."""

    __tablename__ = "user_grant"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    agency_code: Mapped[str] = mapped_column(ForeignKey("agency.code"), primary_key=True)

    user: Mapped[User] = relationship(back_populates="grants")


class ApiToken(Base):
    """A bearer token for the data API, stored only as the SHA-256 of the token."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditEvent(Base):
    """One line of the audit log: who did what, when, to which scope and file. `detail` is
    free text for admins and never carries child-level data."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)  # UTC
    user_name: Mapped[str | None] = mapped_column(String(120), index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)  # sign_in, load, export, ...
    scope: Mapped[str | None] = mapped_column(String(80))
    quarter: Mapped[str | None] = mapped_column(String(10))
    file_hash: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)
    ip: Mapped[str | None] = mapped_column(String(45))  # long enough for IPv6


class DisclosureKey(Base):
    """The database's secret for the cell key method's record keys (metrics.perturbation): made
    once, with the schema, and never changed, so a record's key, and so every cell's noise, is
    the same in every worker, instance and restart. Changing it would let a reader average two
    sets of noise away."""

    __tablename__ = "disclosure_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))  # 32 random bytes as hex
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PublishedFigure(Base):
    """One published statistic mapped to one of our measures (metrics/published.py): shown
    beside the board's own figures as "England (published)" and the like, with its year,
    rounding and symbols as published. Public data: every caller sees it."""

    __tablename__ = "published_figure"
    __table_args__ = (
        UniqueConstraint("measure", "scope", "quarter", "breakdown", "category", name="published_figure_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    measure: Mapped[str] = mapped_column(String(60), index=True)
    scope: Mapped[str] = mapped_column(String(80))  # england, region:<name> or an LA's code
    period: Mapped[str] = mapped_column(String(7))  # the financial year, `2024-25`
    quarter: Mapped[str] = mapped_column(String(10))  # the quarter it ends with, `2024-25 Q4`
    breakdown: Mapped[str] = mapped_column(String(30), default="")
    category: Mapped[str] = mapped_column(String(60), default="")  # '' when not broken down
    value: Mapped[float | None] = mapped_column(Numeric(14, 4))  # None for a symbol
    shown: Mapped[str] = mapped_column(String(20))  # as published: `3,040`, `c`, `z`
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    loaded_by: Mapped[str] = mapped_column(String(120))


class BoardNote(Base):
    """A short note pinned to an area and quarter for its board ("court backlog"), drawn on the
    area's trend charts and in the board pack. Who may pin and read it: metrics.access; the
    words: metrics.notes. Removing a note deletes it; the audit log keeps what it said."""

    __tablename__ = "board_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(80), index=True)  # england, region:<name> or a code
    quarter: Mapped[str] = mapped_column(String(10))  # `2024-25 Q3`
    text: Mapped[str] = mapped_column(String(140))
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
