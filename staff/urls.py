from django.urls import path

from staff import account_views, views

app_name = "staff"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("verify/", views.verify_view, name="verify"),
    path("enrol/", views.enrol_view, name="enrol"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password"),
    path("recovery-codes/", views.recovery_codes_new, name="recovery_codes"),
    path("audit/", views.audit_list, name="audit"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
    path("accounts/", account_views.account_list, name="accounts"),
    path("accounts/<int:pk>/", account_views.account_detail, name="account"),
    path("approvals/", account_views.approvals, name="approvals"),
    path("approvals/<int:pk>/", account_views.approval_decide, name="approval_decide"),
    path("password/link/", account_views.password_link, name="password_link"),
    path("password/set/", account_views.password_set, name="password_set"),
]
