from django.urls import path

from . import views
from .views import colleagues, policies, secretariat, spreadsheet, workspace

app_name = "surveys"

urlpatterns = [
    path("survey/link/<str:token>/", views.invitation_open, name="open"),
    # The focal point's workspace: the response comes from the session, never from the URL.
    path("survey/", workspace.task_list, name="workspace"),
    path("survey/section/<slug:slug>/", workspace.section_page, name="section"),
    path(
        "survey/section/<slug:slug>/autosave/",
        workspace.section_autosave,
        name="section_autosave",
    ),
    path("survey/policies/", policies.policies, name="policies"),
    path("survey/policies/new/", policies.policy_new, name="policy_new"),
    path(
        "survey/policies/new/autosave/",
        policies.policy_new_autosave,
        name="policy_new_autosave",
    ),
    path("survey/policies/<int:pk>/", policies.policy, name="policy"),
    path("survey/policies/<int:pk>/autosave/", policies.policy_autosave, name="policy_autosave"),
    path("survey/policies/<int:pk>/decision/", policies.policy_decision, name="policy_decision"),
    path("survey/policies/<int:pk>/delete/", policies.policy_delete, name="policy_delete"),
    path("survey/policies/<int:pk>/reply/", policies.policy_reply, name="policy_reply"),
    path("survey/check/", workspace.check, name="check"),
    path("survey/submit/", workspace.submit, name="submit"),
    path("survey/submitted/", workspace.submitted, name="submitted"),
    path("survey/receipt.xlsx", workspace.receipt, name="receipt"),
    path("survey/spreadsheet/", spreadsheet.spreadsheet_page, name="spreadsheet"),
    path("survey/spreadsheet.xlsx", spreadsheet.spreadsheet_download, name="spreadsheet_download"),
    path(
        "survey/spreadsheet/changes/",
        spreadsheet.spreadsheet_changes,
        name="spreadsheet_changes",
    ),
    path("survey/colleagues/", colleagues.colleagues, name="colleagues"),
    path(
        "survey/colleagues/<int:pk>/revoke/",
        colleagues.colleague_revoke,
        name="colleague_revoke",
    ),
    # The secretariat's dashboard.
    path("secretariat/surveys/", secretariat.rounds, name="secretariat_rounds"),
    path("secretariat/surveys/<slug:slug>/", secretariat.round_page, name="secretariat_round"),
    path(
        "secretariat/surveys/<slug:slug>/invite/",
        secretariat.invite,
        name="secretariat_invite",
    ),
    path(
        "secretariat/surveys/<slug:slug>/remind/",
        secretariat.remind,
        name="secretariat_remind",
    ),
    path(
        "secretariat/surveys/<slug:slug>/links/<int:pk>/",
        secretariat.link,
        name="secretariat_link",
    ),
    path(
        "secretariat/surveys/<slug:slug>/responses/<int:pk>/reopen/",
        secretariat.reopen,
        name="secretariat_reopen",
    ),
    path(
        "secretariat/surveys/<slug:slug>/responses/<int:pk>/spreadsheet/",
        spreadsheet.secretariat_spreadsheet,
        name="secretariat_spreadsheet",
    ),
    path(
        "secretariat/surveys/<slug:slug>/responses/<int:pk>/spreadsheet.xlsx",
        spreadsheet.secretariat_spreadsheet_download,
        name="secretariat_spreadsheet_download",
    ),
    path(
        "secretariat/surveys/<slug:slug>/responses/<int:pk>/spreadsheet/changes/",
        spreadsheet.secretariat_spreadsheet_changes,
        name="secretariat_spreadsheet_changes",
    ),
]
