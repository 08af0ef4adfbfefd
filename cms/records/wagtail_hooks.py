"""The records in the union's Wagtail admin. Saves and deletes go through the services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from cms.records import services, views
from cms.records.models import (
    Activity,
    Committee,
    Congress,
    ContestEntry,
    MemberCount,
    MemberOrganisation,
    Person,
    Position,
    ReportingPeriod,
)
from lhh.web.spreadsheet import SafeExportIndexView


def _service_views(save, delete=None) -> dict:
    """Create and edit views whose save is `save(instance)`; delete via `delete(instance)`."""

    class RefusalShown:
        """A rule the service refuses (a frozen period, say) comes back on the form,
        in Vietnamese, instead of an error page."""

        def form_valid(self, form):
            try:
                return super().form_valid(form)
            except ValidationError as error:
                form.add_error(None, error.messages)
                self.produced_error_message = " ".join(error.messages)
                return self.form_invalid(form)

    class ServiceCreateView(RefusalShown, CreateView):
        def save_instance(self):
            return save(self.form.save(commit=False))

    class ServiceEditView(RefusalShown, EditView):
        def save_instance(self):
            return save(self.form.save(commit=False))

    classes = {"add_view_class": ServiceCreateView, "edit_view_class": ServiceEditView}
    if delete:

        class ServiceDeleteView(DeleteView):
            def form_valid(self, form):
                try:
                    return super().form_valid(form)
                except ValidationError as error:
                    messages.error(self.request, " ".join(error.messages))
                    return redirect(self.get_success_url())

            def get_usage(self):
                # Protected history is exactly what the service archives instead of deleting.
                return None

            def delete_action(self):
                outcome = delete(self.object)
                if outcome == "archived":
                    messages.info(
                        self.request,
                        "Tổ chức đã có số liệu nên được chuyển sang lưu trữ thay vì xóa hẳn.",
                    )

        classes["delete_view_class"] = ServiceDeleteView
    return classes


def _index_view(model, *related: str) -> type[SafeExportIndexView]:
    """A list whose rows show related objects, fetched in the same query, not one per row."""
    return type(
        f"{model.__name__}IndexView",
        (SafeExportIndexView,),
        {"queryset": model.objects.select_related(*related)},
    )


class RecordsViewSet(ModelViewSet):
    index_view_class = SafeExportIndexView
    add_to_admin_menu = False

    def __init__(self, *args, **kwargs):
        # /admin/records/<model>/, not /admin/<model>/ beside Wagtail's own.
        kwargs.setdefault("name", f"records_{self.model._meta.model_name}")
        kwargs.setdefault("url_prefix", f"records/{self.model._meta.model_name}")
        super().__init__(*args, **kwargs)


class PeriodViewSet(RecordsViewSet):
    model = ReportingPeriod
    icon = "date"
    menu_label = "Kỳ báo cáo"
    form_fields = ["kind", "year", "half"]
    list_display = ["__str__", "kind", "year"]


class OrganisationInspectView(InspectView):
    """An organisation with its member counts period by period."""

    template_name = "records/organisation_inspect.html"

    def get_field_display_value(self, field_name=None, field=None):
        # Wagtail looks for get_<name>_display_value; for the model's "field" (lĩnh vực)
        # that is this very method, called with no arguments.
        if field_name is None:
            return self.object.field
        return super().get_field_display_value(field_name, field)

    def get_context_data(self, **kwargs):
        from cms.records.selectors import organisation_history

        context = super().get_context_data(**kwargs)
        history, previous = [], None
        for count in organisation_history(self.object):
            change = None if previous is None else count.members - previous
            history.append({"period": count.period, "members": count.members, "change": change})
            previous = count.members
        context["member_history"] = history
        return context


class OrganisationViewSet(RecordsViewSet):
    model = MemberOrganisation
    inspect_view_enabled = True
    inspect_view_class = OrganisationInspectView
    icon = "group"
    menu_label = "Tổ chức thành viên"
    form_fields = MemberOrganisation.EDITABLE_FIELDS
    list_display = ["name", "kind", "field", "leader", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "field", "leader"]
    list_export = ["name", "kind", "field", "founding_decision", "leader", "status", "origin"]
    export_filename = "to-chuc-thanh-vien"
    list_per_page = 50
    locals().update(
        _service_views(
            lambda organisation: services.organisation_save(organisation=organisation),
            lambda organisation: services.organisation_delete(organisation=organisation),
        )
    )


class MemberCountViewSet(RecordsViewSet):
    model = MemberCount
    icon = "user"
    menu_label = "Số hội viên theo kỳ"
    form_fields = ["organisation", "period", "members"]
    index_view_class = _index_view(MemberCount, "organisation", "period")
    list_display = ["organisation", "period", "members"]
    list_filter = ["period", "organisation__kind"]
    search_fields = ["organisation__name"]
    list_export = ["organisation", "period", "members"]
    export_filename = "so-hoi-vien"
    list_per_page = 50
    locals().update(
        _service_views(
            lambda count: services.member_count_set(
                organisation=count.organisation, period=count.period, members=count.members
            )
        )
    )


class ActivityViewSet(RecordsViewSet):
    model = Activity
    icon = "tasks"
    menu_label = "Hoạt động"
    form_fields = Activity.EDITABLE_FIELDS
    list_display = ["title", "kind", "period", "status", "held_on"]
    list_filter = ["kind", "period", "status"]
    search_fields = ["title", "place", "requested_by"]
    list_export = [
        "kind",
        "title",
        "period",
        "held_on",
        "place",
        "organiser",
        "status",
        "participants",
        "requested_by",
        "assigned_on",
        "completed_on",
        "entries",
        "prizes",
        "quantity",
    ]
    export_filename = "hoat-dong"
    list_per_page = 50
    locals().update(
        _service_views(
            lambda activity: services.activity_save(activity=activity),
            lambda activity: services.activity_delete(activity=activity),
        )
    )

    index_view_class = _index_view(Activity, "period", "organiser")


class CongressViewSet(RecordsViewSet):
    model = Congress
    icon = "order"
    menu_label = "Đại hội, nhiệm kỳ"
    form_fields = ["term_number", "starts_year", "ends_year", "held_on", "note"]
    # The note tells a predecessor's terms (moved in by a merger) from the union's own.
    list_display = ["__str__", "held_on", "note"]


class CommitteeViewSet(RecordsViewSet):
    model = Committee
    icon = "group"
    menu_label = "Cơ quan lãnh đạo"
    form_fields = ["congress", "kind"]
    index_view_class = _index_view(Committee, "congress")
    list_display = ["__str__"]
    list_filter = ["congress", "kind"]


class PersonIndexView(SafeExportIndexView):
    def get_list_more_buttons(self, instance):
        return [
            *super().get_list_more_buttons(instance),
            ListingMenuItem(
                "Xuất dữ liệu cá nhân",
                reverse("records:person_export", args=[instance.pk]),
                icon_name="download",
                priority=40,
            ),
            ListingMenuItem(
                "Xóa dữ liệu cá nhân",
                reverse("records:person_erase", args=[instance.pk]),
                icon_name="bin",
                priority=50,
            ),
        ]


class ContestEntryViewSet(RecordsViewSet):
    model = ContestEntry
    icon = "pick"
    menu_label = "Giải pháp dự thi"
    form_fields = ["contest", "title", "author", "field", "score", "prize", "sent_to_national"]
    index_view_class = _index_view(ContestEntry, "contest")
    list_display = ["title", "author", "contest", "field", "score", "prize", "sent_to_national"]
    list_filter = ["contest", "prize", "sent_to_national"]
    search_fields = ["title", "author", "field"]
    list_export = ["contest", "title", "author", "field", "score", "prize", "sent_to_national"]
    export_filename = "giai-phap-du-thi"
    locals().update(
        _service_views(
            lambda entry: services.contest_entry_save(entry=entry),
            lambda entry: services.contest_entry_delete(entry=entry),
        )
    )


class PersonViewSet(RecordsViewSet):
    index_view_class = PersonIndexView
    model = Person
    icon = "user"
    menu_label = "Nhân sự"
    form_fields = ["name", "title", "organisation", "email", "phone"]
    list_display = ["name", "title", "organisation"]
    search_fields = ["name", "organisation"]


class PositionViewSet(RecordsViewSet):
    model = Position
    icon = "user"
    menu_label = "Chức vụ"
    form_fields = ["person", "committee", "role", "from_on", "to_on"]
    index_view_class = _index_view(Position, "person", "committee__congress")
    list_display = ["person", "role", "committee", "from_on", "to_on"]
    list_filter = ["committee", "role"]


class PermissionMenuItem(MenuItem):
    """A menu entry shown only to those its view lets in (the same permission as the view)."""

    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request) -> bool:
        return request.user.has_perm(self.permission)


class RecordsGroup(ModelViewSetGroup):
    menu_label = "Hồ sơ hoạt động"
    menu_name = "ho-so-hoat-dong"
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = (
        OrganisationViewSet,
        MemberCountViewSet,
        ActivityViewSet,
        ContestEntryViewSet,
        PeriodViewSet,
        CongressViewSet,
        CommitteeViewSet,
        PersonViewSet,
        PositionViewSet,
    )

    def get_submenu_items(self):
        return [
            *super().get_submenu_items(),
            PermissionMenuItem(
                "Nhập từ Excel/CSV",
                "/admin/ho-so/nhap/",
                icon_name="upload",
                order=900,
                permission="records.add_activity",
            ),
            PermissionMenuItem(
                "Báo cáo",
                "/admin/ho-so/bao-cao/",
                icon_name="doc-full",
                order=910,
                permission="records.view_report",
            ),
        ]


@hooks.register("register_admin_viewset")
def register_records_viewsets():
    return RecordsGroup()


@hooks.register("register_admin_urls")
def register_records_urls():
    return [path("ho-so/", include((views.urlpatterns, "records"), namespace="records"))]
