from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "finsam.followup"
    label = "followup"
    verbose_name = "Uppföljning"
