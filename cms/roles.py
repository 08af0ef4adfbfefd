"""The roles a union's staff hold, as Wagtail groups in the union's own schema.

- Biên tập viên (editor): writes pages and the documents register, uploads images
  and files, makes English versions of pages, submits pages for approval; publishes
  nothing.
- Người duyệt (approver): what an editor does, plus publishing, moderating reader
  comments, banners, links, news categories and event registrations.
- Cán bộ hồ sơ (records officer): the records (organisations, member counts,
  activities, governance), their import and the periodic reports; no pages.
- Quản trị (union admin): everything in the union, staff accounts and settings
  included, except the Wagtail Site row that routing relies on.

Wagtail's own "Editors" and "Moderators" become the first two (their workflow keeps
pointing at the approvers). `roles_ensure` runs in a migration, so the template, its
clones and the warm pool carry the roles, and again after every migrate of a union, so
permissions of models added later reach the roles too.
"""

import re
from dataclasses import dataclass, field

EDITOR = "Biên tập viên"
APPROVER = "Người duyệt"
RECORDS_OFFICER = "Cán bộ hồ sơ"
UNION_ADMIN = "Quản trị"

WORKFLOW_NAME = "Duyệt trước khi đăng"
TASK_NAME = "Người duyệt phê duyệt"
_STOCK_WORKFLOW = "Moderators approval"

_MEDIA = [
    f"{app}.{action}_{model}"
    for app, model in (("wagtailimages", "image"), ("wagtaildocs", "document"))
    for action in ("add", "change", "choose", "delete")
]
_SNIPPETS_APPROVED = [
    f"cms.{action}_{model}"
    for model in ("readercomment", "banner", "websitelink", "newscategory", "officialdocument")
    for action in ("add", "change", "delete", "view")
]
# Never granted: the Site row maps the union's host to its pages, and the rest is
# machinery no person edits.
_NEVER = {"contenttypes", "sessions", "wagtailsearch"}
_NEVER_CODENAMES = {"add_site", "change_site", "delete_site"}


@dataclass(frozen=True)
class Role:
    name: str
    # "app_label.codename"; "app_label.*" is all of an app's, "*" every grantable one.
    permissions: list[str]
    page_permissions: list[str] = field(default_factory=list)
    media_collection: bool = False
    renamed_from: str = ""


ROLES = (
    Role(
        EDITOR,
        [
            "wagtailadmin.access_admin",
            *_MEDIA,
            "cms.add_officialdocument",
            "cms.change_officialdocument",
            "cms.view_officialdocument",
        ],
        page_permissions=["add_page", "change_page", "lock_page", "unlock_page"],
        media_collection=True,
        renamed_from="Editors",
    ),
    Role(
        APPROVER,
        [
            "wagtailadmin.access_admin",
            *_MEDIA,
            *_SNIPPETS_APPROVED,
            "cms.view_eventregistration",
        ],
        page_permissions=["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
        media_collection=True,
        renamed_from="Moderators",
    ),
    Role(
        RECORDS_OFFICER,
        ["wagtailadmin.access_admin", "records.*"],
    ),
    Role(
        UNION_ADMIN,
        ["*"],
        page_permissions=[
            "add_page",
            "change_page",
            "publish_page",
            "bulk_delete_page",
            "lock_page",
            "unlock_page",
        ],
        media_collection=True,
    ),
)


def _wanted(role: Role, app_label: str, codename: str) -> bool:
    return bool({"*", f"{app_label}.*", f"{app_label}.{codename}"} & set(role.permissions))


def _grantable(Permission):
    return Permission.objects.exclude(content_type__app_label__in=_NEVER).exclude(
        codename__in=_NEVER_CODENAMES
    )


def roles_ensure(
    *,
    Group,
    Permission,
    GroupPagePermission,
    GroupCollectionPermission,
    Page,
    Collection,
    Workflow,
    Task,
) -> None:
    """Create or complete every role; the model classes may be a migration's historical ones."""
    # Wagtail's stock workflow and its one step, named in English, reach staff in mail.
    Workflow.objects.filter(name=_STOCK_WORKFLOW).update(name=WORKFLOW_NAME)
    Task.objects.filter(name=_STOCK_WORKFLOW).update(name=TASK_NAME)
    root_page = Page.objects.filter(depth=1).first()
    root_collection = Collection.objects.filter(depth=1).first()
    permission_names_vietnamese(Permission)
    for role in ROLES:
        group = Group.objects.filter(name=role.name).first()
        if group is None and role.renamed_from:
            group = Group.objects.filter(name=role.renamed_from).first()
            if group is not None:
                group.name = role.name
                group.save(update_fields=["name"])
        if group is None:
            group = Group.objects.create(name=role.name)

        # A permission not there yet (a model of a later migration) comes on the next run.
        wanted = [
            permission
            for permission in _grantable(Permission).select_related("content_type")
            if _wanted(role, permission.content_type.app_label, permission.codename)
        ]
        group.permissions.set(wanted)

        if root_page is not None:
            page_perms = Permission.objects.filter(
                content_type__app_label="wagtailcore", codename__in=role.page_permissions
            )
            GroupPagePermission.objects.filter(group=group).exclude(
                permission__in=page_perms
            ).delete()
            for permission in page_perms:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root_page, permission=permission
                )
        if root_collection is not None and role.media_collection:
            for permission in Permission.objects.filter(
                codename__in=[name.split(".")[1] for name in _MEDIA]
            ):
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )


_ACTIONS = {"add": "Thêm", "change": "Sửa", "delete": "Xóa", "view": "Xem"}
_DEFAULT_NAME = re.compile(r"^Can (add|change|delete|view) (.+)$")


def permission_names_vietnamese(Permission) -> None:
    """Name the permissions in Vietnamese, as the group screens show them.

    Django stores each name in English when it makes the permission ("Can add băng rôn",
    "Can change group"), and Wagtail's group screen prints the stored name. The model's
    name is translated by the catalogues, Wagtail's own permissions ("Publish any page")
    too; a permission made later gets its Vietnamese name on the next migrate.
    """
    from django.utils import translation

    with translation.override("vi"):
        for permission in Permission.objects.filter(name__regex=r"^[ -~]*$|^Can "):
            match = _DEFAULT_NAME.match(permission.name)
            if match:
                action, model = match.groups()
                name = f"{_ACTIONS[action]} {translation.gettext(model)}"
            else:
                name = translation.gettext(permission.name)
            if name != permission.name:
                permission.name = name[:255]
                permission.save(update_fields=["name"])
