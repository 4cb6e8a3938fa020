"""Every read of the help desk, scoped by the user.

A question is seen by its förbund's users (every förbund role: the asker, the director, the board, the
auditors, the coordinators, the member representatives) and by the working group (national_admin), through
HELPDESK_VIEW; a question outside the user's scope does not exist for them (Http404). The council
(national_viewer) sees no question. The published FAQ is public; unpublished entries are for the working
group only.

Search: on PostgreSQL full-text search with the Swedish configuration (title weight A, text weight B),
websearch syntax, ranked, with highlighted snippets; on SQLite every word must occur (case-insensitively
for ASCII letters), title hits first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext

from finsam.accounts import selectors as account_selectors
from finsam.core.access import Actor, filter_scope, has_capability, require, scope_for
from finsam.core.audit_text import Described, ObjectText, Refs, ids_of
from finsam.core.roles import Capability, Role
from finsam.national.handbook.models import HandbookPage
from finsam.national.helpdesk import rules
from finsam.national.helpdesk.models import FaqEntry, Question, QuestionAttachment, QuestionMessage
from finsam.national.helpdesk.schemas import MessageKind
from finsam.registry import selectors as registry_selectors

VIEW = Capability.HELPDESK_VIEW
ASK = Capability.HELPDESK_ASK
ANSWER = Capability.HELPDESK_ANSWER
RESULTS_PER_KIND = 20


def _visible(user: Actor) -> QuerySet[Question]:
    return filter_scope(Question.objects.all(), require(user, VIEW))


def question_list(
    *, user: Actor, status: str = "", category: str = "", association_id: int | None = None
) -> QuerySet[Question]:
    """The questions the user may see, last changed first, with förbund, asker and assignee. One query."""
    questions = _visible(user)
    if status:
        questions = questions.filter(status=status)
    if category:
        questions = questions.filter(category=category)
    if association_id is not None:
        questions = questions.filter(association_id=association_id)
    return questions.select_related("association", "asker", "assignee").order_by("-updated_at", "-id")


def question_get(*, user: Actor, question_id: int, capability: Capability = VIEW) -> Question:
    """One question with its thread and attachments; Http404 outside the user's scope."""
    scope = require(user, capability)
    messages = QuestionMessage.objects.select_related("author").prefetch_related("attachments")
    question = (
        Question.objects.select_related("association", "asker", "assignee")
        .prefetch_related(
            Prefetch("messages", queryset=messages),
            Prefetch("attachments", queryset=QuestionAttachment.objects.filter(message__isnull=True)),
        )
        .filter(pk=question_id)
        .first()
    )
    if question is None or not scope.allows(question.association_id):
        raise Http404
    return question


def faq_entry_of(question: Question) -> FaqEntry | None:
    return FaqEntry.objects.filter(question=question).first()


def answer_count(question: Question) -> int:
    return question.messages.filter(kind=MessageKind.ANSWER).count()


def attachment_get(*, user: Actor, attachment_id: int) -> QuestionAttachment:
    scope = require(user, VIEW)
    attachment = QuestionAttachment.objects.select_related("question").filter(pk=attachment_id).first()
    if attachment is None or not scope.allows(attachment.question.association_id):
        raise Http404
    return attachment


def askable_associations(*, user: Actor) -> list[tuple[int, str]]:
    """The förbund the user may ask on behalf of: those where they hold a role (by name)."""
    scope = scope_for(user, ASK)
    if scope.all:
        return [(a.pk, a.name) for a in registry_selectors.associations().order_by("name")]
    return [
        (a.pk, a.name)
        for a in registry_selectors.associations().filter(pk__in=scope.association_ids).order_by("name")
    ]


def association_for_asking(*, user: Actor, association_id: int) -> Any:
    """The förbund a question is asked on behalf of; Http404 when the user holds no role in it."""
    scope = require(user, ASK)
    association = registry_selectors.associations().filter(pk=association_id).first()
    if association is None or not scope.allows(association.pk):
        raise Http404
    return association


def visible_associations(*, user: Actor) -> list[tuple[int, str]]:
    """The förbund whose questions the user sees (for the working group's filter)."""
    scope = require(user, VIEW)
    associations = registry_selectors.associations().order_by("name")
    if not scope.all:
        associations = associations.filter(pk__in=scope.association_ids)
    return [(a.pk, a.name) for a in associations]


def assignees() -> QuerySet[Any]:
    """Who a question can be assigned to: the working group (active users holding national_admin)."""
    return account_selectors.national_role_holders(role=Role.NATIONAL_ADMIN)


def can_answer(*, user: Actor) -> bool:
    return has_capability(user, ANSWER)


def can_ask(*, user: Actor, question: Question | None = None) -> bool:
    scope = scope_for(user, ASK)
    return not scope.empty if question is None else scope.allows(question.association_id)


def status_counts(*, user: Actor) -> dict[str, int]:
    rows = _visible(user).values("status").annotate(n=Count("id")).order_by()
    return {row["status"]: row["n"] for row in rows}


# --- the public FAQ ------------------------------------------------------------------------------


def faq_list(*, category: str = "") -> QuerySet[FaqEntry]:
    entries = FaqEntry.objects.filter(published=True)
    if category:
        entries = entries.filter(category=category)
    return entries.order_by("-published_at", "-id")


def faq_get(*, user: Actor, entry_id: int) -> FaqEntry:
    """A published entry for anyone; an unpublished one for the working group only."""
    entry = FaqEntry.objects.filter(pk=entry_id).first()
    if entry is None or not (entry.published or has_capability(user, ANSWER)):
        raise Http404
    return entry


# --- search --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    kind: str  # "question", "faq" or "handbook"
    object: Any
    title: str
    snippet: rules.Snippet


@dataclass
class SearchResults:
    query: str
    questions: list[Hit] = field(default_factory=list)
    faq: list[Hit] = field(default_factory=list)
    handbook: list[Hit] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.questions) + len(self.faq) + len(self.handbook)


START, STOP = "\u27e6", "\u27e7"  # hit markers of the database's headline, split into pieces afterwards


def _full_text() -> bool:
    return connection.vendor == "postgresql"


def _search_postgres(
    queryset: QuerySet[Any], query: str, title: str, bodies: tuple[str, ...]
) -> list[tuple[Any, rules.Snippet]]:
    from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector

    vector = SearchVector(title, weight="A", config="swedish") + SearchVector(
        *bodies, weight="B", config="swedish"
    )
    search = SearchQuery(query, search_type="websearch", config="swedish")
    rows = (
        queryset.annotate(helpdesk_match=vector)
        .filter(helpdesk_match=search)
        .annotate(
            helpdesk_rank=SearchRank(vector, search),
            helpdesk_headline=SearchHeadline(
                bodies[0],
                search,
                config="swedish",
                start_sel=START,
                stop_sel=STOP,
                max_words=35,
                min_words=15,
            ),
        )
        .order_by("-helpdesk_rank", "-pk")[:RESULTS_PER_KIND]
    )
    return [(row, rules.marked_pieces(row.helpdesk_headline, START, STOP)) for row in rows]


def _search_simple(
    queryset: QuerySet[Any], words: list[str], title: str, bodies: tuple[str, ...]
) -> list[tuple[Any, rules.Snippet]]:
    in_title = Q()
    for word in words:
        anywhere = Q(**{f"{title}__icontains": word})
        for body in bodies:
            anywhere |= Q(**{f"{body}__icontains": word})
        queryset = queryset.filter(anywhere)
        in_title &= Q(**{f"{title}__icontains": word})
    rows = queryset.annotate(
        helpdesk_order=Case(When(in_title, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("helpdesk_order", "-pk")[:RESULTS_PER_KIND]
    return [(row, rules.snippet(getattr(row, bodies[0]), words)) for row in rows]


def _search(queryset: QuerySet[Any], query: str, title: str, *bodies: str) -> list[tuple[Any, rules.Snippet]]:
    words = rules.search_words(query)
    if not words:
        return []
    if _full_text():
        return _search_postgres(queryset, query, title, bodies)
    return _search_simple(queryset, words, title, bodies)


def search(*, user: Actor, query: str) -> SearchResults:
    """Questions the user may see, published FAQ entries and handbook pages matching `query`. Anonymous
    visitors and users without a help desk role get the FAQ only (the handbook needs a sign-in)."""
    query = query.strip()[:200]
    results = SearchResults(query=query)
    if not rules.search_words(query):
        return results
    results.faq = [
        Hit("faq", entry, entry.title, piece)
        for entry, piece in _search(faq_list(), query, "title", "question_text", "answer_text")
    ]
    if getattr(user, "is_authenticated", False):
        if has_capability(user, VIEW):
            questions = _visible(user).select_related("association")
            results.questions = [
                Hit("question", q, q.title, piece) for q, piece in _search(questions, query, "title", "body")
            ]
        pages = HandbookPage.objects.select_related("chapter")
        results.handbook = [
            Hit("handbook", p, p.title, piece) for p, piece in _search(pages, query, "title", "body")
        ]
    return results


def faq_search(*, query: str) -> list[Hit]:
    """The public FAQ's own search."""
    if not rules.search_words(query):
        return []
    return [
        Hit("faq", entry, entry.title, piece)
        for entry, piece in _search(faq_list(), query.strip()[:200], "title", "question_text", "answer_text")
    ]


# --- the audit log's words ------------------------------------------------------------------------


def audit_objects(*, refs: Refs) -> Described:
    """The questions named in audit entries, for the log. One query."""
    return {
        ("national.question", str(q.pk)): ObjectText(
            gettext("frågan ”{title}”").format(title=q.title),
            reverse("national:helpdesk_question_detail", args=[q.pk]),
        )
        for q in Question.objects.filter(pk__in=ids_of(refs, "national.question"))
    }
