"""Import a staged NukeViet site into the current union's schema, all or nothing.

One run is one database transaction: any error and nothing of the run stays, and
the files it wrote into the union's media folder are deleted again. A run finds
what earlier runs made through `NukeVietLink` (NukeViet id → object), so a newer
dump adds what is new, updates what changed (by a checksum of the source rows) and
never duplicates.
"""

import datetime as dt
import hashlib
import json
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from anyascii import anyascii
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.images import get_image_dimensions
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, Revision
from wagtail.search.backends import get_search_backend

from cms.models import (
    ArticleTag,
    DocumentRegisterPage,
    HomePage,
    NewsArticlePage,
    NewsCategory,
    NewsIndexPage,
    OfficialDocument,
    ReaderComment,
    StandardPage,
)
from cms.nukeviet import oldurls
from cms.nukeviet.html import Resolvers, body_blocks, plain_text, upload_path
from cms.nukeviet.models import NukeVietLink
from cms.nukeviet.staging import Module, StagedDump, _quote, text
from cms.page_cache import page_cache_clear

log = logging.getLogger(__name__)
VN = ZoneInfo("Asia/Ho_Chi_Minh")
IMAGE_EXTENSIONS = {"gif", "jpg", "jpeg", "png", "webp"}
MAX_PROBLEMS = 500
RESERVE_BLOCK = 500
BATCH = 500
Kind = NukeVietLink.Kind

KIND_LABELS = {
    Kind.CATEGORY: "chuyên mục",
    Kind.ARTICLE: "bài tin",
    Kind.PAGE: "trang giới thiệu",
    Kind.LAW: "văn bản",
    Kind.COMMENT: "bình luận",
    Kind.IMAGE: "ảnh",
    Kind.DOCUMENT: "tệp đính kèm",
}


class DryRunDone(Exception):
    """Raised inside the transaction of a dry run so that it rolls back."""


@dataclass
class Report:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    skipped: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    problems_total: int = 0
    dry_run: bool = False

    def problem(self, message: str) -> None:
        self.problems_total += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(message)

    def skip(self, what: str, why: str) -> None:
        self.skipped.append({"what": what, "why": why})

    def as_dict(self) -> dict:
        return {
            "created": dict(self.created),
            "updated": dict(self.updated),
            "unchanged": dict(self.unchanged),
            "statuses": dict(self.statuses),
            "skipped": self.skipped,
            "problems": self.problems,
            "problems_total": self.problems_total,
            "dry_run": self.dry_run,
        }

    def lines(self) -> list[str]:
        """The report in Vietnamese, line by line."""
        out = ["Thử nhập (không lưu gì):" if self.dry_run else "Kết quả nhập:"]
        for kind, label in KIND_LABELS.items():
            made, changed, same = self.created[kind], self.updated[kind], self.unchanged[kind]
            if made or changed or same:
                out.append(f"- {label}: {made} mới, {changed} cập nhật, {same} không đổi")
        if self.statuses:
            out.append(
                f"- bài tin: {self.statuses['published']} đã đăng, "
                f"{self.statuses['scheduled']} hẹn giờ đăng, {self.statuses['draft']} bản nháp"
            )
        if self.skipped:
            out.append(f"Bỏ qua {len(self.skipped)}:")
            out += [f"- {item['what']}: {item['why']}" for item in self.skipped[:50]]
        if self.problems_total:
            out.append(f"Cần xem lại {self.problems_total}:")
            out += [f"- {p}" for p in self.problems[:50]]
        return out


def _when(timestamp: object) -> dt.datetime | None:
    try:
        seconds = int(timestamp or 0)
    except (TypeError, ValueError):
        return None
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC) if seconds > 0 else None


def _slug(value: str, fallback: str) -> str:
    slug = slugify(anyascii(value or ""))[:200].strip("-")
    return slug or fallback


def _checksum(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()


class Importer:
    def __init__(
        self,
        staged: StagedDump,
        *,
        files_root: Path | None,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.staged = staged
        self.files_root = files_root
        self.progress = progress
        self.report = Report()
        self.written_files: list[str] = []
        self.links: dict[tuple[str, str, str], NukeVietLink] = {}
        self.files: dict[str, int | None] = {}
        # Written in bulk: new links, new images (ids reserved from their sequences).
        self.pending_links: list[NukeVietLink] = []
        self.pending_images: list = []
        self.dirty_links: list[NukeVietLink] = []
        self.root_collection_id: int | None = None
        self.reserved: dict[str, list[int]] = {}
        self.existing_files: set[tuple[str, int]] = set()
        self.tag_ids: dict[str, int] = {}
        self._tags: dict[str, dict[int, list[str]]] = {}
        self._slugs_taken: set[str] = set()
        self.done = 0
        self.total = 1
        modules = staged.modules()
        self.news_modules = [m for m in modules if m.file == "news"]
        self.page_modules = [m for m in modules if m.file == "page"]
        self.law_modules = [m for m in modules if m.file == "laws"]
        self.module_files = {m.title: m.file for m in modules}
        op_mod = staged.config("rewrite_op_mod")
        self.default_module = op_mod if op_mod in self.module_files else ""
        domains = staged.config("my_domains")
        self.old_hosts = {d.strip().lower() for d in domains.split(",") if d.strip()}
        self.authors = self._authors()

    # -- the run
    def run(self, *, dry_run: bool = False) -> Report:
        self.report.dry_run = dry_run
        self.total = max(self._units(), 1)
        try:
            with transaction.atomic():
                # One import at a time per union: a second waits for the first to commit,
                # then finds its links and adds nothing twice.
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_advisory_xact_lock(hashtext(%s))",
                        [f"nukeviet-import:{connection.schema_name}"],
                    )
                self._links_load()
                self._modules()
                for module in self.news_modules:
                    self._categories(module)
                plans = [(m, self._articles_plan(m)) for m in self.news_modules]
                for module, plan in plans:
                    self._articles_write(module, plan)
                for module in self.page_modules:
                    self._pages(module)
                for module in self.law_modules:
                    self._laws(module)
                self._comments()
                self._flush()
                if dry_run:
                    raise DryRunDone
                # Bulk writes send no signals: the union's cached pages go stale here.
                transaction.on_commit(page_cache_clear)
        except DryRunDone:
            self._delete_written_files()
        except BaseException:
            self._delete_written_files()
            raise
        return self.report

    def _delete_written_files(self) -> None:
        for name in self.written_files:
            try:
                default_storage.delete(name)
            except OSError:
                log.warning("could not delete %s after a failed import", name)
        self.written_files = []

    def _links_load(self) -> None:
        self.links = {
            (link.kind, link.module, link.nv_id): link for link in NukeVietLink.objects.all()
        }
        # Which earlier images and documents still exist, in two queries, not one per file.
        for kind, model in ((Kind.IMAGE, get_image_model()), (Kind.DOCUMENT, get_document_model())):
            ids = [link.object_id for (k, _, _), link in self.links.items() if k == kind]
            found = model.objects.filter(pk__in=ids).values_list("pk", flat=True)
            self.existing_files |= {(kind, pk) for pk in found}

    def _reserve(self, sequence_of: str) -> int:
        """A new primary key of `sequence_of`'s table, taken from its sequence in blocks."""
        pool = self.reserved.setdefault(sequence_of, [])
        if not pool:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [sequence_of, RESERVE_BLOCK],
                )
                pool.extend(row[0] for row in cursor.fetchall())
                pool.reverse()
        return pool.pop()

    def _flush(self) -> None:
        """Write what is pending in bulk: images first (pages refer to them), then links."""
        if self.pending_images:
            Image = get_image_model()
            Image.objects.bulk_create(self.pending_images, batch_size=500)
            for image in self.pending_images:
                # New images have no tags: the search indexer need not ask, once per image.
                image._prefetched_objects_cache = {"tags": image.tags.model.objects.none()}
            get_search_backend().add_bulk(Image, self.pending_images)
            self.pending_images = []
        if self.pending_links:
            NukeVietLink.objects.bulk_create(self.pending_links, batch_size=1000)
            self.pending_links = []
        if self.dirty_links:
            now = timezone.now()
            for link in self.dirty_links:
                link.updated_at = now
            NukeVietLink.objects.bulk_update(
                list({id(link): link for link in self.dirty_links}.values()),
                ["object_id", "alias", "checksum", "updated_at"],
                batch_size=1000,
            )
            self.dirty_links = []

    def _units(self) -> int:
        staged = self.staged
        # Each article is planned, then written.
        total = sum(staged.count(staged.table(m, "rows")) * 2 for m in self.news_modules)
        total += sum(staged.count(staged.table(m)) for m in self.page_modules)
        total += sum(staged.count(staged.table(m, "row")) for m in self.law_modules)
        total += staged.count(f"{staged.prefix}_{staged.lang}_comment")
        return total

    def _step(self) -> None:
        self.done += 1
        if self.progress and (self.done % 25 == 0 or self.done == self.total):
            self.progress(min(self.done, self.total), self.total)

    # -- links (NukeViet id → object)
    def _link(self, kind: str, module: str, nv_id: object) -> NukeVietLink | None:
        return self.links.get((kind, module, str(nv_id)))

    def _link_set(
        self,
        kind: str,
        module: str,
        nv_id: object,
        object_id: int,
        *,
        alias: str = "",
        checksum: str = "",
    ) -> None:
        key = (kind, module, str(nv_id))
        link = self.links.get(key)
        if link is None:
            link = NukeVietLink(
                kind=kind,
                module=module,
                nv_id=str(nv_id),
                object_id=object_id,
                alias=alias,
                checksum=checksum,
            )
            self.links[key] = link
            self.pending_links.append(link)
        elif link.pk is None:
            link.object_id, link.alias, link.checksum = object_id, alias, checksum
        elif (link.object_id, link.alias, link.checksum) != (object_id, alias, checksum):
            link.object_id, link.alias, link.checksum = object_id, alias, checksum
            self.dirty_links.append(link)

    def _counted(self, kind: str, existed: bool, changed: bool = True) -> None:
        if not existed:
            self.report.created[kind] += 1
        elif changed:
            self.report.updated[kind] += 1
        else:
            self.report.unchanged[kind] += 1

    # -- modules and sections
    def _home(self) -> HomePage:
        return HomePage.objects.get()

    def _modules(self) -> None:
        home = self._home()
        for position, module in enumerate(self.news_modules):
            index = self._existing(NewsIndexPage, self._link(Kind.MODULE, module.title, "index"))
            if index is None and position == 0:
                index = NewsIndexPage.objects.child_of(home).first()
            if index is None:
                index = home.add_child(
                    instance=NewsIndexPage(
                        title=module.custom_title,
                        slug=self._free_slug(home, _slug(module.custom_title, "tin-tuc")),
                        show_in_menus=True,
                    )
                )
            self._link_set(Kind.MODULE, module.title, "index", index.pk, alias=module.file)
        if self.page_modules:
            intro = self._introduction(home)
            for position, module in enumerate(self.page_modules):
                if position == 0:
                    section = intro
                else:
                    section = self._existing(
                        StandardPage, self._link(Kind.MODULE, module.title, "index")
                    )
                    if section is None and self.staged.count(self.staged.table(module)):
                        section = intro.add_child(
                            instance=StandardPage(
                                title=module.custom_title,
                                slug=self._free_slug(intro, _slug(module.title, "trang")),
                            )
                        )
                if section is not None:
                    self._link_set(Kind.MODULE, module.title, "index", section.pk, alias="page")
        if self.law_modules:
            register = DocumentRegisterPage.objects.first()
            if register is None:
                register = home.add_child(
                    instance=DocumentRegisterPage(
                        title="Văn bản", slug="van-ban", show_in_menus=True
                    )
                )
            for module in self.law_modules:
                self._link_set(Kind.MODULE, module.title, "index", register.pk, alias="laws")
        # Which module's URLs lack their /<module>/ prefix on the old site.
        if self.default_module:
            self._link_set(Kind.MODULE, "", "rewrite_op_mod", 0, alias=self.default_module)

    def _introduction(self, home: HomePage) -> StandardPage:
        intro = StandardPage.objects.child_of(home).filter(slug="gioi-thieu").first()
        if intro is None:
            intro = home.add_child(
                instance=StandardPage(
                    title="Giới thiệu",
                    slug=self._free_slug(home, "gioi-thieu"),
                    show_in_menus=True,
                )
            )
        return intro

    @staticmethod
    def _existing(model, link: NukeVietLink | None):
        if link is None:
            return None
        return model.objects.filter(pk=link.object_id).first()

    @staticmethod
    def _free_slug(parent: Page, slug: str, exclude: int | None = None) -> str:
        taken = set(parent.get_children().exclude(pk=exclude).values_list("slug", flat=True))
        candidate, number = slug, 2
        while candidate in taken:
            candidate = f"{slug}-{number}"
            number += 1
        return candidate

    # -- people
    def _authors(self) -> dict[int, str]:
        table = f"{self.staged.prefix}_users"
        if not self.staged.has(table):
            return {}
        columns = set(self.staged.columns[table])
        names = {}
        for row in self.staged.query(f"SELECT * FROM {_quote(table)}"):
            first = text(row["first_name"]) if "first_name" in columns else ""
            last = text(row["last_name"]) if "last_name" in columns else ""
            names[int(row["userid"])] = " ".join(p for p in (last, first) if p) or text(
                row["username"]
            )
        return names

    # -- files
    def _file_path(self, relative: str) -> Path | None:
        if self.files_root is None:
            return None
        path = (self.files_root / relative).resolve()
        if not path.is_relative_to(self.files_root.resolve()) or not path.is_file():
            return None
        return path

    def image(self, relative: str, title: str, where: str) -> int | None:
        """The Wagtail image of an uploaded file, made once per file; None when missing."""
        if relative in self.files:
            return self.files[relative]
        image_id = self._image_make(relative, title, where)
        self.files[relative] = image_id
        return image_id

    def _image_make(self, relative: str, title: str, where: str) -> int | None:
        Image = get_image_model()
        link = self._link(Kind.IMAGE, "", relative)
        if link is not None and (Kind.IMAGE, link.object_id) in self.existing_files:
            self.report.unchanged[Kind.IMAGE] += 1
            return link.object_id
        path = self._file_path(relative)
        if path is None:
            if self.files_root is None:
                self.report.problem(f"{where}: chưa có thư mục tải lên nên thiếu ảnh {relative}")
            else:
                self.report.problem(f"{where}: không tìm thấy ảnh {relative} trong tệp tải lên")
            return None
        extension = path.suffix.lower().lstrip(".")
        if extension not in IMAGE_EXTENSIONS:
            self.report.problem(
                f"{where}: định dạng ảnh .{extension} không được hỗ trợ ({relative})"
            )
            return None
        width, height = get_image_dimensions(str(path))
        if width is None:
            self.report.problem(f"{where}: tệp {relative} không phải ảnh đọc được")
            return None
        data = path.read_bytes()
        if self.root_collection_id is None:
            self.root_collection_id = Collection.get_first_root_node().pk
        image = Image(
            id=self._reserve(Image._meta.db_table),
            collection_id=self.root_collection_id,
            title=(title or path.stem)[:255],
            width=width,
            height=height,
            file_size=len(data),
            file_hash=hashlib.sha1(data).hexdigest(),
        )
        # Through the union's storage, so the file lands in its own media folder.
        with path.open("rb") as handle:
            image.file.name = default_storage.save(
                image.get_upload_to(path.name), File(handle, name=path.name)
            )
        self.written_files.append(image.file.name)
        self.pending_images.append(image)
        self._link_set(Kind.IMAGE, "", relative, image.pk)
        self.report.created[Kind.IMAGE] += 1
        return image.pk

    def document(self, relative: str, title: str, where: str) -> int | None:
        key = f"doc:{relative}"
        if key in self.files:
            return self.files[key]
        self.files[key] = document_id = self._document_make(relative, title, where)
        return document_id

    def _document_make(self, relative: str, title: str, where: str) -> int | None:
        Document = get_document_model()
        link = self._link(Kind.DOCUMENT, "", relative)
        if link is not None and (Kind.DOCUMENT, link.object_id) in self.existing_files:
            self.report.unchanged[Kind.DOCUMENT] += 1
            return link.object_id
        path = self._file_path(relative)
        if path is None:
            self.report.problem(f"{where}: không tìm thấy tệp {relative} trong tệp tải lên")
            return None
        with path.open("rb") as handle:
            document = Document(
                title=(title or path.name)[:255],
                file=File(handle, name=path.name),
                file_size=path.stat().st_size,
            )
            document.save()
        self.written_files.append(document.file.name)
        self._link_set(Kind.DOCUMENT, "", relative, document.pk)
        self.report.created[Kind.DOCUMENT] += 1
        return document.pk

    # -- news
    def _categories(self, module: Module) -> None:
        table = self.staged.table(module, "cat")
        if not self.staged.has(table):
            return
        order = "weight" if "weight" in self.staged.columns[table] else "catid"
        for position, row in enumerate(
            self.staged.iterate(f"SELECT * FROM {_quote(table)} ORDER BY {order}")
        ):
            name = text(row["title"])[:100] or f"Chuyên mục {row['catid']}"
            alias = str(row["alias"] or "")
            link = self._link(Kind.CATEGORY, module.title, row["catid"])
            category = self._existing(NewsCategory, link)
            existed = category is not None
            if category is None:
                category = NewsCategory.objects.filter(name=name).first()
            if category is None:
                category = NewsCategory(name=self._free_category_name(name))
                slug = _slug(alias, f"chuyen-muc-{row['catid']}")[:90]
                category.slug = self._free_category_slug(slug)
            checksum = _checksum(dict(row))
            changed = link is None or link.checksum != checksum
            if changed:
                if existed:
                    category.name = self._free_category_name(name, exclude=category.pk)
                category.sort_order = min(position, 32767)
                category.save()
            self._link_set(
                Kind.CATEGORY,
                module.title,
                row["catid"],
                category.pk,
                alias=alias,
                checksum=checksum,
            )
            self._counted(Kind.CATEGORY, existed, changed)

    @staticmethod
    def _free_category_name(name: str, exclude: int | None = None) -> str:
        taken = NewsCategory.objects.exclude(pk=exclude)
        candidate, number = name, 2
        while taken.filter(name=candidate).exists():
            candidate = f"{name[:94]} ({number})"
            number += 1
        return candidate

    @staticmethod
    def _free_category_slug(slug: str) -> str:
        candidate, number = slug, 2
        while NewsCategory.objects.filter(slug=candidate).exists():
            candidate = f"{slug}-{number}"
            number += 1
        return candidate

    def _status(self, row) -> tuple[str, dt.datetime | None]:
        now = timezone.now()
        published = _when(row["publtime"]) or _when(row["addtime"])
        expires = _when(row["exptime"])
        status = int(row["status"] or 0)
        if status in (1, 2) and published and published > now:
            return "scheduled", published
        if status == 1 and not (expires and expires <= now):
            return "published", published
        return "draft", published

    def _article_tags(self, module: Module) -> dict[int, list[str]]:
        table = self.staged.table(module, "tags_id")
        if not self.staged.has(table):
            return {}
        names: dict[int, list[str]] = {}
        tags = self.staged.table(module, "tags")
        titles = {}
        if self.staged.has(tags):
            column = "keywords" if "keywords" in self.staged.columns[tags] else "alias"
            titles = {
                r["tid"]: text(r[column])
                for r in self.staged.query(f"SELECT tid, {column} FROM {_quote(tags)}")
            }
        for row in self.staged.iterate(f"SELECT * FROM {_quote(table)} ORDER BY id, tid"):
            name = text(row["keyword"]) or titles.get(row["tid"], "")
            if name:
                names.setdefault(int(row["id"]), []).append(name[:100])
        return names

    def _articles_plan(self, module: Module) -> list[tuple[int, str, bool]]:
        """Which articles are new, changed or unchanged, by NukeViet id and a checksum.

        New articles get their page id now, before anything is written, so that links
        between articles resolve whichever comes first.
        """
        staged = self.staged
        table = staged.table(module, "rows")
        if not staged.has(table):
            return []
        self._tags[module.title] = tags = self._article_tags(module)
        plan = []
        for row in staged.iterate(f"SELECT * FROM {_quote(table)} ORDER BY id"):
            self._step()
            article_id = int(row["id"])
            body, detail = staged.body_html(module, article_id)
            if not text(row["title"]):
                self.report.skip(f"Bài id {article_id}", "không có tiêu đề")
                continue
            checksum = _checksum(dict(row), body, detail, tags.get(article_id))
            link = self._link(Kind.ARTICLE, module.title, article_id)
            self.report.statuses[self._status(row)[0]] += 1
            if link is not None and link.pk is not None:
                if link.checksum == checksum:
                    self.report.unchanged[Kind.ARTICLE] += 1
                else:
                    plan.append((article_id, checksum, True))
                continue
            page_id = self._reserve(Page._meta.db_table)
            self._link_set(
                Kind.ARTICLE, module.title, article_id, page_id, alias=str(row["alias"] or "")
            )
            plan.append((article_id, checksum, False))
        return plan

    def _articles_write(self, module: Module, plan: list[tuple[int, str, bool]]) -> None:
        if not plan:
            return
        staged = self.staged
        table = staged.table(module, "rows")
        index = NewsIndexPage.objects.get(
            pk=self._link(Kind.MODULE, module.title, "index").object_id
        )
        sources = {}
        sources_table = staged.table(module, "sources")
        if staged.has(sources_table):
            sources = {
                r["sourceid"]: text(r["title"])
                for r in staged.query(f"SELECT sourceid, title FROM {_quote(sources_table)}")
            }
        self._slugs_taken = set(index.get_children().values_list("slug", flat=True))
        for start in range(0, len(plan), BATCH):
            batch = plan[start : start + BATCH]
            marks = ",".join("?" * len(batch))
            rows = {
                int(r["id"]): r
                for r in staged.query(
                    f"SELECT * FROM {_quote(table)} WHERE id IN ({marks})",
                    tuple(article_id for article_id, _, _ in batch),
                )
            }
            new_pages, changed_pages = [], []
            for article_id, checksum, existed in batch:
                self._step()
                row = rows[article_id]
                link = self._link(Kind.ARTICLE, module.title, article_id)
                page = (
                    NewsArticlePage.objects.get(pk=link.object_id)
                    if existed
                    else NewsArticlePage(id=link.object_id, page_ptr_id=link.object_id)
                )
                self._article_fill(page, module, row, sources)
                if existed:
                    page.save()
                    changed_pages.append((page, article_id))
                else:
                    new_pages.append((page, article_id))
                link.checksum = checksum
                if link.pk is not None:
                    self.dirty_links.append(link)
                self._counted(Kind.ARTICLE, existed)
            self._flush()
            self._articles_insert(index, [page for page, _ in new_pages])
            self._articles_after(module, new_pages, existed=False)
            self._articles_after(module, changed_pages, existed=True)
        self._flush()

    def _article_fill(self, page: NewsArticlePage, module: Module, row, sources: dict) -> None:
        article_id = int(row["id"])
        body, detail = self.staged.body_html(module, article_id)
        title = text(row["title"])[:255]
        where = f"Bài “{title[:60]}” (id {article_id})"
        status, published = self._status(row)
        category_link = self._link(Kind.CATEGORY, module.title, row["catid"])
        page.title = page.draft_title = title
        page.seo_title = text(detail.get("titlesite"))[:255]
        page.search_description = text(detail.get("description"))
        page.summary = plain_text(str(row["hometext"] or ""))
        author = text(row["author"]) or self.authors.get(int(row["admin_id"] or 0), "")
        page.author = author[:255]
        page.category_id = category_link.object_id if category_link else None
        page.published_on = (published or timezone.now()).astimezone(VN).date()
        page.first_published_at = published
        page.last_published_at = _when(row["edittime"]) or published
        page.live = status == "published"
        page.has_unpublished_changes = status != "published"
        page.go_live_at = published if status == "scheduled" else None
        expires = _when(row["exptime"])
        page.expire_at = expires if status != "draft" and expires else None
        page.lead_image_id = self._lead_image(module, row, where)
        blocks = self._body(body, where)
        for name in [f for f in str(detail.get("files") or "").split(",") if f.strip()]:
            relative = f"uploads/{module.upload}/{name.strip().lstrip('/')}"
            document_id = self.document(relative, Path(name).name, where)
            marker = f'linktype="document" id="{document_id}"'
            if document_id is not None and not any(marker in str(b["value"]) for b in blocks):
                blocks.append(
                    {
                        "type": "paragraph",
                        "value": f'<p>Tệp đính kèm: <a linktype="document" id="{document_id}">'
                        f"{_escape(Path(name.strip()).name)}</a></p>",
                    }
                )
        source = sources.get(row["sourceid"]) if row["sourceid"] else ""
        source_text = text(detail.get("sourcetext")) or source
        if source_text:
            blocks.append(
                {"type": "paragraph", "value": f"<p><i>Nguồn: {_escape(source_text)}</i></p>"}
            )
        page.body = json.dumps(blocks)
        if page.pk is None or not page.slug:
            slug = _slug(str(row["alias"] or ""), f"bai-{article_id}")[:240]
            if slug in self._slugs_taken:
                slug = f"{slug}-{article_id}"
            self._slugs_taken.add(slug)
            page.slug = slug

    def _articles_insert(self, index: NewsIndexPage, pages: list[NewsArticlePage]) -> None:
        """Insert new article pages in bulk: tree paths, both tables, search entries.

        Wagtail's `add_child` costs some 40 queries a page (tree, revisions, search and
        reference index, log); this costs a handful per batch.
        """
        if not pages:
            return
        index.refresh_from_db(fields=["path", "depth", "numchild", "url_path", "locale"])
        last = index.get_last_child()
        step = Page._str2int(last.path[-Page.steplen :]) if last else 0
        content_type = ContentType.objects.get_for_model(NewsArticlePage)
        for page in pages:
            step += 1
            page.path = Page._get_path(index.path, index.depth + 1, step)
            page.depth = index.depth + 1
            page.numchild = 0
            page.url_path = f"{index.url_path}{page.slug}/"
            page.content_type_id = content_type.pk
            page.locale_id = index.locale_id
        Page._base_manager._insert(pages, fields=Page._meta.local_concrete_fields, raw=True)
        NewsArticlePage._base_manager._insert(
            pages, fields=NewsArticlePage._meta.local_concrete_fields, raw=True
        )
        Page.objects.filter(pk=index.pk).update(numchild=F("numchild") + len(pages))
        for page in pages:
            page._state.adding = False
        get_search_backend().add_bulk(NewsArticlePage, pages)

    def _articles_after(self, module: Module, pages: list[tuple], *, existed: bool) -> None:
        """Tags in one insert per batch; scheduled articles get their publishing revision."""
        if not pages:
            return
        tags = self._tags[module.title]
        if existed:
            ArticleTag.objects.filter(content_object_id__in=[p.pk for p, _ in pages]).delete()
        ArticleTag.objects.bulk_create(
            [
                ArticleTag(content_object_id=page.pk, tag_id=self._tag_id(name))
                for page, article_id in pages
                for name in dict.fromkeys(tags.get(article_id, []))
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )
        self._schedule([page for page, _ in pages if page.go_live_at and not page.live])

    def _schedule(self, pages: list[NewsArticlePage]) -> None:
        """What `save_revision().publish()` leaves for a future go-live time, in bulk: a
        revision approved for that time, which `publish_scheduled` publishes then."""
        if not pages:
            return
        now = timezone.now()
        specific = ContentType.objects.get_for_model(NewsArticlePage)
        base = ContentType.objects.get_for_model(Page)
        revisions = Revision.objects.bulk_create(
            [
                Revision(
                    content_type=specific,
                    base_content_type=base,
                    object_id=str(page.pk),
                    created_at=now,
                    object_str=page.title,
                    content=page.serializable_data(),
                    approved_go_live_at=page.go_live_at,
                )
                for page in pages
            ]
        )
        for page, revision in zip(pages, revisions, strict=True):
            page.latest_revision = revision
            page.latest_revision_created_at = now
        Page.objects.bulk_update(pages, ["latest_revision", "latest_revision_created_at"])

    def _tag_id(self, name: str) -> int:
        if name not in self.tag_ids:
            Tag = ArticleTag.tag_model()
            slug = Tag().slugify(name)
            tag = Tag.objects.filter(name=name).first() or Tag.objects.filter(slug=slug).first()
            if tag is None:
                tag = Tag.objects.create(name=name, slug=slug)
            self.tag_ids[name] = tag.pk
        return self.tag_ids[name]

    def _lead_image(self, module: Module, row, where: str) -> int | None:
        name = str(row["homeimgfile"] or "").strip()
        kind = int(row["homeimgthumb"] or 0)
        if not name or kind == 0:
            return None
        if kind == 3 or "://" in name:
            relative = upload_path(name, self.old_hosts)
            if relative is None:
                self.report.problem(f"{where}: ảnh đại diện ở trang khác, không tải về ({name})")
                return None
        else:
            relative = f"uploads/{module.upload}/{name.lstrip('/')}"
        return self.image(relative, text(row["homeimgalt"]) or text(row["title"]), where)

    def _resolvers(self, where: str) -> Resolvers:
        def is_old_article(href: str) -> bool:
            found = self._old_target(href)
            return found is not None and found.kind == "article"

        def page(href: str) -> int | None:
            found = self._old_target(href)
            link = self._link(Kind.ARTICLE, found.module, found.key) if found else None
            return link.object_id if link else None

        def image(src: str, alt: str) -> int | None:
            relative = upload_path(src, self.old_hosts)
            if relative is None:
                self.report.problem(f"{where}: ảnh ở trang khác, không tải về ({src[:120]})")
                return None
            return self.image(relative, alt, where)

        def document(href: str) -> int | None:
            relative = upload_path(href, self.old_hosts)
            if relative is None:
                return None
            if relative.rsplit(".", 1)[-1].lower() in IMAGE_EXTENSIONS:
                return None
            return self.document(relative, Path(relative).name, where)

        return Resolvers(image=image, page=page, document=document, is_old_article=is_old_article)

    def _old_target(self, href: str) -> oldurls.Target | None:
        if upload_path(href, self.old_hosts) is not None:
            return None
        return oldurls.target(
            href,
            modules=self.module_files,
            default_module=self.default_module,
            old_hosts=self.old_hosts,
        )

    def _body(self, html: str, where: str) -> list[dict]:
        conversion = body_blocks(html, self._resolvers(where))
        for problem in conversion.problems:
            self.report.problem(f"{where}: {problem}")
        for href in conversion.dead_links:
            self.report.problem(
                f"{where}: liên kết tới bài cũ không còn tồn tại, giữ lại chữ ({href[:120]})"
            )
        return conversion.blocks

    # -- static pages
    def _pages(self, module: Module) -> None:
        table = self.staged.table(module)
        if not self.staged.has(table):
            return
        section_link = self._link(Kind.MODULE, module.title, "index")
        if section_link is None:
            return
        section = StandardPage.objects.get(pk=section_link.object_id)
        columns = set(self.staged.columns[table])
        order = "weight, id" if "weight" in columns else "id"
        for row in self.staged.iterate(f"SELECT * FROM {_quote(table)} ORDER BY {order}"):
            self._step()
            page_id = int(row["id"])
            title = text(row["title"])[:255]
            where = f"Trang “{title[:60]}” (id {page_id})"
            link = self._link(Kind.PAGE, module.title, page_id)
            page = self._existing(StandardPage, link)
            checksum = _checksum(dict(row))
            alias = str(row["alias"] or "")
            if page is not None and link.checksum == checksum:
                self._counted(Kind.PAGE, True, False)
                continue
            existed = page is not None
            page = page or StandardPage()
            body = str(row["bodytext"] or "")
            blocks = []
            image_name = str(row["image"] or "") if "image" in columns else ""
            if image_name:
                relative = upload_path(image_name, self.old_hosts) or (
                    f"uploads/{module.upload}/{image_name.lstrip('/')}"
                )
                alt = text(row["imagealt"]) if "imagealt" in columns else ""
                image_id = self.image(relative, alt or title, where)
                if image_id:
                    blocks.append(
                        {
                            "type": "image",
                            "value": {
                                "image": image_id,
                                "decorative": False,
                                "alt_text": alt or title,
                            },
                        }
                    )
            blocks += self._body(body, where)
            page.title = title
            page.summary = plain_text(str(row["description"] or ""))
            page.body = json.dumps(blocks)
            active = int(row["status"] if "status" in columns else 1) == 1
            page.live = active
            page.has_unpublished_changes = not active
            page.first_published_at = _when(row["add_time"]) if "add_time" in columns else None
            if existed:
                page.save()
            else:
                page.slug = self._free_slug(section, _slug(alias, f"trang-{page_id}"))
                section.add_child(instance=page)
            self._link_set(
                Kind.PAGE, module.title, page_id, page.pk, alias=alias, checksum=checksum
            )
            self._counted(Kind.PAGE, existed)

    # -- laws → the documents register
    def _laws(self, module: Module) -> None:
        staged = self.staged
        table = staged.table(module, "row")
        if not staged.has(table):
            return

        def names(suffix: str) -> dict:
            lookup = staged.table(module, suffix)
            if not staged.has(lookup):
                return {}
            return {
                r["id"]: text(r["title"])
                for r in staged.query(f"SELECT id, title FROM {_quote(lookup)}")
            }

        kinds, bodies, signers = names("cat"), names("subject"), names("signer")
        for row in staged.iterate(f"SELECT * FROM {_quote(table)} ORDER BY id"):
            self._step()
            law_id = int(row["id"])
            number = text(row["code"])[:100]
            where = f"Văn bản {number or law_id}"
            link = self._link(Kind.LAW, module.title, law_id)
            document = self._existing(OfficialDocument, link)
            checksum = _checksum(dict(row))
            if document is not None and link.checksum == checksum:
                self._counted(Kind.LAW, True, False)
                continue
            issued = _when(row["publtime"]) or _when(row["addtime"])
            if issued is None:
                self.report.skip(where, "không có ngày ban hành")
                continue
            existed = document is not None
            document = document or OfficialDocument()
            kind_name = kinds.get(row["cid"], "")
            document.number = number or f"VB-{law_id}"
            document.kind = _document_kind(kind_name)
            if document.kind == OfficialDocument.Kind.OTHER and kind_name:
                self.report.problem(f"{where}: loại “{kind_name}” được xếp vào “Văn bản khác”")
            document.issuing_body = (bodies.get(row["sid"]) or "")[:255]
            document.signatory = (signers.get(row["sgid"]) or "")[:255]
            document.issued_on = issued.astimezone(VN).date()
            valid = _when(row["startvalid"]) if "startvalid" in row.keys() else None
            document.effective_on = valid.astimezone(VN).date() if valid else None
            summary = plain_text(str(row["introtext"] or ""))
            title = text(row["title"])
            document.abstract = title + (f"\n\n{summary}" if summary and summary != title else "")
            files = [f.strip() for f in str(row["files"] or "").split(",") if f.strip()]
            document.file_id = None
            for position, name in enumerate(files):
                relative = f"uploads/{module.upload}/{name.lstrip('/')}"
                document_id = self.document(relative, f"{document.number} {title}"[:255], where)
                if position == 0:
                    document.file_id = document_id
                elif document_id:
                    self.report.problem(f"{where}: chỉ giữ tệp đầu tiên, bỏ {name}")
            document.save()
            self._link_set(
                Kind.LAW,
                module.title,
                law_id,
                document.pk,
                alias=str(row["alias"] or ""),
                checksum=checksum,
            )
            self._counted(Kind.LAW, existed)

    # -- comments
    def _comments(self) -> None:
        table = f"{self.staged.prefix}_{self.staged.lang}_comment"
        if not self.staged.has(table):
            return
        for row in self.staged.iterate(f"SELECT * FROM {_quote(table)} ORDER BY cid"):
            self._step()
            comment_id = int(row["cid"])
            module = str(row["module"] or "")
            article_link = self._link(Kind.ARTICLE, module, row["id"])
            if article_link is None:
                self.report.skip(
                    f"Bình luận id {comment_id}",
                    "không gắn với bài tin nào được nhập"
                    if module in self.module_files
                    else f"thuộc mô-đun “{module}” không được nhập",
                )
                continue
            link = self._link(Kind.COMMENT, module, comment_id)
            comment = self._existing(ReaderComment, link)
            checksum = _checksum(dict(row))
            if comment is not None and link.checksum == checksum:
                self._counted(Kind.COMMENT, True, False)
                continue
            existed = comment is not None
            comment = comment or ReaderComment()
            comment.article_id = article_link.object_id
            comment.name = (text(row["post_name"]) or "Bạn đọc")[:100]
            comment.email = str(row["post_email"] or "")[:254]
            comment.body = plain_text(text(row["content"]))[:3000]
            approved = int(row["status"] or 0) == 1
            comment.status = (
                ReaderComment.Status.APPROVED if approved else ReaderComment.Status.PENDING
            )
            posted = _when(row["post_time"])
            comment.moderated_at = posted if approved else None
            comment.save()
            if posted:
                ReaderComment.objects.filter(pk=comment.pk).update(created_at=posted)
            self._link_set(Kind.COMMENT, module, comment_id, comment.pk, checksum=checksum)
            self._counted(Kind.COMMENT, existed)


_KINDS = {
    "quyet dinh": OfficialDocument.Kind.DECISION,
    "ke hoach": OfficialDocument.Kind.PLAN,
    "bao cao": OfficialDocument.Kind.REPORT,
    "thong bao": OfficialDocument.Kind.NOTICE,
    "cong van": OfficialDocument.Kind.OFFICIAL_LETTER,
    "giay moi": OfficialDocument.Kind.INVITATION,
    "dieu le": OfficialDocument.Kind.CHARTER,
}


def _document_kind(name: str) -> str:
    normal = " ".join(anyascii(name).lower().split())
    for key, kind in _KINDS.items():
        if normal.startswith(key):
            return kind
    return OfficialDocument.Kind.OTHER


def _escape(value: str) -> str:
    from html import escape

    return escape(value, quote=False)
