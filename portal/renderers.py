from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    """``{{ form }}`` renders with Bootstrap and the Chinese errors next to each field."""

    form_template_name = "portal/forms/form.html"
