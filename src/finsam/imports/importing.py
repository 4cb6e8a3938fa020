"""Import of participants from a CSV or Excel file (issue point 8; docs/import.md).

One file, one förbund, all or nothing, in two streaming passes over the file:

1. `validate`: every row is parsed and checked (R-CONSENT, R-FOLLOWUP, duplicates through the keyed
   hash, in the file and against the database). What is kept in memory is the list of errors (row,
   column, Swedish message: never a value from the file) and the keyed hashes seen so far, for finding
   the same person twice; the rows themselves are read one at a time and dropped.
2. `write`: only when the whole file is free of errors, the file is read again and the rows are
   streamed to `followup.services.participants_import`, which writes them in batches in one transaction
   (on SQLite it prepares every row first and then writes them all in one short transaction, so that the
   database's single write lock is held for the inserts only).

The command line (`finsam import-participants`) calls the two passes directly; the upload page goes
through an `ImportRun` (`run_create`, then the task `run_import` → `run_execute` in `finsam worker`) while
the page polls its progress.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from finsam.core.access import Actor, require
from finsam.core.errors import RuleViolation
from finsam.core.roles import Capability
from finsam.core.tabular import (  # noqa: F401 - the participant import's names for the shared reader
    EMPTY,
    HEAD_BYTES,
    NOT_TEXT,
    NOT_UTF8,
    NOT_XLSX,
    OLD_EXCEL,
    ImportFileError,
    RowError,
    TabularFile,
    cell_text,
    check_head,
    header_key,
    norm,
    report_csv,
    too_large_message,
)
from finsam.followup import rules as followup_rules
from finsam.followup import selectors as followup_selectors
from finsam.followup import services as followup_services
from finsam.followup.schemas import (
    EXTENTS,
    EducationLevel,
    EmploymentStatus,
    ExitReason,
    ImportRow,
    IncomeSource,
    InterventionFacts,
    Registration,
    Sex,
)
from finsam.interventions import selectors as intervention_selectors

if TYPE_CHECKING:
    from finsam.followup.rules import IdentityNumber
    from finsam.registry.models import Association

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 2000  # rows between two progress updates of a run
LOAD_BATCH = 5000  # rows the bulk service writes at a time in `load` (a COPY per table and batch)
DUPLICATE_BATCH = 1000  # rows whose keyed hashes are looked up in the database in one query

# --- the columns ----------------------------------------------------------------------------------


_norm = norm


@dataclass(frozen=True)
class Choice:
    """The accepted spellings of one coded column: the model's value, its Swedish label, and aliases."""

    labels: Sequence[tuple[str, Any]]
    aliases: dict[str, str]

    @cached_property
    def lookup(self) -> dict[str, str]:
        """Built once per process: so the labels of every language of the site are accepted, whatever
        language the first import happened to run in (Swedish first, so that it wins a clash)."""
        table = {_norm(value): value for value, _label in self.labels}
        for language in reversed([code for code, _name in settings.LANGUAGES]):
            with translation.override(language):
                table.update({_norm(str(label)): value for value, label in self.labels})
        table.update({_norm(alias): value for alias, value in self.aliases.items()})
        return table

    def parse(self, text: str) -> str | None:
        # Most files spell the values as the template does: a hit on the text as it is spares the
        # normalisation (the keys are normalised already, so a hit is the value the normalised text has).
        lookup = self.lookup
        value = lookup.get(text)
        return value if value is not None else lookup.get(_norm(text))


REGISTRATION = Choice(
    Registration.choices,
    {
        "identifierad": Registration.IDENTIFIED,
        "personnummer": Registration.IDENTIFIED,
        "samtycke": Registration.IDENTIFIED,
        "anonym": Registration.ANONYMOUS,
        "skyddad": Registration.PROTECTED,
        "skyddad identitet": Registration.PROTECTED,
    },
)
SEX = Choice(Sex.choices, {"k": Sex.WOMAN, "m": Sex.MAN})
EDUCATION = Choice(
    EducationLevel.choices,
    {
        "förgymnasial kort": EducationLevel.PRIMARY_SHORT,
        "förgymnasial": EducationLevel.PRIMARY,
        "gymnasial": EducationLevel.UPPER_SECONDARY,
        "gymnasium": EducationLevel.UPPER_SECONDARY,
        "eftergymnasial kort": EducationLevel.POST_SECONDARY_SHORT,
        "eftergymnasial": EducationLevel.POST_SECONDARY,
        "okänd": EducationLevel.UNKNOWN,
    },
)
EMPLOYMENT = Choice(
    EmploymentStatus.choices,
    {
        "arbetssökande": EmploymentStatus.SEEKING_WORK,
        "inget": EmploymentStatus.NONE,
        "ingen": EmploymentStatus.NONE,
    },
)
INCOME = Choice(
    IncomeSource.choices,
    {
        "lön": IncomeSource.SALARY,
        "subventionerad lön": IncomeSource.SUBSIDISED_SALARY,
        "sjukpenning": IncomeSource.SICKNESS_BENEFIT,
        "rehabiliteringspenning": IncomeSource.SICKNESS_BENEFIT,
        "aktivitetsstöd": IncomeSource.ACTIVITY_SUPPORT,
        "utvecklingsersättning": IncomeSource.ACTIVITY_SUPPORT,
        "a-kassa": IncomeSource.UNEMPLOYMENT_BENEFIT,
        "försörjningsstöd": IncomeSource.SOCIAL_ASSISTANCE,
        "annan": IncomeSource.OTHER,
        "ingen": IncomeSource.NONE,
    },
)
EXIT_REASON = Choice(
    ExitReason.choices,
    {
        "genomförd": ExitReason.COMPLETED,
        "annan insats": ExitReason.OTHER_INTERVENTION,
        "egen begäran": ExitReason.OWN_REQUEST,
        "annan": ExitReason.OTHER,
    },
)


@dataclass(frozen=True)
class Column:
    """One column of the file: its header, the field of the rules it feeds, and its documentation."""

    header: str
    field: str
    required: bool
    description: Any
    example: str
    choice: Choice | None = None
    in_header: bool = True  # must the header row contain it?

    def allowed(self) -> list[tuple[str, str]]:
        """(value, Swedish label) pairs of a coded column, for the file template's documentation."""
        with translation.override(settings.LANGUAGE_CODE):
            return self.allowed_here()

    def allowed_here(self) -> list[tuple[str, str]]:
        """(value, label) pairs in the page's language: the values are the file's, whatever the language."""
        if self.choice is None:
            return []
        return [(value, str(label)) for value, label in self.choice.labels]


COLUMNS: tuple[Column, ...] = (
    Column(
        "insats",
        "intervention",
        True,
        _("Insatsens id eller namn. En individinriktad insats i förbundet som du är deltagaransvarig för."),
        "Steget vidare",
    ),
    Column(
        "registrering",
        "registration",
        True,
        _(
            "identified (med personnummer och skriftligt samtycke), anonymous (utan samtycke) eller "
            "protected (skyddad identitet). Även: identifierad, anonym, skyddad."
        ),
        "identified",
        REGISTRATION,
    ),
    Column(
        "personnummer",
        "identity_number",
        False,
        _(
            "Personnummer eller samordningsnummer, tio eller tolv siffror (ÅÅÅÅMMDD-NNNN). "
            "Bara för identified; tomt för anonyma."
        ),
        "19811228-9874",
        in_header=False,
    ),
    Column(
        "samtycke_datum",
        "consent_given_on",
        False,
        _("Dagen det skriftliga samtycket lämnades (ÅÅÅÅ-MM-DD). Krävs för identified."),
        "2024-01-15",
        in_header=False,
    ),
    Column(
        "samtycke_version",
        "consent_form_version",
        False,
        _("Samtyckesblankettens version, till exempel FK 9443 v3. Krävs för identified."),
        "FK 9443 v3",
        in_header=False,
    ),
    Column(
        "kön",
        "sex",
        False,
        _("woman eller man (kvinna, man). Krävs för anonyma; för identified följer det av personnumret."),
        "",
        SEX,
        in_header=False,
    ),
    Column(
        "startdatum",
        "start",
        True,
        _("Deltagandets start (ÅÅÅÅ-MM-DD). Startåret för en anonym deltagare är startdatumets år."),
        "2024-02-01",
    ),
    Column(
        "utbildningsnivå",
        "education_level",
        True,
        _("Högsta utbildningsnivå."),
        "upper_secondary",
        EDUCATION,
    ),
    Column(
        "sysselsättning_före",
        "employment_before",
        True,
        _("Sysselsättning före insatsen."),
        "none",
        EMPLOYMENT,
    ),
    Column(
        "försörjning_före",
        "income_before",
        True,
        _(
            "Försörjningskällor före insatsen med omfattning i procent (25, 50, 75 eller 100), åtskilda "
            "med |, till exempel sjukpenning:75|lön:25. Utan omfattning räknas 100."
        ),
        "sickness_benefit:75|salary:25",
        INCOME,
    ),
    Column(
        "avslutsdatum",
        "exit",
        False,
        _("Avslutets datum (ÅÅÅÅ-MM-DD), tomt om deltagandet pågår."),
        "",
        in_header=False,
    ),
    Column(
        "avslutsorsak",
        "exit_reason",
        False,
        _("Avslutsorsak; krävs med avslutsdatum."),
        "",
        EXIT_REASON,
        in_header=False,
    ),
    Column(
        "sysselsättning_efter",
        "employment_after",
        False,
        _("Sysselsättning efter insatsen; krävs med avslutsdatum (utom för felregistrerad)."),
        "",
        EMPLOYMENT,
        in_header=False,
    ),
    Column(
        "försörjning_efter",
        "income_after",
        False,
        _("Försörjningskällor efter insatsen, skrivna som försörjning_före; krävs med avslutsdatum."),
        "",
        INCOME,
        in_header=False,
    ),
)
HEADERS = tuple(column.header for column in COLUMNS)
_BY_HEADER = {column.header: column for column in COLUMNS}
_COLUMN_OF_FIELD = {column.field: column.header for column in COLUMNS}
_COLUMN_OF_FIELD.update({"start_year": "startdatum", "file": ""})


def column_of(field: str | None) -> str:
    return _COLUMN_OF_FIELD.get(field or "", field or "")


# --- reading the file (core.tabular: the one reader of the platform's imports) --------------------


_cell_text = cell_text


class ImportFile(TabularFile):
    """A participant file on disk, read lazily, one row at a time: `rows()` yields (row number, cells
    by column header) for every non-blank row after the header."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            path,
            headers=HEADERS,
            required=[column.header for column in COLUMNS if column.in_header],
            max_bytes=settings.IMPORT_MAX_BYTES,
        )


# --- parsing one row ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """The förbund's interventions by id and by name, and whether the actor coordinates each."""

    association: Association
    by_id: dict[int, InterventionFacts]
    by_name: dict[str, list[int]]
    today: date


def context_for(*, actor: Actor, association: Association, today: date | None = None) -> Context:
    require(actor, Capability.PARTICIPANT_EDIT, association.pk)
    coordinated = set(
        intervention_selectors.coordinated_interventions(
            user=actor, association_id=association.pk
        ).values_list("pk", flat=True)
    )
    by_id: dict[int, InterventionFacts] = {}
    by_name: dict[str, list[int]] = {}
    for intervention in intervention_selectors.intervention_list(user=actor, association_id=association.pk):
        by_id[intervention.pk] = InterventionFacts(
            id=intervention.pk,
            kind=intervention.kind,
            start=intervention.start,
            end=intervention.end,
            coordinated=intervention.pk in coordinated,
        )
        by_name.setdefault(_norm(intervention.name), []).append(intervention.pk)
    return Context(association=association, by_id=by_id, by_name=by_name, today=today or timezone.localdate())


class _RowParser:
    def __init__(self, context: Context, number: int, cells: dict[str, Any]) -> None:
        self.context = context
        self.number = number
        self.cells = cells
        self.errors: list[RowError] = []

    def error(self, header: str, message: str) -> None:
        self.errors.append(RowError(self.number, header, message))

    def text(self, header: str) -> str:
        value = self.cells.get(header)
        return value.strip() if type(value) is str else _cell_text(value)

    def intervention(self) -> int | None:
        value = self.text("insats")
        if not value:
            self.error("insats", gettext("Ange insatsens id eller namn."))
            return None
        if value.isdigit() and int(value) in self.context.by_id:
            return int(value)
        by_name = self.context.by_name
        ids = by_name.get(value) or by_name.get(_norm(value), [])
        if len(ids) == 1:
            return ids[0]
        if len(ids) > 1:
            self.error("insats", gettext("Flera insatser i förbundet har det namnet; ange insatsens id."))
            return None
        self.error(
            "insats",
            (
                gettext(
                    "Insatsen finns inte bland insatserna i %(name)s; ange id eller "
                    "namn på en av förbundets insatser."
                )
                % {"name": self.context.association.name}
            ),
        )
        return None

    def date(self, header: str, *, required: bool) -> date | None:
        value = self.cells.get(header)
        if type(value) is str and len(value) == 10:  # the usual case, ÅÅÅÅ-MM-DD in a CSV file
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass  # checked below as any other text
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = _cell_text(value)
        if not text:
            if required:
                self.error(header, gettext("Ange ett datum (ÅÅÅÅ-MM-DD)."))
            return None
        try:
            if len(text) != 10:
                raise ValueError(text)
            return date.fromisoformat(text)
        except ValueError:
            self.error(header, gettext("Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2024-02-01."))
            return None

    def choice(self, column: Column, *, required: bool) -> str:
        text = self.text(column.header)
        if not text:
            if required:
                self.error(
                    column.header,
                    gettext("Värdet saknas; se de tillåtna värdena i beskrivningen av kolumnerna."),
                )
            return ""
        assert column.choice is not None
        value = column.choice.parse(text)
        if value is None:
            self.error(
                column.header, gettext("Okänt värde; se de tillåtna värdena i beskrivningen av kolumnerna.")
            )
            return ""
        return value

    def income(self, column: Column, *, required: bool) -> tuple[tuple[str, int], ...]:
        text = self.text(column.header)
        if not text:
            if required:
                self.error(
                    column.header, gettext("Ange minst en försörjningskälla, till exempel sjukpenning:100.")
                )
            return ()
        entries: list[tuple[str, int]] = []
        assert column.choice is not None
        for part in text.split("|"):
            name, _sep, extent_text = part.partition(":")
            source = column.choice.parse(name)
            if source is None:
                self.error(column.header, gettext("Okänd försörjningskälla; se de tillåtna värdena."))
                return ()
            extent_text = extent_text.replace("%", "").strip()
            if not extent_text:
                extent = 100
            elif extent_text.isdigit() and int(extent_text) in EXTENTS:
                extent = int(extent_text)
            else:
                self.error(column.header, gettext("Omfattningen ska vara 25, 50, 75 eller 100 (procent)."))
                return ()
            entries.append((source, extent))
        return tuple(entries)

    def parse(self) -> ImportRow | None:
        if "" in self.cells:
            self.error("", gettext("Raden har fler celler än det finns kolumnrubriker."))
            return None
        by_header = _BY_HEADER
        intervention_id = self.intervention()
        registration = self.choice(by_header["registrering"], required=True)
        consent_given_on = self.date("samtycke_datum", required=False)
        sex = self.choice(by_header["kön"], required=False)
        start = self.date("startdatum", required=True)
        education = self.choice(by_header["utbildningsnivå"], required=True)
        employment_before = self.choice(by_header["sysselsättning_före"], required=True)
        income_before = self.income(by_header["försörjning_före"], required=True)
        exit_day = self.date("avslutsdatum", required=False)
        exit_reason = self.choice(by_header["avslutsorsak"], required=False)
        employment_after = self.choice(by_header["sysselsättning_efter"], required=False)
        income_after = self.income(by_header["försörjning_efter"], required=False)
        if self.errors or intervention_id is None or start is None:
            return None
        return ImportRow(
            row=self.number,
            intervention_id=intervention_id,
            registration=registration,
            identity_number=self.text("personnummer"),
            consent_given_on=consent_given_on,
            consent_form_version=self.text("samtycke_version"),
            sex=sex,
            start=start,
            education_level=education,
            employment_before=employment_before,
            income_before=income_before,
            exit=exit_day,
            exit_reason=exit_reason,
            employment_after=employment_after,
            income_after=income_after,
        )


def parse_row(
    context: Context, number: int, cells: dict[str, Any]
) -> tuple[ImportRow | None, list[RowError]]:
    parser = _RowParser(context, number, cells)
    row = parser.parse()
    return row, parser.errors


# --- the two passes -------------------------------------------------------------------------------

ENGLISH = "en"


def _in_english(make: Callable[[], str]) -> str:
    with translation.override(ENGLISH):
        return make()


def _row_errors(
    context: Context, number: int, cells: dict[str, Any]
) -> tuple[ImportRow | None, IdentityNumber | None, list[RowError]]:
    """One row parsed and checked against the rules (duplicates aside): the row, the rules' reading of
    it, and its errors, in the active language."""
    row, errors = parse_row(context, number, cells)
    if row is None:
        return None, None, errors
    parsed, violations = followup_rules.row_violations(
        row, intervention=context.by_id[row.intervention_id], today=context.today
    )
    if violations:
        errors = [RowError(number, column_of(v.field), v.message) for v in violations]
    return row, parsed, errors


def _with_english(
    errors: list[RowError], context: Context, number: int, cells: dict[str, Any]
) -> list[RowError]:
    """A row's errors with their English text, made by checking the row again in English: the run's
    report is stored once and read in each reader's language. Only rows in error are checked twice, and a
    run keeps at most `settings.IMPORT_MAX_ERRORS` errors."""
    plain = [e for e in errors if not e.message_en]
    if not plain:
        return errors
    with translation.override(ENGLISH):
        _row, _parsed, again = _row_errors(context, number, cells)
    if [(e.row, e.column) for e in again] != [(e.row, e.column) for e in plain]:
        return errors  # cannot happen (the checks depend on the row alone); the Swedish text then stands
    english = iter(again)
    return [e if e.message_en else replace(e, message_en=next(english).message) for e in errors]


class _Duplicates:
    """The keyed hashes seen in the file (32 bytes + the intervention id each, with the row number), and
    a batch of hashes still to be looked up among the participants already registered."""

    def __init__(self) -> None:
        self.seen: dict[bytes, int] = {}
        self.pending: list[tuple[int, int, str]] = []

    def add(self, row: int, intervention_id: int, hashed: str) -> RowError | None:
        key = bytes.fromhex(hashed) + intervention_id.to_bytes(8, "big")
        earlier = self.seen.get(key)
        if earlier is not None:
            return RowError(
                row,
                "personnummer",
                gettext("Personen finns redan på rad %(earlier)s för samma insats.") % {"earlier": earlier},
                message_en=_in_english(
                    lambda: (
                        gettext("Personen finns redan på rad %(earlier)s för samma insats.")
                        % {"earlier": earlier}
                    )
                ),
            )
        self.seen[key] = row
        self.pending.append((row, intervention_id, hashed))
        return None

    def flush(self) -> list[RowError]:
        if not self.pending:
            return []
        registered = set(
            followup_selectors.registered_identities(
                intervention_ids={i for _, i, _ in self.pending}, hashes=[h for _, _, h in self.pending]
            )
        )
        message = gettext("Personen är redan registrerad som deltagare i insatsen.")
        english = _in_english(lambda: gettext("Personen är redan registrerad som deltagare i insatsen."))
        errors = [
            RowError(row, "personnummer", message, message_en=english)
            for row, intervention_id, hashed in self.pending
            if (intervention_id, hashed) in registered
        ]
        self.pending = []
        return errors


def more_errors_message(limit: int) -> str:
    return gettext(
        "Kontrollen avbröts efter %(limit)s fel; filen kan ha fler. Rätta dem och läs in filen igen."
    ) % {"limit": limit}


class _Check:
    """The checking of a file, row by row: parse, the rules, duplicates in the file and (in batches)
    against the database. `rows(keep=True)` also yields the rows found good, in order, while no row so far
    was in error, each only once its duplicate lookup is done; once a row is in error nothing more is
    yielded, but every row is still checked for the report, up to `settings.IMPORT_MAX_ERRORS` errors:
    there the checking stops (`more` tells that the file may have more). `errors`, `count` and `more` are
    complete once the iteration ends."""

    def __init__(
        self, source: ImportFile, context: Context, progress: Callable[[int], None] | None = None
    ) -> None:
        self.source = source
        self.context = context
        self.progress = progress
        self.errors: list[RowError] = []
        self.count = 0
        self.more = False

    def rows(self, *, keep: bool) -> Iterator[ImportRow]:
        context, errors, progress = self.context, self.errors, self.progress
        keyed_hash = followup_selectors.identity_keyed_hash
        duplicates = _Duplicates()
        held: list[ImportRow] = []  # good rows waiting for their duplicate lookup
        limit = settings.IMPORT_MAX_ERRORS
        rows = 0
        for number, cells in self.source.rows():
            rows += 1
            row, parsed, row_errors = _row_errors(context, number, cells)
            if row is not None:
                if not row_errors and parsed is not None:
                    duplicate = duplicates.add(number, row.intervention_id, keyed_hash(parsed.normalised))
                    if duplicate is not None:
                        row_errors.append(duplicate)
                if keep and not row_errors and not errors:
                    held.append(row)
            if row_errors:
                errors += _with_english(row_errors, context, number, cells)
                if len(errors) >= limit:
                    self.more = True
                    break
            if len(duplicates.pending) >= DUPLICATE_BATCH or len(held) >= DUPLICATE_BATCH:
                errors += duplicates.flush()
                if held and not errors:
                    yield from held
                held.clear()
            if progress is not None and rows % PROGRESS_EVERY == 0:
                progress(rows)
        if not self.more:
            errors += duplicates.flush()
        if held and not errors:
            yield from held
        held.clear()
        self.count = rows
        if rows == 0:
            raise ImportFileError(gettext("Filen har inga rader med deltagare under kolumnrubrikerna."))
        if progress is not None:
            progress(rows)
        order = {header: index for index, header in enumerate(HEADERS)}
        errors.sort(key=lambda e: (e.row, order.get(e.column, -1)))
        if len(errors) > limit:
            self.more = True
            del errors[limit:]


@dataclass(frozen=True)
class Checked:
    """The outcome of `check`: the rows read, the errors (sorted by row), and whether the checking stopped
    at the most errors kept (`settings.IMPORT_MAX_ERRORS`), so that the file may have more."""

    rows: int
    errors: list[RowError]
    more: bool


def check(source: ImportFile, *, context: Context, progress: Callable[[int], None] | None = None) -> Checked:
    """The validation pass. Raises ImportFileError when the file as a whole cannot be read."""
    checking = _Check(source, context, progress)
    for _row in checking.rows(keep=False):
        pass
    return Checked(rows=checking.count, errors=checking.errors, more=checking.more)


def validate(
    source: ImportFile, *, context: Context, progress: Callable[[int], None] | None = None
) -> tuple[int, list[RowError]]:
    """The validation pass: (number of rows, the errors sorted by row): `check` without telling whether
    the checking stopped at the most errors kept."""
    checked = check(source, context=context, progress=progress)
    return checked.rows, checked.errors


@dataclass(frozen=True)
class Loaded:
    """The outcome of `load`: the rows read, the errors (sorted by row), whether the checking stopped at
    the most errors kept, and the counts of what was stored: None when there were errors and nothing was
    stored."""

    rows: int
    errors: list[RowError]
    counts: dict[str, int] | None
    more: bool = False


class _Refused(Exception):
    """Rolls back the rows written before the first row in error was found."""


def load(
    source: ImportFile,
    *,
    actor: Actor,
    context: Context,
    checked: Callable[[int], None] | None = None,
    written: Callable[[int], None] | None = None,
) -> Loaded:
    """Both passes in one reading of the file, for the command line: every row is parsed and checked once
    (as `validate` does) and, while no row so far is in error, the good rows stream to the bulk service
    (which checks each again, as `write` does). At the first row in error the bulk service gets no more
    rows, the checking goes on to the end of the file for the report, and nothing is stored: all or
    nothing, as with the two passes, at half the reading and parsing. `checked` and `written` are told
    the rows checked and the rows prepared for writing so far."""
    checking = _Check(source, context, checked)
    rows = checking.rows(keep=True)

    def before_store() -> None:
        if checking.errors:  # the whole file is checked once the rows are exhausted
            raise _Refused

    try:
        try:
            counts = followup_services.participants_import(
                actor=actor,
                association=context.association,
                rows=rows,
                today=context.today,
                batch_size=LOAD_BATCH,
                progress=written,
                before_store=before_store,
            )
        except RuleViolation:
            if not checking.errors:  # a refusal of the service itself (a person registered meanwhile)
                raise
            for _row in rows:  # the rest of the file is checked for the report
                pass
            raise _Refused from None
    except _Refused:
        return Loaded(rows=checking.count, errors=checking.errors, counts=None, more=checking.more)
    return Loaded(rows=checking.count, errors=[], counts=counts)


def typed_rows(source: ImportFile, *, context: Context) -> Iterator[ImportRow]:
    """The rows of a file that passed `validate`, parsed again, one at a time."""
    for number, cells in source.rows():
        row, errors = parse_row(context, number, cells)
        if row is None:  # the file changed between the passes
            raise RuleViolation(
                "R-INPUT",
                gettext("Rad %(number)s: %(value)s")
                % {"number": number, "value": errors[0].message if errors else gettext("kan inte läsas.")},
            )
        yield row


def write(
    source: ImportFile,
    *,
    actor: Actor,
    context: Context,
    progress: Callable[[int], None] | None = None,
    then: Callable[[dict[str, int]], None] | None = None,
) -> dict[str, int]:
    """The write pass: the rows streamed to the bulk service (one transaction, all or nothing); `then` is
    called with the counts inside that transaction."""
    return followup_services.participants_import(
        actor=actor,
        association=context.association,
        rows=typed_rows(source, context=context),
        today=context.today,
        progress=progress,
        then=then,
    )


# --- the template ---------------------------------------------------------------------------------


def template_csv() -> bytes:
    """The header row, in UTF-8 with a byte order mark (Excel then opens it as UTF-8), semicolons."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerow(HEADERS)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(*, interventions: Sequence[tuple[int, str]]) -> bytes:
    """A workbook whose first sheet is the file to fill in (the header row, text cells so that Excel
    keeps the leading zeros of numbers), and a second sheet with the columns, their allowed values and
    the förbund's interventions. Only the first sheet is read back."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Deltagare"
    sheet.append(list(HEADERS))
    for index, header in enumerate(HEADERS, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(14, len(header) + 4)
        sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"
    _drop_downs(book, sheet, interventions)
    guide = book.create_sheet("Anvisningar")
    guide.append(["kolumn", "krävs", "beskrivning", "exempel", "tillåtna värden"])
    for column in COLUMNS:
        allowed = "; ".join(f"{value} ({label})" for value, label in column.allowed())
        guide.append(
            [column.header, "ja" if column.required else "", str(column.description), column.example, allowed]
        )
    guide.append([])
    guide.append(["insatser", "", "id och namn på förbundets insatser"])
    for pk, name in interventions:
        guide.append(["", "", f"{pk}: {name}"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Columns whose cell holds several coded values (source:percent|…) get no drop-down list: Excel's list
# would refuse what the column needs.
_COMPOSITE = {"income_before", "income_after"}


def _drop_downs(book: Any, sheet: Any, interventions: Sequence[tuple[int, str]]) -> None:
    """Drop-down lists in the sheet to fill in: the förbund's interventions by name, and the codes of each
    coded column, from a hidden sheet of lists (after the first, which alone is read back). A value typed
    outside the list gets a warning, not a refusal: the import's own check is the one that decides."""
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    from finsam.reports import excel

    lists = book.create_sheet("Listor")
    lists.sheet_state = "hidden"
    for index, column in enumerate(COLUMNS, start=1):
        if column.field == "intervention":
            values = [name for _pk, name in interventions]
        elif column.choice is not None and column.field not in _COMPOSITE:
            values = [value for value, _label in column.allowed()]
        else:
            continue
        if not values:
            continue
        list_letter = get_column_letter(index)
        lists.cell(row=1, column=index, value=column.header)
        for row, value in enumerate(values, start=2):
            excel.put(lists, row, index, value)  # a name that looks like a formula stays text
        source = f"{quote_sheetname(lists.title)}!${list_letter}$2:${list_letter}${len(values) + 1}"
        validation = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            errorStyle="warning",
            showErrorMessage=True,
            errorTitle=column.header,
            error=gettext("Värdet finns inte i listan. Se bladet Anvisningar."),
        )
        sheet.add_data_validation(validation)
        letter = get_column_letter(index)
        validation.add(f"{letter}2:{letter}{sheet.max_row + 100_000}")
