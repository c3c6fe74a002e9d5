from django.db import models
from django.utils.translation import gettext_lazy as _


class AidProgram(models.TextChoices):
    TIBET = "援藏", _("援藏")
    XINJIANG = "援疆", _("援疆")
    QINGHAI = "援青", _("援青")
    SICHUAN = "援川藏区", _("援川藏区")
    GANSU = "援甘藏区", _("援甘藏区")
    YUNNAN = "援滇藏区", _("援滇藏区")


class PairingLevel(models.TextChoices):
    PREFECTURE = "prefecture", _("地市")
    COUNTY = "county", _("县")
    DIVISION = "division", _("兵团师")
    REGIMENT = "regiment", _("兵团团场")


class Confidence(models.TextChoices):
    HIGH = "high", _("高")
    MEDIUM = "medium", _("中")
    LOW = "low", _("低")
