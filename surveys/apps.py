from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Surveys and follow-ups"

    def ready(self):
        from surveys import receivers

        receivers.connect()
