from __future__ import annotations

from django.urls import path

from . import views

app_name = "districts"
urlpatterns = [
    path("all/", views.district_list, name="list"),
    path("mine/", views.district_mine, name="mine"),
    path("work-log/", views.worklog_list, name="worklog"),
    path("work-log/download/", views.worklog_download, name="worklog-download"),
    path("work-log/add/", views.worklog_create, name="worklog-add"),
    path("work-log/<int:pk>/edit/", views.worklog_update, name="worklog-edit"),
    path("work-log/<int:pk>/delete/", views.worklog_delete, name="worklog-delete"),
    path("partners/", views.partner_list, name="partners"),
    path("partners/add/", views.partner_create, name="partner-add"),
    path("partners/<int:pk>/edit/", views.partner_update, name="partner-edit"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework"),
    path("frameworks/<int:pk>/edit/", views.framework_update, name="framework-edit"),
    path("frameworks/<int:pk>/priorities/add/", views.priority_create, name="priority-add"),
    path("priorities/<int:pk>/edit/", views.priority_update, name="priority-edit"),
    path("priorities/<int:pk>/move/", views.priority_move, name="priority-move"),
    path("priorities/<int:pk>/delete/", views.priority_delete, name="priority-delete"),
    path("priorities/<int:pk>/actions/add/", views.action_create, name="action-add"),
    path("actions/<int:pk>/edit/", views.action_update, name="action-edit"),
    path("stories/", views.story_list, name="stories"),
    path("stories/<str:kind>/add/", views.story_edit, name="story-add"),
    path("stories/<str:kind>/<int:pk>/edit/", views.story_edit, name="story-edit"),
    path("<slug:slug>/", views.district_detail, name="detail"),
    path("<slug:slug>/frameworks/add/", views.framework_create, name="framework-add"),
]
