from django.urls import path

from . import invitation_views, views, views_corrections

app_name = "intake"

urlpatterns = [
    path("new/", views.new_consultation, name="new"),
    path("<uuid:token>/", views.consultation, name="consultation"),
    path("<uuid:token>/save/", views.save_answers, name="save"),
    path("<uuid:token>/discard/", views.discard, name="discard"),
    path("corrections/<int:pk>/", views_corrections.correct_answers, name="correct"),
    path("invitations/", invitation_views.invitation_list, name="invitations"),
    path("invitations/new/", invitation_views.new_invitation, name="invitation_new"),
    path(
        "invitations/<int:pk>/revoke/", invitation_views.revoke_invitation, name="invitation_revoke"
    ),
    path(
        "invitations/<int:pk>/review/", invitation_views.review_invitation, name="invitation_review"
    ),
]
