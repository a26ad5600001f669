"""``jiangxuan backupverify DIR [--restored [--media-root DIR]]``: check a backup folder
against its manifest (the dump's SHA-256 and readability, every file's SHA-256) without
restoring it; with ``--restored``, also compare the database of ``DATABASE_URL`` and the
uploads (the folder given, else the configured storage: ``MEDIA_ROOT`` or the S3 bucket)
with the manifest (rows of every table, migrations, the audit chain up to
the backup's head, files). Writes nothing. ``core/backup.py``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jiangxuan.core.backup import BackupError, compare_with_manifest, read_manifest, verify_backup


class Command(BaseCommand):
    help = "按清单核对备份文件夹；加 --restored 时再核对当前数据库和上传文件夹是否与备份一致。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="备份文件夹")
        parser.add_argument(
            "--restored",
            action="store_true",
            help="同时核对 DATABASE_URL 的数据库和上传文件夹（恢复后的副本）",
        )
        parser.add_argument(
            "--media-root",
            type=Path,
            default=None,
            help="上传文件夹；默认本系统配置的上传文件存储（MEDIA_ROOT 或 S3 存储桶）",
        )

    def handle(self, *args, folder: Path, **options) -> None:
        try:
            manifest = read_manifest(folder)
        except BackupError as exc:
            raise CommandError(exc.message) from exc
        problems = verify_backup(folder, manifest)
        if options["restored"]:
            try:
                problems += compare_with_manifest(manifest, options["media_root"])
            except BackupError as exc:
                raise CommandError(exc.message) from exc
        if problems:
            raise CommandError(_("与备份清单不符：") + "\n" + "\n".join(f"  {p}" for p in problems))
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "与清单一致（%(when)s 的备份：%(tables)d 个表共 %(rows)d 行，"
                    "%(files)d 个文件）。"
                )
                % {
                    "when": manifest["created_at"],
                    "tables": len(manifest["tables"]),
                    "rows": rows,
                    "files": len(manifest["files"]),
                }
            )
        )
