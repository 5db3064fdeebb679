"""A small 12345 hotline export with its mapping, as dropped into a watched folder
(tests of ``watch FOLDER``, the live dashboard and ``bench/bench_watch.py``).

Each ticket is one dispute and one involvement of an existing party (the sample's
``P-001`` … by default), so a ticket joins that party's cluster."""

from __future__ import annotations

import csv
from pathlib import Path

MAPPING = """\
[source]
name = "hotline-12345"
date_formats = ["%Y/%m/%d %H:%M"]

[[tables]]
table = "disputes"
file = "工单.csv"
ignore = ["当事人编号"]

[tables.columns]
id = { template = "GD-{工单编号}" }
title = "标题"
category = "诉求类型"
status = "办理状态"
reported_at = "登记时间"
district = "所属区县"
headcount = "人数"
channel = { value = "hotline_12345" }
source = { value = "12345" }

[[tables]]
table = "involvements"
file = "工单.csv"
ignore = ["标题", "诉求类型", "办理状态", "登记时间", "所属区县", "人数"]

[tables.columns]
dispute_id = { template = "GD-{工单编号}" }
stakeholder_id = "当事人编号"
role = { value = "applicant" }
"""

HEADERS = ["工单编号", "标题", "诉求类型", "办理状态", "登记时间", "所属区县", "人数", "当事人编号"]


def ticket(number: str, party: str = "P-001", when: str = "2026/2/19 9:00") -> list[str]:
    """One ticket row: a wage-arrears dispute of 30 people naming ``party``."""
    title = f"工地欠薪投诉{number}"
    return [number, title, "wage_arrears", "accepted", when, "西湖区", "30", party]


def write_export(folder: Path, rows: list[list[str]], *, ready: bool = True) -> Path:
    """``folder`` with ``工单.csv``, ``mapping.toml`` and (``ready``) the READY marker,
    written last as a sender would."""
    folder.mkdir(parents=True)
    with (folder / "工单.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        writer.writerows(rows)
    (folder / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    if ready:
        (folder / "READY").write_text("", encoding="utf-8")
    return folder
