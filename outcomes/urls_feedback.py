"""Page routes of outcomes (feedback); included by koordinator/urls.py.

The anonymous feedback (``outcomes.views.feedback``): on Min side, on paper, through the signed link in an SMS
(no log-in; ``papir/`` comes before the link so it is never read as a token), and the leader's results, «Send
lenke på SMS» and the check of the free texts for names.
"""

from django.urls import path

from outcomes.views import feedback

urlpatterns: list = [
    path("min-side/tilbakemelding/", feedback.my_feedback, name="my_feedback"),
    path("tilbakemelding/papir/", feedback.feedback_paper, name="feedback_paper"),
    path("tilbakemelding/<str:token>/", feedback.feedback_link, name="feedback_link"),
    path("leder/tilbakemeldinger/", feedback.feedback_results, name="feedback_results"),
    path("leder/tilbakemeldinger/sjekk/", feedback.feedback_check, name="feedback_check"),
    path("leder/tilbakemeldinger/send-lenke/", feedback.feedback_send_links, name="feedback_send_links"),
]
