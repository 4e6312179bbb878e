from django.urls import path

from staff import account_views, passkeys, views

app_name = "staff"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("verify/", views.verify_view, name="verify"),
    path("enrol/", views.enrol_view, name="enrol"),
    path("enrol/link/", views.enrol_link_view, name="enrol_link"),
    path("enrolment-links/", views.enrolment_links, name="enrolment_links"),
    path("passkeys/register/begin/", passkeys.RegisterBegin.as_view(), name="passkey_register_begin"),
    path("passkeys/register/complete/", passkeys.RegisterComplete.as_view(), name="passkey_register_complete"),
    path("passkeys/auth/begin/", passkeys.AuthBegin.as_view(), name="passkey_auth_begin"),
    path("passkeys/auth/complete/", passkeys.AuthComplete.as_view(), name="passkey_auth_complete"),
    path("passkeys/jsi18n/", passkeys.passkey_catalog, name="passkey_catalog"),
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
