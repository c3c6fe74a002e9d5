from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import Group

from portal.models import ADMIN_ROLES, Authority, AuthorityLevel, Role, User, role_authority_error


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。连续 5 次错误将锁定账号 30 分钟。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"


def authority_choices_queryset():
    # ministry, provinces and prefectures in the picker; counties are reached by code search in admin tools
    return Authority.objects.filter(level__in=[AuthorityLevel.MINISTRY, AuthorityLevel.PROVINCE,
                                               AuthorityLevel.PREFECTURE]).select_related("parent")


def scoped_authorities(user):
    """The authorities ``user`` may put an account in: the picker's, narrowed to the user's own area."""
    qs = authority_choices_queryset()
    if user is not None and not user.is_ministry and user.authority:
        qs = qs.within(user.authority)
    return qs


class UserForm(forms.ModelForm):
    """System administrator: the account itself (not its roles: that is the security administrator's).

    The authority is chosen when the account is created; moving an existing account to another
    authority changes what it may read, so that is the security administrator's (UserAuthorityForm).
    """

    password1 = forms.CharField(label="初始密码", widget=forms.PasswordInput, required=False,
                                help_text="新建账号必填；修改时留空表示不改。用户首次登录后须修改。")

    class Meta:
        model = User
        fields = ["username", "full_name", "authority", "phone", "email", "is_active"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = scoped_authorities(user)
        self.fields["authority"].required = True
        if self.instance.pk:
            self.fields["authority"].help_text = "调整所属机关须由安全管理员办理。"
            self.fields["password1"].label = "重置密码"

    def clean_authority(self):
        authority = self.cleaned_data.get("authority")
        if self.instance.pk and authority is not None and authority.pk != self.instance.authority_id:
            raise forms.ValidationError(
                "调整所属机关会改变账号可见的数据范围，须由安全管理员在「调整所属机关」中办理。")
        return authority

    def clean_password1(self):
        password = self.cleaned_data.get("password1")
        if not self.instance.pk and not password:
            raise forms.ValidationError("新建账号须设置初始密码。")
        if password:
            password_validation.validate_password(password, self.instance)
        return password

    def save(self, commit=True):
        user = super().save(commit=False)
        if self.cleaned_data.get("password1"):
            user.set_password(self.cleaned_data["password1"])
            user.must_change_password = True
        if commit:
            user.save()
        return user


def role_choices():
    """The portal's roles, then the duty groups apps declare in their roles.py (e.g. 案件审批人)."""
    from portal.roles import all_role_permissions

    extra = sorted(name for name in all_role_permissions() if name not in Role.values)
    return [*Role.choices, *[(name, name) for name in extra]]


class RoleAssignmentForm(forms.Form):
    """Security administrator: which roles an account holds (at most one administrator role)."""

    roles = forms.MultipleChoiceField(label="角色", choices=role_choices, widget=forms.CheckboxSelectMultiple,
                                      required=False)

    def __init__(self, *args, account=None, **kwargs):
        self.account = account
        super().__init__(*args, **kwargs)

    def clean_roles(self):
        roles = self.cleaned_data["roles"]
        admin = [r for r in roles if r in ADMIN_ROLES]
        if len(admin) > 1:
            raise forms.ValidationError(
                "系统管理员、安全管理员、审计管理员三者互斥（三权分立），一个账号至多担任其一。"
            )
        if admin and len(roles) > 1:
            raise forms.ValidationError("管理员账号不能同时担任业务角色。")
        if self.account is not None and self.account.authority is None and roles:
            raise forms.ValidationError("该账号尚未指定所属机关，不能分配角色。")
        error = role_authority_error(roles, self.account.authority if self.account is not None else None)
        if error:
            raise forms.ValidationError(error)
        return roles

    def save(self):
        self.account.groups.set(Group.objects.filter(name__in=self.cleaned_data["roles"]))


class UserAuthorityForm(forms.Form):
    """Security administrator: move an account to another authority (its scope follows)."""

    authority = forms.ModelChoiceField(label="所属机关", queryset=Authority.objects.none())

    def __init__(self, *args, account, user, **kwargs):
        self.account = account
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = scoped_authorities(user)

    def clean_authority(self):
        authority = self.cleaned_data["authority"]
        if authority.pk == self.account.authority_id:
            raise forms.ValidationError("所选机关与现在相同。")
        error = role_authority_error(self.account.role_names, authority)
        if error:
            raise forms.ValidationError(f"{error}请先调整该账号的角色。")
        return authority
