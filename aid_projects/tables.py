import django_tables2 as tables

from aid_projects.models import Pairing


class PairingTable(tables.Table):
    aiding_authority = tables.Column(verbose_name="支援方")
    recipient = tables.TemplateColumn(
        "{{ record.recipient_province.name }}{% if record.recipient_area %}{{ record.recipient_area.name }}"
        "{% else %}{{ record.recipient_area_label }}{% endif %}",
        verbose_name="受援地", orderable=False,
    )
    edit = tables.TemplateColumn(
        '{% if perms.aid_projects.change_pairing %}<a href="{% url \'aid_projects:pairing-update\' record.pk %}">'
        "修改</a>{% endif %}",
        verbose_name="", orderable=False,
    )

    class Meta:
        model = Pairing
        fields = ("program", "aiding_authority", "recipient", "recipient_counties_label", "level", "confidence",
                  "valid_from", "valid_to", "edit")
        attrs = {"class": "table table-sm table-hover align-middle"}
