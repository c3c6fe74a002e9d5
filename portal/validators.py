from django.core.exceptions import ValidationError


class CharacterClassValidator:
    """At least ``min_classes`` of: lowercase, uppercase, digits, other characters."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    @staticmethod
    def classes(password: str) -> int:
        return sum(
            [
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            ]
        )

    def validate(self, password, user=None):
        if self.classes(password) < self.min_classes:
            raise ValidationError(
                "密码须包含小写字母、大写字母、数字、其他符号中的至少 %(n)d 类。",
                code="password_too_simple",
                params={"n": self.min_classes},
            )

    def get_help_text(self):
        return f"密码须包含小写字母、大写字母、数字、其他符号中的至少 {self.min_classes} 类。"


class UsernameNotInPasswordValidator:
    """The password may not contain the account name (in any letter case)."""

    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").strip().lower()
        if username and username in password.lower():
            raise ValidationError("密码不能包含用户名。", code="password_contains_username")

    def get_help_text(self):
        return "密码不能包含用户名。"


class PasswordHistoryValidator:
    """The password may not be the current one nor any of the last ``count`` (PasswordHistory)."""

    def __init__(self, count: int = 5):
        self.count = count

    def validate(self, password, user=None):
        from django.contrib.auth.hashers import check_password

        if user is None or user.pk is None:
            return
        hashes = [user.password, *user.password_history.values_list("password", flat=True)[: self.count]]
        if any(h and check_password(password, h) for h in hashes):
            raise ValidationError("不能使用最近 %(n)d 次用过的密码。", code="password_reused",
                                  params={"n": self.count})

    def get_help_text(self):
        return f"不能使用最近 {self.count} 次用过的密码。"
