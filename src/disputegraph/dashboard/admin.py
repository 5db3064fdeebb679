"""``/admin/users``: account management for admins (list, add, remove, role,
password; audited; nobody can remove or demote themself)."""

from __future__ import annotations

import html
import secrets
from collections.abc import Callable
from typing import Any

import flask

from disputegraph.dashboard.session import csrf_token, current_viewer, no_store
from disputegraph.exceptions import AuthError
from disputegraph.i18n import bilingual
from disputegraph.users import ROLES, UserStore

__all__ = ["install_admin"]

_ADMIN_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>用户管理 · Users — disputegraph</title>
<style>
body{{font-family:"Noto Sans CJK SC","Noto Sans",sans-serif;margin:24px;color:#111827}}
table{{border-collapse:collapse;margin:12px 0}}td,th{{border:1px solid #cbd5e1;padding:4px 8px;
font-size:14px;text-align:left}}form{{display:inline}}.msg{{color:#1d4ed8}}.error{{color:#b91c1c}}
fieldset{{max-width:640px;border:1px solid #cbd5e1;margin-top:16px}}input,select{{margin:2px}}
</style></head><body>
<p><a href="/">← 返回 · Back</a> · {who}</p>
<h1>用户管理 · Users</h1>
{message}
<table id="users"><tr><th>用户 · User</th><th>角色 · Role</th><th>创建 · Created</th>
<th>锁定至 · Locked until</th><th>操作 · Actions</th></tr>
{rows}
</table>
<fieldset><legend>新增用户 · Add a user</legend>
<form method="post" action="/admin/users" autocomplete="off">
<input type="hidden" name="csrf" value="{csrf}"><input type="hidden" name="action" value="add">
<input name="name" placeholder="用户名 · name" required>
<select name="role">{role_options}</select>
<input type="password" name="password" placeholder="密码 · password (10+)" required>
<button type="submit" id="add-user">新增 · Add</button></form></fieldset>
<p class="note">角色：analyst 姓名脱敏 · officer 姓名完整 · admin 管理用户（姓名脱敏）</p>
</body></html>
"""


def install_admin(server: flask.Flask, users: UserStore, record: Callable[..., None]) -> None:
    """``/admin/users``: list, add, remove, change the role or the password of accounts
    (admins only; every change is audited; an admin cannot remove or demote themself)."""

    def page(message: str = "", error: bool = False, status: int = 200) -> flask.Response:
        viewer = current_viewer()
        assert viewer is not None
        csrf = csrf_token()
        options = "".join(f'<option value="{r}">{r}</option>' for r in ROLES)
        rows = []
        for u in users.list_users():
            name = html.escape(u.name)
            roles = "".join(
                f'<option value="{r}"{" selected" if r == u.role else ""}>{r}</option>'
                for r in ROLES
            )
            hidden = (
                f'<input type="hidden" name="csrf" value="{html.escape(csrf)}">'
                f'<input type="hidden" name="name" value="{name}">'
            )
            rows.append(
                f"<tr><td>{name}</td><td>{u.role}</td><td>{html.escape(u.created_at)}</td>"
                f"<td>{u.locked_until.isoformat(timespec='minutes') if u.locked_until else ''}"
                "</td><td>"
                f'<form method="post" action="/admin/users">{hidden}'
                '<input type="hidden" name="action" value="set_role">'
                f'<select name="role">{roles}</select><button>改角色 · Set role</button></form> '
                f'<form method="post" action="/admin/users">{hidden}'
                '<input type="hidden" name="action" value="set_password">'
                '<input type="password" name="password" placeholder="新密码 · new password">'
                "<button>改密码 · Set password</button></form> "
                f'<form method="post" action="/admin/users">{hidden}'
                '<input type="hidden" name="action" value="remove">'
                "<button>删除 · Remove</button></form></td></tr>"
            )
        kind = "error" if error else "msg"
        note = f'<p class="{kind}" id="admin-message">{html.escape(message)}</p>' if message else ""
        body = _ADMIN_PAGE.format(
            who=html.escape(f"{viewer.name} · {viewer.role}"),
            message=note,
            rows="\n".join(rows),
            csrf=html.escape(csrf),
            role_options=options,
        )
        return no_store(flask.make_response(body, status))

    @server.route("/admin/users", methods=["GET", "POST"])
    def _admin_users() -> Any:
        viewer = current_viewer()
        if viewer is None or viewer.role != "admin":
            return flask.make_response("only an admin manages users", 403)
        if flask.request.method == "GET":
            return page()
        form = flask.request.form
        if not secrets.compare_digest(str(form.get("csrf", "")), str(flask.session.get("csrf"))):
            return page(bilingual("auth.form_expired"), True, 400)
        action = str(form.get("action", ""))
        name = str(form.get("name", "")).strip()
        try:
            if name == viewer.name and action in ("remove", "set_role"):
                raise AuthError("you cannot remove or demote yourself; ask another admin")
            if action == "add":
                user = users.add(name, str(form.get("password", "")), str(form.get("role", "")))
                record(viewer.name, "user_add", name=user.name, role=user.role)
                done = f"added {user.name} ({user.role})"
            elif action == "remove":
                users.remove(name)
                record(viewer.name, "user_remove", name=name)
                done = f"removed {name}"
            elif action == "set_role":
                user = users.set_role(name, str(form.get("role", "")))
                record(viewer.name, "user_set_role", name=user.name, role=user.role)
                done = f"{user.name} is now {user.role}"
            elif action == "set_password":
                users.set_password(name, str(form.get("password", "")))
                record(viewer.name, "user_set_password", name=name)
                done = f"password of {name} changed"
            else:
                raise AuthError(f"unknown action {action!r}")
        except AuthError as exc:
            return page(str(exc), True, 400)
        return page(done)
