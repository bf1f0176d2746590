"""The plan pages, included under ``planer/``. Page URLs are Norwegian; names are English."""

from __future__ import annotations

from django.urls import path

from plans import pdf_views
from plans.views import content, crisis, history, notes, pages

urlpatterns = [
    # The plan itself
    path("sak/<int:pk>/", pages.plan_for_case, name="plan_for_case"),
    path("min-plan/", pages.my_plan, name="my_plan"),
    path("min-plan/fremgang/", pages.my_progress, name="my_progress"),
    path("<int:pk>/", pages.plan_detail, name="plan_detail"),
    path("<int:pk>/endre/", pages.plan_edit, name="plan_edit"),
    path("<int:pk>/samtykke/", pages.plan_consent, name="plan_consent"),
    path("<int:pk>/ta-i-bruk/", pages.plan_activate, name="plan_activate"),
    path("<int:pk>/takket-nei/", pages.plan_decline, name="plan_decline"),
    path("<int:pk>/tilby-igjen/", pages.plan_reoffer, name="plan_reoffer"),
    path("<int:pk>/avslutt/", pages.plan_end, name="plan_end"),
    path("<int:pk>/revider/", pages.plan_revise, name="plan_revise"),
    path("<int:pk>/plan.pdf", pdf_views.plan_pdf, name="plan_pdf"),
    path("<int:pk>/plan-stor-skrift.pdf", pdf_views.plan_pdf_large, name="plan_pdf_large"),
    # Progress and history
    path("<int:pk>/fremgang/", history.plan_progress, name="plan_progress"),
    path("<int:pk>/historikk/", history.plan_timeline, name="plan_timeline"),
    path("<int:pk>/historikk/<int:history_id>/gjenopprett/", history.plan_restore, name="plan_restore"),
    # Goals, steps, suggestions, measures
    path("<int:pk>/mal/ny/", content.goal_create, name="goal_create"),
    path("mal/<int:pk>/endre/", content.goal_edit, name="goal_edit"),
    path("mal/<int:pk>/fjern/", content.goal_archive, name="goal_archive"),
    path("mal/<int:pk>/delmal/ny/", content.step_create, name="step_create"),
    path("mal/<int:pk>/foresla/", content.step_suggest, name="step_suggest"),
    path("delmal/<int:pk>/endre/", content.step_edit, name="step_edit"),
    path("delmal/<int:pk>/avslutt/", content.step_close, name="step_close"),
    path("delmal/<int:pk>/fjern/", content.step_archive, name="step_archive"),
    path("forslag/<int:pk>/ta-med/", content.suggestion_accept, name="suggestion_accept"),
    path("forslag/<int:pk>/svar/", content.suggestion_reject, name="suggestion_reject"),
    path("<int:pk>/tiltak/ny/", content.measure_create, name="measure_create"),
    path("tiltak/<int:pk>/endre/", content.measure_edit, name="measure_edit"),
    path("tiltak/<int:pk>/fjern/", content.measure_archive, name="measure_archive"),
    # Notes and comments
    path("delmal/<int:pk>/notat/", notes.step_note, name="step_note"),
    path("tiltak/<int:pk>/notat/", notes.measure_note, name="measure_note"),
    path("mal/<int:pk>/kommentar/", notes.goal_comment, name="goal_comment"),
    path("delmal/<int:pk>/kommentar/", notes.step_comment, name="step_comment"),
    # Crisis plans (issue 5): the plan, contacts, sign-offs, PDFs, history, and emergency access
    path("kriseplan/bruker/<int:pk>/", crisis.crisis_plan_for_user, name="crisis_plan_for_user"),
    path("kriseplan/min/", crisis.my_crisis_plan, name="my_crisis_plan"),
    path("kriseplan/<int:pk>/", crisis.crisis_plan_detail, name="crisis_plan_detail"),
    path("kriseplan/<int:pk>/endre/", crisis.crisis_plan_edit, name="crisis_plan_edit"),
    path("kriseplan/<int:pk>/kontakt/ny/", crisis.contact_create, name="crisis_contact_create"),
    path("kriseplan/kontakt/<int:pk>/endre/", crisis.contact_edit, name="crisis_contact_edit"),
    path("kriseplan/kontakt/<int:pk>/flytt-<str:direction>/", crisis.contact_move, name="crisis_contact_move"),
    path("kriseplan/kontakt/<int:pk>/fjern/", crisis.contact_remove, name="crisis_contact_remove"),
    path("kriseplan/<int:pk>/bekreft/", crisis.crisis_sign_off, name="crisis_sign_off"),
    path("kriseplan/<int:pk>/papir/", crisis.crisis_paper_sign_off, name="crisis_paper_sign_off"),
    path("kriseplan/<int:pk>/arkiver/", crisis.crisis_plan_archive, name="crisis_plan_archive"),
    path("kriseplan/<int:pk>/kriseplan.pdf", crisis.crisis_plan_pdf, name="crisis_plan_pdf"),
    path("kriseplan/<int:pk>/lommekort.pdf", crisis.crisis_pocket_pdf, name="crisis_pocket_pdf"),
    path("kriseplan/<int:pk>/historikk/", crisis.crisis_plan_timeline, name="crisis_plan_timeline"),
    path("kriseplan/<int:pk>/historikk/<int:history_id>/gjenopprett/", crisis.crisis_plan_restore,
         name="crisis_plan_restore"),
    path("kriseplan/nodtilgang/", crisis.emergency_search, name="crisis_emergency_search"),
    path("kriseplan/nodtilgang/apne/", crisis.emergency_open, name="crisis_emergency_open"),
]
