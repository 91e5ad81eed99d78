"""Who is asking: the caller's role and agency grants, passed to every query and measure.

Access is decided here and in db/, never in the page: a viewer gets aggregates under disclosure
control; an analyst also gets unsuppressed figures and child-level rows for the agencies granted
(an RAA grant covers its member LAs); an admin gets everything. Pure: imports metrics only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from metrics.scope import Geography

ROLES = ("viewer", "analyst", "admin")


@dataclass(frozen=True)
class Caller:
    name: str
    role: str = "viewer"
    agencies: frozenset[str] = frozenset()  # agency codes granted (analysts)
    public: bool = False  # public mode: disclosure control for everyone
    board: bool = False  # board mode: what the room sees, whoever presents (`on_the_board`)

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; roles are {', '.join(ROLES)}")

    @classmethod
    def viewer(cls, name: str = "anonymous") -> "Caller":
        return cls(name, "viewer")

    def on_the_board(self) -> "Caller":
        """The caller as a board meeting's screen shows them (`?present=1`): a viewer whatever
        their role, with no grants, so every figure is under viewer-level disclosure control and
        no child- or household-level row is read. The name stays, for the audit log."""
        return replace(self, role="viewer", agencies=frozenset(), board=True)

    def granted_las(self, geography: Geography) -> frozenset[str]:
        """LAs whose children this caller may see unsuppressed or row by row."""
        if self.role == "admin":
            return frozenset(geography.las["code"])
        las: set[str] = set()
        for code in self.agencies:
            scope = geography.scope(code)
            las |= geography.child_las(scope)
        return frozenset(las)

    def may_see(self, scope_code: str, geography: Geography) -> bool:
        """Unsuppressed figures and rows for a scope: admins always; analysts when every LA
        and every household agency of the scope is granted to them."""
        if self.public or self.role == "viewer":
            return False
        if self.role == "admin":
            return True
        scope = geography.scope(scope_code)
        las = geography.child_las(scope)
        households = geography.household_agencies(scope)
        return bool(las or households) and las <= self.granted_las(geography) and households <= self.agencies

    def may_see_records(self, scope_code: str, geography: Geography) -> bool:
        """Child-level rows of a scope (the longest-waiting list): admins always; analysts when
        every LA of the scope is granted to them; viewers never, nor anyone on a public
        dashboard. A scope with no LAs (a VAA) has no children to list."""
        if self.public or self.role == "viewer":
            return False
        if self.role == "admin":
            return True
        las = geography.child_las(geography.scope(scope_code))
        return bool(las) and las <= self.granted_las(geography)

    def may_load(self, agency_code: str, geography: Geography) -> bool:
        """Loading a return for an agency: admins for any agency; analysts for the agencies
        granted to them (an RAA grant covers its member LAs); viewers never, nor anyone on a
        public dashboard."""
        if self.public or self.role == "viewer":
            return False
        if self.role == "admin":
            return True
        return agency_code in self.agencies or agency_code in self.granted_las(geography)

    def may_load_any(self) -> bool:
        """Whether there is any agency this caller may load a return for (what the header's
        "Load a return" link is offered on): admins, and analysts with a grant; never viewers,
        a board's screen or anyone on a public dashboard."""
        return not self.public and (self.role == "admin" or (self.role == "analyst" and bool(self.agencies)))

    def home_agency(self) -> str | None:
        """Where this caller's pages open when their address names no area: the agency granted
        (the first by code when there are several), for an analyst or a viewer with grants;
        None (England) for admins, a board's screen and the public dashboard."""
        if self.public or self.board or self.role == "admin" or not self.agencies:
            return None
        return min(self.agencies)

    def may_pin_note(self, scope_code: str, geography: Geography) -> bool:
        """Pinning or removing a board note on a scope (metrics.notes): those who see the
        scope's figures unsuppressed (`may_see`: admins anywhere, analysts on the areas they
        hold); never viewers, a board's screen or anyone on a public dashboard."""
        return not self.board and self.may_see(scope_code, geography)

    def may_read_notes(self) -> bool:
        """Reading board notes: everyone signed in, as every role sees every scope's aggregate
        figures (a note is said about those figures, for the board), board mode included;
        nobody on a public dashboard, which publishes figures, not a board's working notes."""
        return not self.public

    def may_read_audit(self) -> bool:
        """The audit log (who signed in, loaded and exported what): admins only, and nobody on a
        public dashboard."""
        return self.role == "admin" and not self.public

    def sees_unsuppressed(self, geography: Geography) -> Callable[[str], bool]:
        cache: dict[str, bool] = {}

        def check(scope_code: str) -> bool:
            if scope_code not in cache:
                cache[scope_code] = self.may_see(scope_code, geography)
            return cache[scope_code]

        return check
