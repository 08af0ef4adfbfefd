from django.core.management.base import BaseCommand, CommandError

from tenants.management.commands._lifecycle import command_actor, run, union_get
from tenants.management.commands.union_create import _province
from tenants.merging import (
    NewUnion,
    merge_carry_out,
    merge_preview,
    merge_preview_new,
    merge_request,
    merge_request_new,
)
from tenants.models import Union, UnionMerge


class Command(BaseCommand):
    help = (
        "Merge unions: union_merge haiduong --into haiphong [--dry-run]. The absorbing union "
        "may be new: --name 'Liên hiệp Hội thành phố Hải Phòng' --province 'Hải Phòng'."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("absorbed", nargs="*", help="the unions absorbed (schema names)")
        parser.add_argument("--into", help="the absorbing union (schema name)")
        parser.add_argument(
            "--resume",
            action="store_true",
            help="finish every merge a stopped worker left open (queued or running)",
        )
        parser.add_argument("--dry-run", action="store_true", help="only show the preview")
        parser.add_argument("--name", help="create the absorbing union with this name")
        parser.add_argument("--province", help="its current province, when created")

    def handle(self, *args, **options) -> None:
        if options["resume"]:
            self._resume()
            return
        if not options["absorbed"] or not options["into"]:
            raise CommandError("Cần tên Liên hiệp Hội được sáp nhập và --into <tiếp nhận>.")
        absorbing = Union.objects.filter(schema_name=options["into"]).first()
        if absorbing is None:
            if not options["name"]:
                raise CommandError(
                    f"Không có Liên hiệp Hội “{options['into']}”; để tạo mới, hãy cho thêm "
                    "--name (và --province)."
                )
            self._into_new(options)
            return
        for schema_name in options["absorbed"]:
            absorbed = union_get(schema_name)
            preview = run(lambda a=absorbed: merge_preview(absorbed=a, absorbing=absorbing))
            self.stdout.write(f"{absorbed.name} → {absorbing.name}")
            for label, count in preview.counts.items():
                self.stdout.write(f"  {label}: {count}")
            for conflict in preview.conflicts:
                proposed = dict(conflict.choices).get(conflict.proposed, "")
                self.stdout.write(f"  ! {conflict.label}" + (f" → {proposed}" if proposed else ""))
            if options["dry_run"]:
                continue
            merge = run(
                lambda a=absorbed: merge_request(
                    absorbed=a, absorbing=absorbing, actor=command_actor(), queue=False
                )
            )
            self._carry_out(merge)

    def _into_new(self, options: dict) -> None:
        """The absorbing union created with the first merge, all or nothing; the others
        follow into it, one at a time."""
        new = NewUnion(
            schema_name=options["into"],
            name=options["name"],
            province=_province(options["province"], current=True),
        )
        absorbed = [union_get(schema_name) for schema_name in options["absorbed"]]
        self.stdout.write(f"Sẽ tạo Liên hiệp Hội mới “{new.name}” ({new.schema_name}).")
        for union in absorbed:  # every one checked before anything is made
            preview = run(lambda u=union: merge_preview_new(absorbed=u, new=new))
            self.stdout.write(f"{union.name} → {new.name}")
            for label, count in preview.counts.items():
                self.stdout.write(f"  {label}: {count}")
        if options["dry_run"]:
            return
        first, *rest = absorbed
        merge = run(
            lambda: merge_request_new(absorbed=first, new=new, actor=command_actor(), queue=False)
        )
        self.stdout.write(f"Đã tạo {merge.absorbing.schema_name}: {merge.absorbing.name}")
        self._carry_out(merge)
        absorbing = merge.absorbing
        for union in rest:
            self._carry_out(
                run(
                    lambda u=union: merge_request(
                        absorbed=u, absorbing=absorbing, actor=command_actor(), queue=False
                    )
                )
            )

    def _carry_out(self, merge: UnionMerge) -> None:
        merge = merge_carry_out(merge_id=merge.pk)
        if merge.state != UnionMerge.State.DONE:
            raise CommandError(merge.error or merge.get_state_display())
        self.stdout.write(
            f"Đã sáp nhập {merge.absorbed.schema_name} vào {merge.absorbing.schema_name} "
            f"(bản sao lưu: {merge.backup_name})."
        )

    def _resume(self) -> None:
        for merge_id in UnionMerge.objects.filter(state__in=UnionMerge.OPEN_STATES).values_list(
            "pk", flat=True
        ):
            merge = merge_carry_out(merge_id=merge_id)
            self.stdout.write(f"{merge.absorbed.schema_name}: {merge.get_state_display()}")
