from allauth.account.forms import LoginForm


class SignInForm(LoginForm):
    """allauth's sign-in form in the words of GOV.UK services (the reset link sits below the form)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Email address"
        self.fields["login"].error_messages["required"] = "Enter your email address"
        self.fields["password"].help_text = ""
        self.fields["password"].error_messages["required"] = "Enter your password"
