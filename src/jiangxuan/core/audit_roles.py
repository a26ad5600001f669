"""The application's database role, kept from altering the audit trail (issue 16.1; docs/security.md
check 23; docs/admin/install.md, "Database").

On PostgreSQL the owner of a table may drop or disable its triggers, so a trigger alone does
not keep ``core_auditentry`` append-only against the role that owns it. Production therefore
uses two roles: the *owner* runs ``migrate``, ``auditpurge`` and ``auditroles``; the
*application* connects as a role that may read and write every other table but on the audit
tables only append (``INSERT``/``SELECT`` on ``core_auditentry``; ``SELECT`` and ``UPDATE``
of ``last_hash`` on ``core_audithead``, to chain the next entry and lock the head). It
cannot delete, update, truncate, disable the trigger or move the chain's base.

SQLite has no roles; these functions are for PostgreSQL only.
"""

import re

from django.db import connection, transaction
from django.utils.translation import gettext as _

from .audit import GENESIS
from .errors import DomainError
from .models import AuditEntry, AuditHead

ROLE_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class AuditRolesError(DomainError):
    """The grants cannot be applied, or the connected role can alter the audit trail;
    ``message`` is Chinese and says why."""

    code = "conflict"
    status = 409


def _require_postgres() -> None:
    if connection.vendor != "postgresql":
        raise AuditRolesError(_("数据库角色分离只适用于 PostgreSQL。"))


def app_role_grants(app_role: str) -> list[str]:
    """The SQL statements, in order, that give ``app_role`` what the application needs:
    every table and sequence of the schema (also those later migrations create, through
    default privileges), except that on the audit tables it may only append.

    Args:
        app_role: the application's login role (lower-case letters, digits, ``_``).
    Returns:
        The statements; run them as the owner after every ``migrate``.
    Raises:
        AuditRolesError: the role name is not a plain lower-case identifier.
    """
    if not ROLE_RE.match(app_role):
        raise AuditRolesError(
            _("角色名 %(role)s 不合规：只用小写字母、数字和下划线。") % {"role": app_role}
        )
    q = connection.ops.quote_name
    role = q(app_role)
    entries, head = q(AuditEntry._meta.db_table), q(AuditHead._meta.db_table)
    return [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public"
        f" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
        f"REVOKE ALL ON {entries}, {head} FROM {role}",
        f"GRANT SELECT, INSERT ON {entries} TO {role}",
        f"GRANT SELECT, UPDATE (last_hash) ON {head} TO {role}",
        # The application may not insert the head row, so the owner makes sure it exists.
        # Names come from the models and GENESIS is a constant, not from input.
        f"INSERT INTO {head} (id, last_hash, base_hash) VALUES (1, '{GENESIS}', '{GENESIS}')"  # noqa: S608
        " ON CONFLICT (id) DO NOTHING",
    ]


@transaction.atomic
def apply_app_role_grants(app_role: str) -> list[str]:
    """Run :func:`app_role_grants` on the default database, connected as the owner.

    Returns:
        The statements run.
    Raises:
        AuditRolesError: not PostgreSQL; the connected role does not own the audit table;
            ``app_role`` does not exist, is a superuser, or is (a member of) the owner.
    """
    _require_postgres()
    statements = app_role_grants(app_role)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_has_role(current_user, relowner, 'USAGE'), relowner::regrole::text"
            " FROM pg_class WHERE oid = %s::regclass",
            [AuditEntry._meta.db_table],
        )
        owns, owner = cursor.fetchone()
        if not owns:
            raise AuditRolesError(
                _("请以审计表的所有者（%(owner)s）连接数据库再运行。") % {"owner": owner}
            )
        cursor.execute(
            "SELECT rolsuper, pg_has_role(oid, %s::regrole, 'USAGE')"
            " FROM pg_roles WHERE rolname = %s",
            [owner, app_role],
        )
        found = cursor.fetchone()
        if found is None:
            raise AuditRolesError(_("数据库角色 %(role)s 不存在，请先创建。") % {"role": app_role})
        if any(found):
            raise AuditRolesError(
                _("应用角色 %(role)s 不能是超级用户，也不能是所有者 %(owner)s 或其成员。")
                % {"role": app_role, "owner": owner}
            )
        for statement in statements:
            cursor.execute(statement)
    return statements


def connected_role_can_alter_audit() -> list[str]:
    """What the role connected now could do to the audit trail beyond appending.

    Returns:
        One Chinese phrase per power (superuser, owner, a write privilege); empty when the
        role may only append, as the application's role should.
    Raises:
        AuditRolesError: not PostgreSQL.
    """
    _require_postgres()
    entries, head = AuditEntry._meta.db_table, AuditHead._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, r.rolsuper, pg_has_role(current_user, c.relowner, 'USAGE'),"
            " has_table_privilege(c.oid, 'UPDATE, DELETE, TRUNCATE, TRIGGER'),"
            " has_column_privilege(%s, 'base_hash', 'UPDATE')"
            " OR has_table_privilege(%s, 'DELETE, TRUNCATE')"
            " FROM pg_class c, pg_roles r"
            " WHERE c.oid = %s::regclass AND r.rolname = current_user",
            [head, head, entries],
        )
        role, superuser, owns, writes_entries, writes_head = cursor.fetchone()
    powers = []
    if superuser:
        powers.append(_("%(role)s 是超级用户") % {"role": role})
    if owns:
        powers.append(_("%(role)s 拥有审计表（可删除或停用触发器）") % {"role": role})
    if writes_entries:
        powers.append(_("%(role)s 可修改或删除审计记录") % {"role": role})
    if writes_head:
        powers.append(_("%(role)s 可改写审计链头的起点或删除链头") % {"role": role})
    return powers
