from django.db import models
from django.utils.translation import gettext_lazy as _

from aid_projects.choices import AidProgram, Confidence, PairingLevel
from portal.models import Authority
from portal.scoping import RestrictedQuerySet


class PairingQuerySet(RestrictedQuerySet):
    def current(self, on=None):
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=on),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=on),
        )


class Pairing(models.Model):
    """One line of the central pairing (对口支援关系): an aiding unit supports a recipient area.

    The table is incomplete and changes; ministry staff maintain it in the browser.  The raw text
    of the source table is kept beside the resolved authorities.
    """

    program = models.CharField(_("援助类别"), max_length=12, choices=AidProgram.choices)
    aiding_authority = models.ForeignKey(
        Authority, verbose_name=_("支援方"), on_delete=models.PROTECT, related_name="pairings_given"
    )
    aiding_unit_label = models.CharField(_("支援方（原文）"), max_length=64, blank=True)
    recipient_province = models.ForeignKey(
        Authority, verbose_name=_("受援省份"), on_delete=models.PROTECT, related_name="pairings_received"
    )
    recipient_area = models.ForeignKey(
        Authority, verbose_name=_("受援地市/师"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="pairings_as_area",
    )
    recipient_area_label = models.CharField(_("受援地市/师（原文）"), max_length=64, blank=True)
    recipient_counties = models.ManyToManyField(
        Authority, verbose_name=_("受援县（已识别）"), blank=True, related_name="pairings_as_county"
    )
    recipient_counties_label = models.CharField(_("受援县/团场（原文）"), max_length=200, blank=True)
    level = models.CharField(_("结对层级"), max_length=12, choices=PairingLevel.choices)
    confidence = models.CharField(_("可信度"), max_length=8, choices=Confidence.choices, default=Confidence.MEDIUM)
    source_note = models.CharField(_("来源说明"), max_length=300, blank=True)
    valid_from = models.DateField(_("起始日期"), null=True, blank=True)
    valid_to = models.DateField(_("终止日期"), null=True, blank=True)

    objects = PairingQuerySet.as_manager()
    scope_field = None  # the pairing is public to every authority

    class Meta:
        verbose_name = _("对口支援关系")
        verbose_name_plural = _("对口支援关系")
        ordering = ["program", "recipient_province__code", "aiding_authority__code", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="pairing_valid_range",
            ),
            models.UniqueConstraint(
                fields=["program", "aiding_unit_label", "recipient_province", "recipient_area_label",
                        "recipient_counties_label"],
                name="pairing_unique_source_line",
            ),
        ]

    def __str__(self):
        target = self.recipient_area.name if self.recipient_area else self.recipient_area_label
        return f"{self.aiding_authority.name} → {self.recipient_province.name}{target}（{self.program}）"
