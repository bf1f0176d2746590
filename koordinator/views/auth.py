from django.contrib.auth import views as auth_views

LoginView = auth_views.LoginView
LogoutView = auth_views.LogoutView
PasswordChangeView = auth_views.PasswordChangeView
PasswordChangeDoneView = auth_views.PasswordChangeDoneView
