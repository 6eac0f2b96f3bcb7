from django.urls import path

from icbs import views

app_name = "icbs"
urlpatterns = [
    path("", views.icb_list, name="list"),
    path("<str:ods_code>/", views.icb_detail, name="detail"),
]
