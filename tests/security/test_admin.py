"""Admins manage accounts in the dashboard (/admin/users); nobody else can."""

from __future__ import annotations

import re
from typing import Any

from security_helpers import PASSWORD, login

from disputegraph.audit import AuditLog
from disputegraph.users import UserStore


def _csrf(client: Any) -> str:
    page = client.get("/admin/users").get_data(as_text=True)
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match
    return match.group(1)


def test_only_admins_get_the_page(secure_app: Any) -> None:
    for name in ("ana", "off"):
        client = secure_app.server.test_client()
        login(client, name)
        assert client.get("/admin/users").status_code == 403
        assert (
            client.post("/admin/users", data={"action": "remove", "name": "adm"}).status_code == 403
        )
        assert "dg-admin" not in client.get("/").get_data(as_text=True)
    anonymous = secure_app.server.test_client()
    assert anonymous.get("/admin/users").status_code == 302  # to the login page


def test_admin_adds_changes_and_removes_users(
    secure_app: Any, accounts: UserStore, secure_settings: Any
) -> None:
    client = secure_app.server.test_client()
    login(client, "adm")
    assert 'id="dg-admin"' in client.get("/").get_data(as_text=True)
    page = client.get("/admin/users").get_data(as_text=True)
    assert all(name in page for name in ("ana", "off", "adm")) and "scrypt" not in page
    token = _csrf(client)

    def post(**form: str) -> Any:
        return client.post("/admin/users", data={"csrf": token, **form})

    assert post(action="add", name="zhao", role="officer", password=PASSWORD).status_code == 200
    assert accounts.get("zhao").role == "officer"  # type: ignore[union-attr]
    assert post(action="set_role", name="zhao", role="analyst").status_code == 200
    assert accounts.get("zhao").role == "analyst"  # type: ignore[union-attr]
    assert post(action="set_password", name="zhao", password="another long one").status_code == 200
    assert accounts.authenticate("zhao", "another long one").name == "zhao"
    assert post(action="remove", name="zhao").status_code == 200
    assert accounts.get("zhao") is None
    bad = post(action="add", name="x", role="boss", password=PASSWORD)
    assert bad.status_code == 400 and "unknown role" in bad.get_data(as_text=True)
    assert post(action="remove", name="adm").status_code == 400  # not yourself
    assert post(action="set_role", name="adm", role="analyst").status_code == 400
    assert accounts.get("adm").role == "admin"  # type: ignore[union-attr]
    forged = client.post("/admin/users", data={"csrf": "x", "action": "remove", "name": "ana"})
    assert forged.status_code == 400 and accounts.get("ana") is not None
    actions = [
        (e["action"], e["params"].get("name"))
        for e in AuditLog(secure_settings.audit_path).entries(user="adm")
        if e["action"].startswith("user_")
    ]
    assert actions == [
        ("user_add", "zhao"),
        ("user_set_role", "zhao"),
        ("user_set_password", "zhao"),
        ("user_remove", "zhao"),
    ]
