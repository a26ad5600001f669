"""``jiangxuan restore DIR --database-url URL (--media-root DIR | --to-storage) [--no-owner]``:
restore a backup made by ``jiangxuan backup`` into a new, empty PostgreSQL database and a
new uploads folder (or, with ``--to-storage``, the configured uploads' storage, which must
hold no file: an empty S3 bucket with ``JX_STORAGE=s3``), after checking the backup
against its manifest and the field key against the backup's; then compare the copy with
the manifest and record the restore in the restored audit chain (``backup.restore``).
``core/backup.py``; docs/admin/install.md, docs/admin/object-storage.md."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jiangxuan.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "把 jiangxuan backup 的备份恢复到新建的空数据库和新的上传文件夹，并按清单核对。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="备份文件夹")
        parser.add_argument(
            "--database-url",
            required=True,
            help="目标数据库，如 postgres://USER:PASSWORD@HOST:5432/NAME（不存在则新建，须为空）",
        )
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument(
            "--media-root", type=Path, default=None, help="目标上传文件夹（不存在或为空）"
        )
        target.add_argument(
            "--to-storage",
            action="store_true",
            help="恢复到本系统配置的上传文件存储（如 JX_STORAGE=s3 的存储桶），须为空",
        )
        parser.add_argument(
            "--no-owner",
            action="store_true",
            help="不恢复原来的所有者和授权（目标服务器上没有原来的角色时）；"
            "之后运行 auditroles --apply",
        )

    def handle(self, *args, folder: Path, **options) -> None:
        try:
            report = restore_backup(
                folder,
                database_url=options["database_url"],
                media_root=options["media_root"],
                no_owner=options["no_owner"],
            )
        except BackupError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "已恢复到数据库 %(db)s（%(how)s）和 %(media)s：%(tables)d 个表共 %(rows)d 行、"
                    "%(files)d 个文件，均与清单一致。"
                )
                % {
                    "db": report.database,
                    "how": _("新建") if report.created else _("原为空库"),
                    "media": options["media_root"] or _("配置的上传文件存储"),
                    "tables": report.tables,
                    "rows": report.rows,
                    "files": report.files,
                }
            )
        )
        for note in report.notes:
            self.stdout.write(self.style.WARNING(note))
