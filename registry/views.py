"""Pages of the register.  Every authority reads the whole register (public information); writes go
through ``restrict(user, "change")``, so another province's organization answers 404 to an edit."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView

from portal.scoping import object_in_scope
from portal.views.generic import ScopedMixin
from portal.views.service import ServiceCreateView, ServiceFormMixin
from registry import services
from registry.filtersets import OrganizationFilterSet
from registry.forms import RECORD_FORMS, ListEntryRemoveForm, NameCheckForm, OrganizationForm
from registry.models import CreditListEntry, Organization
from registry.namecheck import name_check
from registry.pagination import DEFAULT_SORT, SORTS, estimated_count, keyset_page
from registry.selectors import organization_timeline
from registry.services import RECORD_MODELS

# the authority with its parents: its full name (and bureau name) needs no further query
ORG_QS = Organization.objects.select_related("authority", "authority__parent", "authority__parent__parent")


class OrganizationListView(ScopedMixin, FilterView):
    """The register: search and filters (the API's filterset), keyset pages, an estimated count."""

    model = Organization
    queryset = ORG_QS
    filterset_class = OrganizationFilterSet
    template_name = "registry/organization_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = keyset_page(self.object_list, sort=self.request.GET.get("sort", DEFAULT_SORT),
                           cursor=self.request.GET.get("cursor"))
        query = self.request.GET.copy()
        query.pop("cursor", None)
        context.update(
            title="社会组织", page=page,
            count=estimated_count(self.object_list, narrowed=self.filterset.narrowed_to_province()),
            sorts=[(key, label) for key, (_, label) in SORTS.items()],
            base_query=query.urlencode(),
            create_url_name="registry:organization-create"
            if self.request.user.has_perm("registry.add_organization") else None,
        )
        return context


class OrganizationObjectMixin(ScopedMixin):
    """The organization named by ``pk`` within ``restrict(user, action)``."""

    model = Organization
    queryset = ORG_QS

    def get_object(self):
        if not hasattr(self, "_object"):
            self._object = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        return self._object


class OrganizationDetailView(OrganizationObjectMixin, TemplateView):
    template_name = "registry/organization_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = self.get_object()
        user = self.request.user
        context.update(
            object=org,
            timeline=organization_timeline(org),
            branches=org.branchs.all(),
            formernames=org.formernames.all(),
            open_entries=org.creditlistentrys.filter(removed_on__isnull=True),
            grade=org.current_grade(),
            can_change=user.has_perm("registry.change_organization") and object_in_scope(org, user, "change"),
            record_links=[(kind, title) for kind, (form, title) in RECORD_FORMS.items()
                          if user.has_perm(f"registry.add_{RECORD_MODELS[kind]._meta.model_name}")],
        )
        return context


class OrganizationCreateView(ServiceCreateView):
    model = Organization
    form_class = OrganizationForm
    template_name = "registry/form.html"
    success_message = "已登记。"
    detail_url_name = "registry:organization-detail"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": "登记社会组织"}

    def perform(self, form):
        return services.organization_create(actor=self.request.user, **form.cleaned_data)


class OrganizationUpdateView(ServiceFormMixin, OrganizationObjectMixin, FormView):
    action = "change"
    form_class = OrganizationForm
    template_name = "registry/form.html"
    success_message = "已保存。"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.get_object()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": f"修改登记信息：{self.get_object().name}",
                "object": self.get_object()}

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("renamed_on", "credit_code")}
        services.organization_update(actor=self.request.user, organization=self.get_object(),
                                     renamed_on=form.cleaned_data.get("renamed_on"), **data)

    def get_success_url(self):
        return reverse("registry:organization-detail", args=[self.get_object().pk])


class RecordCreateView(ServiceFormMixin, OrganizationObjectMixin, FormView):
    """Add an inspection result, a grade, a penalty, a list entry, a branch or a former name."""

    action = "change"
    template_name = "registry/form.html"
    success_message = "已登记。"

    def get_permission_required(self):  # after the login check: an anonymous reader learns nothing
        if self.kwargs["kind"] not in RECORD_FORMS:
            raise Http404("没有这种记录。")
        model = RECORD_MODELS[self.kwargs["kind"]]
        return (f"registry.add_{model._meta.model_name}", "registry.change_organization")

    def get_form_class(self):
        return RECORD_FORMS[self.kwargs["kind"]][0]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": RECORD_FORMS[self.kwargs["kind"]][1],
                "object": self.get_object()}

    def perform(self, form):
        services.record_add(actor=self.request.user, organization=self.get_object(), kind=self.kwargs["kind"],
                            **form.cleaned_data)

    def get_success_url(self):
        return reverse("registry:organization-detail", args=[self.get_object().pk]) + "#timeline"


class ListEntryRemoveView(ServiceFormMixin, ScopedMixin, FormView):
    """移出名录 (entry stays in the history with its date and reason)."""

    model = CreditListEntry
    queryset = CreditListEntry.objects.select_related("organization")
    action = "change"
    form_class = ListEntryRemoveForm
    template_name = "registry/form.html"
    success_message = "已移出名录。"

    def get_object(self):
        if not hasattr(self, "_object"):
            self._object = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"], removed_on__isnull=True)
        return self._object

    def get_context_data(self, **kwargs):
        entry = self.get_object()
        return {**super().get_context_data(**kwargs), "object": entry.organization,
                "title": f"移出{entry.get_list_kind_display()}（{entry.entered_on:%Y-%m-%d} 列入，{entry.ground}）"}

    def perform(self, form):
        services.list_entry_remove(actor=self.request.user, entry=self.get_object(),
                                   removed_on=form.cleaned_data["removed_on"],
                                   reason=form.cleaned_data["removal_reason"])

    def get_success_url(self):
        return reverse("registry:organization-detail", args=[self.get_object().organization_id])


class NameCheckView(ScopedMixin, TemplateView):
    """名称核查: registered (same, former, near), reserved words, published lists, revoked/deregistered."""

    model = Organization
    template_name = "registry/name_check.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = self.request.GET if "name" in self.request.GET else None
        form = NameCheckForm(data, user=self.request.user)
        context["form"] = form
        if data is not None and form.is_valid():
            context["result"] = name_check(form.cleaned_data["name"], authority=form.cleaned_data["authority"])
        return context
