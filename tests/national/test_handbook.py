"""The handbook: Markdown pages that every signed-in user reads and the working group edits; every save
a version with author and time, the history, the difference between two versions, edit conflicts, and
links from the text to the register of rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from finsam.core.errors import RuleViolation
from finsam.core.models import AuditEntry
from finsam.national.handbook import rules, selectors, services
from finsam.national.handbook.models import HandbookChapter, HandbookPage, HandbookVersion
from finsam.reports.markdown import render

pytestmark = pytest.mark.django_db

BUDGET_TEXT = "Styrelsen fastställer budgeten senast den 30 november (R-BUDGET).\n\nSe också R-SAMRAD-6.\n"


@dataclass
class Handbook:
    editor: Any
    chapter: HandbookChapter
    page: HandbookPage


@pytest.fixture
def handbook(world: Any) -> Handbook:
    editor = world.users["national_admin"]
    chapter = services.chapter_create(actor=editor, number=5, title="Ekonomi", slug="ekonomi")
    page = services.page_create(
        actor=editor,
        chapter=chapter,
        number=1,
        title="Budgetprocessen",
        slug="budgetprocessen",
        body=BUDGET_TEXT,
        comment="Första versionen.",
    )
    return Handbook(editor, chapter, page)


def _save(h: Handbook, body: str, *, version: int, comment: str = "") -> HandbookPage:
    return services.page_update(
        actor=h.editor,
        page=h.page,
        version=version,
        chapter=h.chapter,
        number=1,
        title=h.page.title,
        slug=h.page.slug,
        body=body,
        comment=comment,
    )


def _edit_data(h: Handbook, body: str, version: int) -> dict[str, Any]:
    return {
        "chapter": h.chapter.pk,
        "number": 1,
        "title": "Budgetprocessen",
        "slug": "budgetprocessen",
        "body": body,
        "comment": "",
        "version": version,
    }


# --- sanitising -----------------------------------------------------------------------------------

DANGEROUS = """\
<script>alert("skript")</script>
<p onclick="alert('klick')">Stycke</p>
<img src="x" onerror="alert('bild')">
[javascript-länk](javascript:alert('länk'))
[data-länk](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
<a href="JaVaScRiPt:alert('blandat')">blandat</a>
<iframe src="https://example.org"></iframe>
[vanlig länk](https://www.finsam.se/)
"""


def test_markdown_from_users_keeps_no_script_handler_or_dangerous_link() -> None:
    # Python-Markdown passes raw HTML through: this holds only because nh3 cleans what it renders.
    html = str(render(DANGEROUS))
    lowered = html.lower()
    for gone in ("<script", "alert(", "onclick", "onerror", "javascript:", "data:text", "<iframe", "<img"):
        assert gone not in lowered, gone
    assert '<a href="https://www.finsam.se/" rel="noopener noreferrer">vanlig länk</a>' in html
    assert "Stycke" in html


def test_a_page_shows_its_text_sanitised(world: Any, handbook: Handbook) -> None:
    _save(handbook, DANGEROUS, version=1)
    client = world.client(world.users["association_admin"])
    page = client.get(reverse("national:handbook_page", kwargs={"slug": "budgetprocessen"})).content.decode()
    assert "vanlig länk" in page
    assert "alert(" not in page and "javascript:" not in page.lower() and "onerror" not in page


def test_rule_codes_in_the_text_link_to_the_rule_pages(world: Any, handbook: Handbook) -> None:
    client = world.client(world.users["board_member"])
    page = client.get(reverse("national:handbook_page", kwargs={"slug": "budgetprocessen"})).content.decode()
    assert '<a href="/nationellt/regler/R-BUDGET/" title="Budget senast 30 november efter samråd"' in page
    assert 'href="/nationellt/regler/R-SAMRAD/#punkt-6"' in page


# --- versions -------------------------------------------------------------------------------------


def test_every_save_is_a_version_with_author_time_and_comment(handbook: Handbook) -> None:
    _save(handbook, BUDGET_TEXT + "\nNy rad.\n", version=1, comment="La till en rad.")
    _save(handbook, "Helt ny text.\n", version=2)
    page = HandbookPage.objects.get(pk=handbook.page.pk)
    assert page.version == 3 and page.body == "Helt ny text.\n"
    versions = list(HandbookVersion.objects.filter(page=page).order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3]
    assert all(v.author == handbook.editor and v.created_at is not None for v in versions)
    assert versions[0].body == BUDGET_TEXT and versions[1].comment == "La till en rad."
    assert list(
        AuditEntry.objects.filter(object_id=str(page.pk), action__startswith="handbook_page")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["handbook_page.create", "handbook_page.update", "handbook_page.update"]


def test_a_save_that_changes_nothing_writes_no_version(handbook: Handbook) -> None:
    _save(handbook, BUDGET_TEXT, version=1)
    assert HandbookVersion.objects.filter(page=handbook.page).count() == 1


def test_a_save_over_someone_elses_is_refused_and_writes_nothing(handbook: Handbook) -> None:
    _save(handbook, "Först sparad.\n", version=1)
    with pytest.raises(RuleViolation) as refused:
        _save(handbook, "Sent sparad.\n", version=1)
    assert refused.value.code == "R-CONFLICT"
    assert HandbookPage.objects.get(pk=handbook.page.pk).body == "Först sparad.\n"
    assert HandbookVersion.objects.filter(page=handbook.page).count() == 2


def test_only_the_working_group_may_write(world: Any, handbook: Handbook) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.page_update(
            actor=world.users["association_admin"],
            page=handbook.page,
            version=1,
            chapter=handbook.chapter,
            number=1,
            title="x",
            slug="x",
            body="x",
        )


def test_an_address_or_number_already_taken_is_refused(handbook: Handbook) -> None:
    with pytest.raises(RuleViolation) as refused:
        services.page_create(
            actor=handbook.editor,
            chapter=handbook.chapter,
            number=1,
            title="Annan",
            slug="budgetprocessen",
            body="Text.",
        )
    assert {(v.code, v.field) for v in refused.value.violations} == {
        ("R-UNIQUE", "number"),
        ("R-UNIQUE", "slug"),
    }
    with pytest.raises(RuleViolation) as bad:
        services.page_create(
            actor=handbook.editor, chapter=handbook.chapter, number=2, title="", slug="Fel Adress", body=""
        )
    assert {v.field for v in bad.value.violations} == {"title", "slug", "body"}


# --- history and differences ----------------------------------------------------------------------


def test_the_difference_lists_removed_added_and_kept_lines() -> None:
    lines = rules.diff_lines("a\nb\nc\n", "a\nB\nc\nd\n")
    assert [(line.change, line.text, line.old_number, line.new_number) for line in lines] == [
        ("same", "a", 1, 1),
        ("removed", "b", 2, None),
        ("added", "B", None, 2),
        ("same", "c", 3, 3),
        ("added", "d", None, 4),
    ]
    assert rules.diff_counts(lines) == (1, 2)


def test_a_shortened_difference_keeps_context_around_changes_and_counts_what_it_leaves_out() -> None:
    old = "".join(f"rad {n}\n" for n in range(1, 21))
    lines = rules.with_context(rules.diff_lines(old, old.replace("rad 10\n", "rad tio\n")), context=2)
    shown = [(line.change, getattr(line, "text", None), getattr(line, "count", None)) for line in lines]
    assert shown == [
        ("gap", None, 7),
        ("same", "rad 8", None),
        ("same", "rad 9", None),
        ("removed", "rad 10", None),
        ("added", "rad tio", None),
        ("same", "rad 11", None),
        ("same", "rad 12", None),
        ("gap", None, 8),
    ]


def test_the_history_lists_every_version_with_its_author(world: Any, handbook: Handbook) -> None:
    _save(handbook, "Andra versionen.\n", version=1, comment="Omskriven.")
    client = world.client(world.users["auditor"])
    response = client.get(reverse("national:handbook_history", kwargs={"slug": "budgetprocessen"}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Version 1" in page and "Version 2" in page and "Omskriven." in page
    assert handbook.editor.username in page
    assert page.count('name="fran"') == 2 and page.count('name="till"') == 2


def test_the_difference_between_two_chosen_versions_is_shown_in_words(world: Any, handbook: Handbook) -> None:
    _save(handbook, "Styrelsen fastställer budgeten senast den 30 november.\n\nNy mening.\n", version=1)
    _save(handbook, "Tredje.\n", version=2)
    client = world.client(world.users["member_representative"])
    url = reverse("national:handbook_diff", kwargs={"slug": "budgetprocessen"})
    page = client.get(url, {"fran": 1, "till": 2}).content.decode()
    assert "<del>Se också R-SAMRAD-6.</del>" in page and "<ins>Ny mening.</ins>" in page
    assert "Borttagen" in page and "Tillagd" in page and "<caption" in page
    assert "Tredje." not in page
    swapped = client.get(url, {"fran": 3, "till": 1}).content.decode()  # any two, in either order
    assert "<ins>Tredje.</ins>" in swapped
    assert client.get(url, {"fran": 1, "till": 9}).status_code == 404
    assert client.get(url, {"fran": "x", "till": 1}).status_code == 400


def test_an_earlier_version_can_be_read(world: Any, handbook: Handbook) -> None:
    _save(handbook, "Ny text.\n", version=1)
    client = world.client(world.users["national_viewer"])
    url = reverse("national:handbook_version", kwargs={"slug": "budgetprocessen", "handbook_version": 1})
    page = client.get(url).content.decode()
    assert "30 november" in page and "Ny text." not in page


# --- editing through the pages ----------------------------------------------------------------------


def test_the_working_group_edits_a_page_and_a_new_version_is_saved(world: Any, handbook: Handbook) -> None:
    client = world.client(handbook.editor)
    url = reverse("national:handbook_page_edit", kwargs={"slug": "budgetprocessen"})
    assert client.get(url).status_code == 200
    response = client.post(url, _edit_data(handbook, "Ändrad text.\n", 1))
    assert response.status_code == 302
    assert HandbookPage.objects.get(pk=handbook.page.pk).version == 2


def test_an_edit_conflict_answers_409_keeps_the_text_and_shows_what_is_saved(
    world: Any, handbook: Handbook
) -> None:
    _save(handbook, "Någon annans text.\n", version=1)
    client = world.client(handbook.editor)
    url = reverse("national:handbook_page_edit", kwargs={"slug": "budgetprocessen"})
    response = client.post(url, _edit_data(handbook, "Min text.\n", 1))
    page = response.content.decode()
    assert response.status_code == 409
    assert (
        "Någon annan har ändrat sidan sedan du öppnade formuläret" in page
        and '/nationellt/regler/R-CONFLICT/"' in page
    )
    assert "Min text." in page and "<del>Någon annans text.</del>" in page
    assert 'name="version" value="2"' in page  # saving again is a deliberate overwrite
    assert HandbookPage.objects.get(pk=handbook.page.pk).body == "Någon annans text.\n"
    again = client.post(url, _edit_data(handbook, "Min text.\n", 2))
    assert again.status_code == 302 and HandbookPage.objects.get(pk=handbook.page.pk).version == 3


def test_a_refused_page_answers_400_with_the_message_on_the_field(world: Any, handbook: Handbook) -> None:
    client = world.client(handbook.editor)
    data = _edit_data(handbook, "Text.\n", 1) | {"slug": "Inte En Adress"}
    response = client.post(reverse("national:handbook_page_edit", kwargs={"slug": "budgetprocessen"}), data)
    assert response.status_code == 400 and "små bokstäver" in response.content.decode()


def test_the_working_group_creates_chapters_and_pages(world: Any, handbook: Handbook) -> None:
    client = world.client(handbook.editor)
    response = client.post(
        reverse("national:handbook_chapter_create"),
        {"number": 6, "title": "Uppföljning", "slug": "uppfoljning", "intro": ""},
    )
    assert response.status_code == 302
    chapter = HandbookChapter.objects.get(slug="uppfoljning")
    response = client.post(
        reverse("national:handbook_page_create"),
        {"chapter": chapter.pk, "number": 1, "title": "Samtycke", "slug": "samtycke", "body": "R-CONSENT."},
    )
    assert response.status_code == 302 and response["Location"] == "/nationellt/handbok/samtycke/"
    assert HandbookVersion.objects.get(page__slug="samtycke").author == handbook.editor
    stale = client.post(
        reverse("national:handbook_chapter_edit", args=[chapter.pk]),
        {"number": 6, "title": "Uppföljning och utvärdering", "slug": "uppfoljning", "version": 7},
    )
    assert stale.status_code == 409


# --- access ---------------------------------------------------------------------------------------

READ = ["handbook_index", "handbook_pdf", "rule_list"]


@pytest.mark.parametrize("name", READ)
def test_anonymous_visitors_are_sent_to_sign_in(world: Any, handbook: Handbook, name: str) -> None:
    response = world.client(None).get(reverse(f"national:{name}"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_anonymous_visitors_cannot_read_a_page(world: Any, handbook: Handbook) -> None:
    response = world.client(None).get(reverse("national:handbook_page", kwargs={"slug": "budgetprocessen"}))
    assert response.status_code == 302


@pytest.mark.parametrize("role", ["association_admin", "participant_coordinator", "board_member", "auditor"])
def test_every_signed_in_user_reads_but_only_the_working_group_edits(
    world: Any, handbook: Handbook, role: str
) -> None:
    client = world.client(world.users[role])
    page = client.get(reverse("national:handbook_page", kwargs={"slug": "budgetprocessen"}))
    assert page.status_code == 200 and "Ändra sidan" not in page.content.decode()
    edit = reverse("national:handbook_page_edit", kwargs={"slug": "budgetprocessen"})
    assert client.get(edit).status_code == 403
    assert client.post(edit, _edit_data(handbook, "Intrång.\n", 1)).status_code == 403
    assert client.get(reverse("national:handbook_page_create")).status_code == 403
    assert HandbookPage.objects.get(pk=handbook.page.pk).version == 1


def test_the_editor_sees_the_edit_links(world: Any, handbook: Handbook) -> None:
    page = world.client(handbook.editor).get(reverse("national:handbook_index")).content.decode()
    assert "Ny sida" in page and reverse("national:handbook_chapter_edit", args=[handbook.chapter.pk]) in page


# --- the register's pages -------------------------------------------------------------------------


def test_a_rule_page_shows_text_points_sources_and_the_handbook_pages_that_name_it(
    world: Any, handbook: Handbook
) -> None:
    client = world.client(world.users["participant_coordinator"])
    page = client.get(reverse("national:rule_detail", kwargs={"code": "R-SAMRAD"})).content.decode()
    assert (
        'id="punkt-1"' in page
        and 'id="punkt-6"' in page
        and "Underlag 001, Nationella rådets rekommendation om medlemssamråd" in page
    )
    assert '/nationellt/handbok/budgetprocessen/"' in page  # it names R-SAMRAD-6
    budget = client.get(reverse("national:rule_detail", kwargs={"code": "R-BUDGET"})).content.decode()
    assert "30 november" in budget and "23 §" in budget and "budgetprocessen" in budget
    assert "budgetprocessen" not in client.get("/nationellt/regler/R-CONSENT/").content.decode()


def test_a_point_of_a_rule_leads_to_the_rule_and_an_unknown_code_is_404(world: Any) -> None:
    client = world.client(world.users["auditor"])
    point = client.get("/nationellt/regler/R-SAMRAD-2/")
    assert point.status_code == 302 and point["Location"] == "/nationellt/regler/R-SAMRAD/#punkt-2"
    assert client.get("/nationellt/regler/R-NOPE/").status_code == 404


def test_the_rule_list_keeps_rules_and_input_checks_apart(world: Any) -> None:
    page = world.client(world.users["board_member"]).get(reverse("national:rule_list")).content.decode()
    rules_part, checks_part = page.split("Kontroller av indata", 1)
    assert "R-BUDGET" in rules_part and "R-INPUT" not in rules_part and "R-INPUT" in checks_part


def test_pages_mentioning_a_code_match_whole_codes(handbook: Handbook) -> None:
    assert [p.slug for p in selectors.pages_mentioning(user=handbook.editor, code="R-BUDGET")] == [
        "budgetprocessen"
    ]
    assert selectors.pages_mentioning(user=handbook.editor, code="R-SHARES") == []
