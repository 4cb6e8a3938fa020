from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "finsam.followup"
    label = "followup"
    verbose_name = "Uppföljning"

    def ready(self) -> None:
        # Interventions sits below follow-up and never imports it: it learns here whether an
        # intervention has participants, and how to count them for the intervention's page.
        from finsam.followup import (
            checks,  # noqa: F401 - registers the start-up check of the identity keys
            selectors,
        )
        from finsam.interventions import selectors as intervention_selectors

        intervention_selectors.register_participant_facts(
            has_participants=lambda intervention_id: selectors.intervention_has_participants(
                intervention_id=intervention_id
            ),
            counts=selectors.intervention_counts,
        )
