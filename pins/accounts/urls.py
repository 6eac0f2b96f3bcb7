from django.urls import path

from pins.accounts import views as access_views

app_name = "access"
urlpatterns = [
    path("icbs/<str:ods_code>/access/", access_views.icb_access, name="icb"),
    path(
        "icbs/<str:ods_code>/access/coordinators/invite/",
        access_views.invite_coordinator,
        name="invite_coordinator",
    ),
    path("icbs/<str:ods_code>/access/sencos/invite/", access_views.invite_senco, name="invite_senco"),
    path("icbs/<str:ods_code>/access/invite/upload/", access_views.invite_in_bulk, name="invite_in_bulk"),
    path(
        "icbs/<str:ods_code>/access/specialists/invite-every-new/",
        access_views.invite_every_new_specialist,
        name="invite_every_new_specialist",
    ),
    path(
        "icbs/<str:ods_code>/access/specialists/invite/",
        access_views.invite_specialist,
        name="invite_specialist",
    ),
    path(
        "icbs/<str:ods_code>/access/coordinators/<int:membership_id>/remove/",
        access_views.remove_coordinator,
        name="remove_coordinator",
    ),
    path(
        "icbs/<str:ods_code>/access/sencos/<int:membership_id>/remove/",
        access_views.remove_senco,
        name="remove_senco",
    ),
    path(
        "icbs/<str:ods_code>/access/specialists/<int:specialist_id>/remove/",
        access_views.remove_specialist_account,
        name="remove_specialist_account",
    ),
    path(
        "icbs/<str:ods_code>/access/invitations/<int:invitation_id>/withdraw/",
        access_views.withdraw_invitation,
        name="withdraw_invitation",
    ),
    path(
        "icbs/<str:ods_code>/access/invitations/<int:invitation_id>/resend/",
        access_views.resend_invitation,
        name="resend_invitation",
    ),
    path(
        "icbs/<str:ods_code>/access/forum-leads/invite/",
        access_views.invite_forum_lead,
        name="invite_forum_lead",
    ),
    path(
        "icbs/<str:ods_code>/access/forum-leads/<int:membership_id>/remove/",
        access_views.remove_forum_lead,
        name="remove_forum_lead",
    ),
    path("invitations/<str:token>/", access_views.accept_invitation, name="accept_invitation"),
]
