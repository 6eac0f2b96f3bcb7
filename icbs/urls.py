"""Parent carer forum funding's URLs, included by pins.urls under the namespace `funding`."""

from django.urls import path

from icbs import views

app_name = "funding"
urlpatterns = [
    path("icbs/<str:ods_code>/funding/", views.icb_funding, name="icb"),
    path("icbs/<str:ods_code>/funding/awards/new/", views.award_new, name="award_new"),
    path("funding/awards/<int:award_id>/", views.award_detail, name="award"),
    path("funding/awards/<int:award_id>/approve/", views.award_approve, name="award_approve"),
    path("funding/awards/<int:award_id>/cancel/", views.award_cancel, name="award_cancel"),
    path("funding/awards/<int:award_id>/pay/", views.award_pay, name="award_pay"),
    path(
        "funding/awards/<int:award_id>/payments/<int:entry_id>/reverse/",
        views.payment_reverse,
        name="payment_reverse",
    ),
    path("funding/awards/<int:award_id>/activities/new/", views.activity_new, name="activity_new"),
    path("funding/awards/<int:award_id>/claims/new/", views.claim_new, name="claim_new"),
    path("funding/claims/<int:claim_id>/", views.claim_detail, name="claim"),
    path("funding/forums/<int:forum_id>/", views.forum_detail, name="forum"),
    path("funding/pots/", views.pots, name="pots"),
    path("funding/pots/upload/", views.pots_upload, name="pots_upload"),
    path("funding/forums/upload/", views.forums_upload, name="forums_upload"),
]
