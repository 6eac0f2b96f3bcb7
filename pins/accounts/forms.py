from allauth.account.forms import LoginForm
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from django import forms


class SignInForm(LoginForm):
    """allauth's sign-in form in the words of GOV.UK services (the reset link sits below the form)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Email address"
        self.fields["login"].error_messages["required"] = "Enter your email address"
        self.fields["password"].help_text = ""
        self.fields["password"].error_messages["required"] = "Enter your password"


class EmailForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class InviteSencoForm(EmailForm):
    school = forms.ModelChoiceField(
        queryset=None,
        label="School",
        empty_label="Choose a school",
        error_messages={
            "required": "Choose the school",
            "invalid_choice": "Choose one of your ICB's schools",
        },
    )
    field_order = ["school", "email"]

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["school"].label_from_instance = lambda school: f"{school.name} (URN {school.urn})"


class InviteSpecialistForm(forms.Form):
    specialist = forms.ModelChoiceField(
        queryset=None,
        label="Specialist",
        empty_label="Choose a specialist",
        help_text="The invitation goes to the e-mail address on their record.",
        error_messages={
            "required": "Choose the specialist",
            "invalid_choice": "Choose one of your ICB's specialists who has no account yet",
        },
    )

    def __init__(self, *args, specialists, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialist"].queryset = specialists
        self.fields["specialist"].label_from_instance = lambda specialist: (
            f"{specialist.full_name}, {specialist.get_discipline_display()} ({specialist.email})"
        )


class InviteForumLeadForm(EmailForm):
    forum = forms.ModelChoiceField(
        queryset=None,
        label="Parent carer forum",
        empty_label="Choose a forum",
        error_messages={"required": "Choose the forum", "invalid_choice": "Choose one of your ICB's forums"},
    )
    field_order = ["forum", "email"]

    def __init__(self, *args, forums, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["forum"].queryset = forums


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=200, error_messages={"required": "Enter your full name"})
    password1 = forms.CharField(
        label="Create a password",
        help_text="Use at least 12 characters. Avoid common words and passwords you use elsewhere.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a password"},
    )
    password2 = forms.CharField(
        label="Confirm your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Confirm your password"},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password2") and cleaned["password1"] != cleaned["password2"]:
            self.add_error("password2", "The passwords do not match")
        return cleaned


class SecurityCodeForm(AuthenticateForm):
    """allauth's second step of signing in, in GOV.UK words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = "Security code"
        self.fields[
            "code"
        ].help_text = "The 6-digit code your authenticator app shows now, or one of your recovery codes."
        self.fields["code"].widget.attrs.update({"inputmode": "numeric", "spellcheck": "false"})
        self.fields["code"].error_messages["required"] = "Enter the security code"


class SecurityCodeCheckForm(ReauthenticateForm, SecurityCodeForm):
    """The security code asked of someone already signed in whose session has not passed the second factor."""
