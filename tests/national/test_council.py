"""The national council and working group: representatives with periods, the bodies' meetings from
governance, and the recommendations: drafts for the working group only, published and withdrawn for every
signed-in user, statuses that only move forward, rule codes from the register."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from finsam.core.access import SYSTEM
from finsam.core.errors import RuleViolation
from finsam.governance import services as governance_services
from finsam.national.council import services
from finsam.national.council.models import Recommendation

pytestmark = pytest.mark.django_db


def recommendation(
    status: str = "published", title: str = "Om medlemssamråd", **values: Any
) -> Recommendation:
    defaults: dict[str, Any] = {
        "kind": "recommendation",
        "date": date(2017, 3, 1),
        "text": "## Rekommendation\n\n- Minst ett medlemssamråd årligen.",
        "rule_codes": ["R-SAMRAD"],
    }
    defaults.update(values)
    return services.recommendation_create(actor=SYSTEM, title=title, status=status, **defaults)


def update(item: Recommendation, **values: Any) -> Recommendation:
    fields = {k: getattr(item, k) for k in ("kind", "title", "date", "status", "text", "rule_codes")}
    fields.update(values)
    return services.recommendation_update(actor=SYSTEM, recommendation=item, version=item.version, **fields)


def test_drafts_are_the_working_groups_and_published_ones_everyones(world: Any) -> None:
    draft = recommendation("draft", title="Utkast om uppföljning")
    published = recommendation()
    for role in ("association_admin", "national_viewer", "participant_coordinator"):
        client = world.client(world.users[role])
        page = client.get(reverse("national:council")).content.decode()
        assert "Om medlemssamråd" in page
        assert "Utkast om uppföljning" not in page
        assert client.get(reverse("national:recommendation_detail", args=[draft.pk])).status_code == 404
        assert client.get(reverse("national:recommendation_detail", args=[published.pk])).status_code == 200
    admin = world.client(world.users["national_admin"])
    assert "Utkast om uppföljning" in admin.get(reverse("national:council")).content.decode()
    assert admin.get(reverse("national:recommendation_detail", args=[draft.pk])).status_code == 200


def test_a_withdrawn_recommendation_is_shown_marked_as_withdrawn(world: Any) -> None:
    item = update(recommendation(), status="withdrawn")
    page = world.client(world.users["board_member"]).get(
        reverse("national:recommendation_detail", args=[item.pk])
    )
    assert page.status_code == 200
    assert "Rådet har återkallat rekommendationen" in page.content.decode()


def test_the_status_moves_from_draft_to_published_to_withdrawn_only(world: Any) -> None:
    item = recommendation("draft")
    item = update(item, status="published")
    with pytest.raises(RuleViolation) as refused:
        update(item, status="draft")
    assert refused.value.code == "R-COUNCIL-STATUS"
    item = update(Recommendation.objects.get(pk=item.pk), status="withdrawn")
    with pytest.raises(RuleViolation):
        update(item, status="published")
    assert Recommendation.objects.get(pk=item.pk).status == "withdrawn"
    with pytest.raises(RuleViolation):
        recommendation("withdrawn", title="Ny men återkallad")


def test_rule_codes_must_be_in_the_register_and_nothing_is_written_otherwise(world: Any) -> None:
    with pytest.raises(RuleViolation) as refused:
        recommendation(rule_codes=["R-SAMRAD", "R-FINNS-INTE"])
    assert "R-FINNS-INTE" in refused.value.message
    assert refused.value.violations[0].field == "rule_codes"
    assert not Recommendation.objects.exists()
    point = recommendation(rule_codes=["r-samrad-1", "R-SAMRAD-1"])  # a numbered point, once
    assert point.rule_codes == ["R-SAMRAD-1"]


def test_the_recommendation_page_names_the_rules_it_underlies(world: Any) -> None:
    item = recommendation(rule_codes=["R-SAMRAD", "R-BUDGET"])
    page = world.client(world.users["member_representative"]).get(
        reverse("national:recommendation_detail", args=[item.pk])
    )
    text = page.content.decode()
    assert "R-SAMRAD</span> Medlemssamråd enligt rådets rekommendation" in text
    assert "R-BUDGET" in text
    assert "<h2>Rekommendation</h2>" in text


def test_only_the_working_group_edits(world: Any) -> None:
    item = recommendation()
    for role in ("national_viewer", "association_admin"):
        client = world.client(world.users[role])
        assert client.get(reverse("national:recommendation_create")).status_code == 403
        assert client.post(reverse("national:recommendation_edit", args=[item.pk]), {}).status_code == 403
        assert client.get(reverse("national:council_representative_create")).status_code == 403
    assert world.client(None).get(reverse("national:council")).status_code == 302
    admin = world.client(world.users["national_admin"])
    response = admin.post(
        reverse("national:recommendation_create"),
        {
            "kind": "position",
            "title": "Om eget kapital",
            "date": "2019-10-01",
            "status": "draft",
            "rule_codes": "R-BUDGET, R-SHARES",
            "text": "Text.",
        },
    )
    assert response.status_code == 302
    assert Recommendation.objects.get(title="Om eget kapital").rule_codes == ["R-BUDGET", "R-SHARES"]
    refused = admin.post(
        reverse("national:recommendation_create"),
        {
            "kind": "position",
            "title": "Fel",
            "date": "2019-10-01",
            "status": "draft",
            "rule_codes": "R-X",
            "text": "T",
        },
    )
    assert refused.status_code == 400
    assert "Okänd regel: R-X" in refused.content.decode()


def test_the_council_page_shows_current_and_past_representatives(world: Any) -> None:
    fk = services.organisation_create(actor=SYSTEM, name="Försäkringskassan", short_name="FK")
    skr = services.organisation_create(actor=SYSTEM, name="Sveriges Kommuner och Regioner", short_name="SKR")
    today = timezone.localdate()
    services.representative_create(
        actor=SYSTEM,
        name="Annika Strandberg",
        organisation=fk,
        body="council",
        role="chair",
        start=date(2023, 1, 1),
    )
    services.representative_create(
        actor=SYSTEM,
        name="Lars Engström",
        organisation=skr,
        body="council",
        role="member",
        start=date(2019, 1, 1),
        end=today - timedelta(days=1),
    )
    with pytest.raises(RuleViolation):
        services.representative_create(
            actor=SYSTEM, name="Baklänges", organisation=fk, body="council", role="member",
            start=date(2024, 1, 1), end=date(2023, 1, 1),
        )  # fmt: skip
    page = world.client(world.users["auditor"]).get(reverse("national:council")).content.decode()
    current = page.split("Ledamöter i Nationella rådet nu")[1].split("</table>")[0]
    assert "Annika Strandberg" in current and "Ordförande" in current
    assert "Lars Engström" not in current
    assert "Tidigare ledamöter (1)" in page and "Lars Engström" in page


def test_the_council_page_lists_the_bodies_meetings_for_the_national_roles(world: Any) -> None:
    meeting = governance_services.meeting_create(
        actor=SYSTEM, kind="national_council", date=date(2026, 3, 12), associations=[], title="Rådets vårmöte"
    )
    admin = world.client(world.users["national_admin"]).get(reverse("national:council")).content.decode()
    assert "Rådets vårmöte" in admin
    assert reverse("governance:meeting_detail", args=[meeting.pk]) in admin
    viewer = world.client(world.users["national_viewer"]).get(reverse("national:council")).content.decode()
    assert "Rådets vårmöte" in viewer
    assert (
        reverse("governance:meeting_detail", args=[meeting.pk]) not in viewer
    )  # governance's page is not theirs
    member = world.client(world.users["association_admin"]).get(reverse("national:council")).content.decode()
    assert "Rådets vårmöte" not in member


def test_the_demo_has_the_council_its_recommendations_and_a_full_conference(demo_data: Any) -> None:
    from finsam.national.conferences.models import Conference
    from finsam.national.council.models import CouncilRepresentative

    samrad = Recommendation.objects.get(title="Nationella rådets rekommendation om medlemssamråd")
    assert samrad.status == "published" and "R-SAMRAD" in samrad.rule_codes
    assert "Ett samråd kan omfatta flera samordningsförbund." in samrad.text
    equity = Recommendation.objects.get(title__contains="eget kapital")
    assert equity.status == "published" and "20 procent" in equity.text
    assert Recommendation.objects.filter(status="draft").exists()
    organisations = set(CouncilRepresentative.objects.values_list("organisation__short_name", flat=True))
    assert {"FK", "AF", "SKR", ""} <= organisations
    assert CouncilRepresentative.objects.filter(body="working_group", end__isnull=False).exists()
    workshop = Conference.objects.get(capacity=3)
    statuses = list(workshop.registrations.values_list("status", flat=True))
    assert statuses.count("confirmed") == 3 and statuses.count("waiting") >= 1


def test_the_council_demo_step_writes_minutes_and_runs_again_without_duplicates(db: Any) -> None:
    import io

    from finsam.core.demo import DemoContext
    from finsam.core.models import AuditEntry
    from finsam.governance import selectors as governance_selectors
    from finsam.national.council.demo import council_step

    ctx = DemoContext(password="x", out=io.StringIO())
    council_step(ctx)
    entries = AuditEntry.objects.count()
    meetings = list(governance_selectors.national_meeting_list(user=SYSTEM))
    assert len(meetings) == 3
    with_minutes = [m.title for m in meetings if hasattr(m, "minutes")]
    assert any("höstmöte" in title for title in with_minutes)
    council_step(ctx)
    assert AuditEntry.objects.count() == entries
    assert set(AuditEntry.objects.values_list("actor_username", flat=True)) == {"system"}
