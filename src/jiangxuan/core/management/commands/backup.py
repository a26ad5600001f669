"""``jiangxuan backup --out DIR``: back up the PostgreSQL database and the stored uploads (the
folder, or the S3 bucket with ``JX_STORAGE=s3``) into a new folder, with a manifest of row
counts, file checksums, the audit chain's head, the migrations, the time and the tools'
versions (``core/backup.py``; issue 16; docs/security.md check 32). Audited
(``backup.create``). Keep ``JX_FIELD_KEY`` and the audit anchors apart from the backup
(docs/admin/install.md, "Backup and restore")."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jiangxuan.core.backup import BackupError, make_backup


class Command(BaseCommand):
    help = (
        "备份 PostgreSQL 数据库和上传文件夹到一个新文件夹，附清单（行数、文件校验值、审计链头）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", type=Path, required=True, help="新的备份文件夹（不存在或为空）"
        )

    def handle(self, *args, out: Path, **options) -> None:
        try:
            manifest = make_backup(out)
        except BackupError as exc:
            raise CommandError(exc.message) from exc
        rows = sum(manifest["tables"].values())
        size = sum(f["bytes"] for f in manifest["files"].values())
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "已备份到 %(dir)s：%(tables)d 个表共 %(rows)d 行，%(files)d 个文件"
                    "（%(mb).1f MB），审计链至记录 #%(last)s。"
                )
                % {
                    "dir": out,
                    "tables": len(manifest["tables"]),
                    "rows": rows,
                    "files": len(manifest["files"]),
                    "mb": size / 1048576,
                    "last": manifest["audit"]["last_id"],
                }
            )
        )
        if manifest["missing_files"]:
            self.stdout.write(
                self.style.WARNING(
                    _("注意：%(n)d 个被引用的文件在上传文件夹中已不存在：%(names)s")
                    % {
                        "n": len(manifest["missing_files"]),
                        "names": "、".join(manifest["missing_files"]),
                    }
                )
            )
