"""UI strings in zh-CN and English: the one table of the package.

Every user-visible string of every front end (dashboard, briefing pack, exports,
login pages) is a key of :data:`STRINGS`; keys of one part share a prefix
(``brief.``, ``export.``, ``cypher.``, ``auth.``, ``legend.``, ``rule.``,
``decision.``). No other module keeps a zh/en table (``tests/test_i18n.py``
checks). Enum values are not translated here: they come from the schema enums'
``.label(lang)`` (see :func:`enum_label`). Strings are looked up by key; an
unknown key fails loudly in tests rather than showing a raw key to a user.

>>> t("overview", "en")
'Overview'
>>> enum_label("category", "wage_arrears", "zh")
'欠薪'
"""

from __future__ import annotations

from typing import Any

from disputegraph.schemas import (
    Action,
    AgencyKind,
    AgencyLevel,
    Category,
    Channel,
    LabeledEnum,
    Lang,
    NodeLabel,
    PartyRole,
    RiskLevel,
    Status,
)
from disputegraph.schemas.analysis import ChainFlag, RiskFactor

__all__ = [
    "ENUMS",
    "STRINGS",
    "bilingual",
    "decision_label",
    "enum_label",
    "enum_options",
    "money",
    "rule_label",
    "t",
]

STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("矛盾纠纷关系图谱", "Dispute relationship explorer"),
    "overview": ("总览", "Overview"),
    "cluster": ("风险簇", "Cluster"),
    "tracer": ("案件追溯", "Case tracer"),
    "agencies": ("责任单位", "Agencies"),
    "language": ("English", "中文"),
    "as_of": ("截至日期", "As of"),
    "window": ("时间窗口", "Window"),
    "days": ("天", "days"),
    "district": ("区县", "District"),
    "category": ("纠纷类型", "Category"),
    "status": ("状态", "Status"),
    "level": ("风险等级", "Risk level"),
    "all": ("全部", "All"),
    "open_only": ("未化解(全部在办)", "Open (any)"),
    "kpi_open": ("在办纠纷", "Open disputes"),
    "kpi_people": ("涉及人数", "People involved"),
    "kpi_amount": ("涉及金额", "Money owed"),
    "kpi_clusters": ("风险簇(按等级)", "Risk clusters by level"),
    "yuan": ("元", "yuan"),
    "wan_yuan": ("万元", "10k yuan"),
    "trend_category": ("按类型的新增纠纷(周)", "New disputes per week by category"),
    "trend_district": ("按区县的纠纷", "Disputes by district"),
    "trend_channel": ("按来源渠道的纠纷", "Disputes by channel"),
    "risk_ranking": ("风险簇排名", "Ranked risk clusters"),
    "col_rank": ("#", "#"),
    "col_cluster": ("风险簇", "Cluster"),
    "col_score": ("风险分", "Score"),
    "col_level": ("等级", "Level"),
    "col_change": ("周环比", "Week-on-week"),
    "col_people": ("人数", "People"),
    "col_disputes": ("纠纷数", "Disputes"),
    "col_open": ("在办", "Open"),
    "col_amount": ("金额(元)", "Amount (yuan)"),
    "col_categories": ("主要类型", "Main categories"),
    "col_districts": ("区县", "Districts"),
    "col_reason": ("主要原因", "Main reason"),
    "no_analysis": (
        "尚无分析结果：请先运行 `disputegraph analyze`。",
        "No analysis yet: run `disputegraph analyze`.",
    ),
    "analysis_of": ("风险簇取自该日期的分析：", "Clusters come from the analysis as of "),
    "no_data": ("没有符合条件的数据。", "Nothing matches these filters."),
    "pick_cluster": ("选择风险簇", "Pick a cluster"),
    "unknown_cluster": ("未找到该风险簇：", "No such cluster: "),
    "factors": ("风险因素构成(分)", "Risk factors (points)"),
    "reasons": ("研判理由", "Reasons"),
    "timeline": ("纠纷与诉求时间线", "Timeline of disputes and reports"),
    "timebar.title": ("时间回放：风险簇的形成与风险分", "Time bar: the cluster and its score"),
    "timebar.readout": (
        "截至{date} · {shown}/{total}个元素 · 风险分{score}{moved}",
        "as at {date} · {shown} of {total} elements · score {score}{moved}",
    ),
    "timebar.play": ("播放", "Play"),
    "timebar.pause": ("暂停", "Pause"),
    "timebar.new_disputes": ("新增纠纷", "New disputes"),
    "timebar.new_contacts": ("新增诉求", "New contacts"),
    "timebar.score": ("风险分(当周)", "Score (that week)"),
    "timebar.loading": ("正在回放风险分……", "Replaying the score…"),
    "agencies_involved": ("涉及单位", "Agencies involved"),
    "liable_payers": ("欠薪清偿责任主体", "Who must pay the wages"),
    "contractor_chain": ("分包链", "Contractor chain"),
    "legal_basis": ("依据", "Basis"),
    "limit_up_to": ("限额", "Up to"),
    "col_employer": ("单位", "Employer"),
    "col_role": ("角色", "Role"),
    "col_duty": ("清偿责任", "Duty"),
    "key_persons": ("关键人物与单位", "Key persons and organisations"),
    "col_key_person": ("人物/单位", "Person / organisation"),
    "col_key_score": ("关键度", "Score"),
    "col_key_why": ("原因", "Why"),
    "inbox": ("预警工单", "Alerts & orders"),
    "inbox.alerts": ("待研判预警", "Open alerts"),
    "inbox.orders": ("交办工单", "Work orders"),
    "inbox.reason": ("理由（确认或忽略时必填）", "Reason (needed to confirm or dismiss)"),
    "inbox.confirm": ("确认", "Confirm"),
    "inbox.dismiss": ("忽略", "Dismiss"),
    "inbox.assign_title": ("交办所选预警", "Assign the picked alert"),
    "inbox.agency": ("责任单位", "Agency"),
    "inbox.instructions": ("交办要求", "Instructions"),
    "inbox.note": ("办理情况或说明", "What was done, or why"),
    "inbox.pick_alert": ("请先在表中选择一条预警。", "Pick an alert in the table first."),
    "inbox.pick_order": ("请先在表中选择一张工单。", "Pick a work order in the table first."),
    "inbox.done": ("已{action}：{id}", "{action}: {id}"),
    "inbox.waiting": ("待办 {n} 项", "{n} waiting for you"),
    "col_alert": ("预警", "Alert"),
    "col_explanation": ("说明", "Explanation"),
    "col_severity": ("级别", "Severity"),
    "col_alert_change": ("变化", "Change"),
    "alert.change_level": ("风险等级由{old}升至{new}", "level up from {old} to {new}"),
    "alert.change_people": ("涉及{new}人，此前{old}人", "{new} people, up from {old}"),
    "alert.change_trigger": ("新增硬触发：{names}", "new hard trigger: {names}"),
    "alert.watch_title": ("关注对象有新纠纷", "New dispute on a watched subject"),
    "alert.watch_explain": (
        "关注对象{target}所在纠纷群新增{n}起纠纷：{ids}",
        "{n} new dispute(s) joined the cluster of watched {target}: {ids}",
    ),
    "lineage.new": ("首次出现于{since}", "first seen {since}"),
    "lineage.continued": ("自{since}起持续跟踪", "tracked since {since}"),
    "lineage.merged": (
        "自{since}起跟踪 · 由{ids}合并而来",
        "tracked since {since} · merged from {ids}",
    ),
    "lineage.split": ("{since}从{ids}分出", "split from {ids} on {since}"),
    "keyperson.cut_vertex": (
        "连接簇内{parts}个部分：去掉后{cut}个节点（其中{people}人）与其余部分断开",
        "ties {parts} parts of the cluster together: removing it cuts {cut} nodes off "
        "from the rest (persons among them: {people})",
    ),
    "keyperson.betweenness": (
        "簇内其他节点之间{pct}%的最短路径经过它",
        "on {pct}% of the shortest paths between the cluster's other nodes",
    ),
    "keyperson.disputes": (
        "涉及本簇{total}起纠纷中的{n}起",
        "party to {n} of the cluster's {total} disputes",
    ),
    "keyperson.representative": (
        "在本簇{n}起纠纷中担任代表人",
        "representative in {n} of the cluster's disputes",
    ),
    "keyperson.respondent": (
        "本簇{n}起纠纷的被申请人",
        "respondent in {n} of the cluster's disputes",
    ),
    "keyperson.employer": (
        "雇用本簇{n}名当事人",
        "employs {n} of the cluster's parties",
    ),
    "network": ("关系网络", "Network"),
    "legend": ("图例", "Legend"),
    "aggregated": (
        "节点过多，已按社区聚合；点击聚合节点下钻。",
        "Too many nodes: grouped by community; click a group to drill in.",
    ),
    "drilled": ("当前为下钻视图：", "Drilled into group: "),
    "draw_whole": ("完整绘制(WebGL)", "Draw whole (WebGL)"),
    "draw_grouped": ("按社区分组", "Grouped by community"),
    "whole_drawn": (
        "已完整绘制全部元素(有显卡时用 WebGL 渲染)；点击节点查看。",
        "Every element drawn (with WebGL where the browser has a GPU); click a node to trace it.",
    ),
    "whole_too_big": (
        "元素超过完整绘制上限，仅显示分组视图：",
        "Too many elements to draw whole, shown grouped only: limit ",
    ),
    "back_to_cluster": ("返回整体", "Back to the whole cluster"),
    "truncated": ("仅显示连接最多的节点：", "Showing the best-connected nodes only: "),
    "search_placeholder": (
        "姓名 / 单位 / 编号 / 身份证号 / 手机号",
        "Name / organisation / id / ID number / phone",
    ),
    "search": ("查询", "Search"),
    "results": ("查询结果", "Results"),
    "no_results": ("没有找到匹配的对象。", "Nothing found."),
    "ego_network": ("关系网络(点击节点展开)", "Ego network (click a node to expand)"),
    "supernode": ("节点过多未展开：", "Too many neighbours to draw: "),
    "linked": ("关联纠纷", "Linked disputes"),
    "col_dispute": ("纠纷", "Dispute"),
    "col_title": ("标题", "Title"),
    "col_hops": ("跳数", "Hops"),
    "col_path": ("关联路径", "Path"),
    "col_why": ("关联原因", "Why linked"),
    "field_title": ("标题", "title"),
    "field_description": ("留言详情", "message details"),
    "field_street": ("街道", "street"),
    "field_grid": ("网格", "grid"),
    "mention_both": ("两条诉求都提到{name}（{where}）", "both mention {name} ({where})"),
    "mention_one": ("{what}（{where}提到）", "{what} (mentioned in {where})"),
    "mention_where": ("{field}第 {n} 句", "{field}, sentence {n}"),
    "chain": ("责任链(泳道图)", "Responsibility chain (swimlanes)"),
    "pick_dispute": ("选择纠纷查看责任链", "Pick a dispute to see its chain"),
    "flags": ("问题标记", "Flags"),
    "no_flags": ("无问题标记", "No flags"),
    "basis": ("依据", "Legal basis"),
    "no_chain": ("该纠纷没有办理记录。", "No handling steps for this dispute."),
    "dwell_days": ("停留天数", "Days at step"),
    "sankey": ("单位间流转", "Hand-offs between agencies"),
    "agency_stats": ("各单位超期与退回率", "Overdue and bounce rates per agency"),
    "agency_table": ("单位统计", "Agency statistics"),
    "pair_table": ("单位间流转统计", "Agency-pair statistics"),
    "flagged_cases": ("超期与推诿案件", "Overdue and bounced cases"),
    "col_agency": ("单位", "Agency"),
    "col_kind": ("类型", "Kind"),
    "col_agency_level": ("层级", "Level"),
    "col_handled": ("办理数", "Handled"),
    "col_median": ("停留中位数(天)", "Median dwell (days)"),
    "col_overdue": ("超期率", "Overdue rate"),
    "col_bounce": ("退回率", "Bounce rate"),
    "col_bottleneck": ("瓶颈", "Bottleneck"),
    "col_from": ("移交单位", "From"),
    "col_to": ("接收单位", "To"),
    "col_count": ("次数", "Count"),
    "col_returned": ("退回", "Returned"),
    "col_flags": ("标记", "Flags"),
    "col_steps": ("环节数", "Steps"),
    "yes": ("是", "yes"),
    "reports": ("诉求", "Reports"),
    "disputes": ("纠纷", "Disputes"),
    "action": ("动作", "Action"),
    "group": ("聚合组", "Group"),
    "members": ("成员", "members"),
    "more_neighbours": ("个邻居", "neighbours"),
    "loading": ("加载中…", "Loading…"),
    "masked_note": ("按角色脱敏显示", "Masked for your role"),
    "week": ("周", "Week"),
    "count": ("数量", "Count"),
    "closed": ("已结", "Closed"),
    "open_short": ("在办", "open"),
    "closed_short": ("已结", "closed"),
    "overdue": ("超期", "Overdue"),
    "median": ("中位数", "median"),
    "flagged": ("问题标记", "flagged"),
    "source_records": ("来源记录", "Source records"),
    "source_records_note": (
        "同一人/单位在各来源系统中的记录，及合并依据",
        "The records of this person or organisation in each source system, and why they merged",
    ),
    "col_source": ("来源系统", "Source system"),
    "col_record": ("记录编号", "Record id"),
    "col_name": ("名称", "Name"),
    "col_rule": ("合并规则", "Rule"),
    "col_confidence": ("置信度", "Confidence"),
    "col_evidence": ("依据", "Evidence"),
    "col_decision": ("决定", "Decision"),
    "canonical_entity": ("统一实体", "Resolved entity"),
    "agency_filter_note": (
        "类型/状态筛选只作用于案件列表；单位统计覆盖整个时间窗口。",
        "Category/status filters apply to the case list; agency statistics cover the whole window.",
    ),
    # entity-resolution rules (see ``disputegraph.resolution.engine.RULES``): rule_label
    "rule.id_number": ("身份证号相同(哈希)", "Same id-number hash"),
    "rule.credit_code": ("统一社会信用代码相同", "Same unified social credit code"),
    "rule.phone_name": ("手机号相同且姓名相近", "Same phone hash and a similar name"),
    "rule.name_context": (
        "同一(或重复)纠纷中同名",
        "Same name in the same (or a duplicate) dispute",
    ),
    "rule.org_name": ("规范化单位名称相同", "Same normalised organisation name"),
    "rule.org_fuzzy": ("单位名称相近(候选)", "Similar organisation names (candidate)"),
    "rule.person_name": (
        "同区县姓名相近(候选)",
        "Similar person names in one district (candidate)",
    ),
    "rule.officer": ("人工判定", "Decided by an officer"),
    # how a merge was decided: decision_label
    "decision.auto": ("自动合并", "Automatic"),
    "decision.accepted": ("审核确认", "Accepted in review"),
    "decision.review": ("待审核", "Awaiting review"),
    "decision.rejected": ("已驳回", "Rejected"),
    # network legends (the exported network figure and the briefing's legend)
    "legend.person": ("个人", "person"),
    "legend.organization": ("组织", "organisation"),
    "legend.other": ("其他", "other"),
    "legend.link": ("关联", "link"),
    "legend.subcontractor": ("分包关系", "subcontractor of"),
    "legend.related": ("关联纠纷", "related dispute"),
    # the dashboard's download buttons (dashboard/export.py)
    "export.download": ("下载", "Download"),
    "export.briefing": ("生成简报(PDF)", "Briefing pack (PDF)"),
    # the "Copy as Cypher" panel (dashboard/cypher_copy.py)
    "cypher.copy": ("复制为 Cypher", "Copy as Cypher"),
    "cypher.hint": (
        "在笔记本中运行(DISPUTEGRAPH_STORE 指向 Neo4j),或粘贴到 Neo4j Browser:",
        "Run in a notebook (DISPUTEGRAPH_STORE names the Neo4j server) or paste into "
        "Neo4j Browser:",
    ),
    # the login, admin and banner texts of dashboard/auth.py: shown before a language is
    # picked, so in both languages at once (bilingual)
    "auth.demo_banner": (
        "演示模式：合成数据，无需登录，仅限本机访问",
        "Demo mode: synthetic data, no login, this computer only",
    ),
    "auth.store_down": (
        "数据库暂时无法连接，正在自动重试；恢复后请重复上一步操作或刷新页面",
        "The database cannot be reached; retrying. Once it is back, repeat your last "
        "action or reload the page.",
    ),
    "auth.form_expired": ("表单已过期，请重试", "The form expired; try again"),
    "auth.throttled": ("尝试过于频繁，请稍后再试", "Too many attempts; wait"),
    "auth.wrong_login": ("用户名或密码错误", "Wrong user name or password"),
    # followed by the lock's own message, which says until when
    "auth.locked": ("登录失败次数过多，请稍后再试", "Too many failed logins; try again later"),
    "auth.reload": ("重新加载", "Reload"),
    # the live workspace's banner (dashboard/components/live_banner.py)
    "live.as_of": ("数据截至 {time}", "Data as of {time}"),
    "live.new": (
        "数据截至 {time}，自打开本页以来新增 {count} 件纠纷",
        "Data as of {time}, {count} new since you opened this page",
    ),
    "live.changed": (
        "数据截至 {time}，自打开本页以来已更新",
        "Data as of {time}, updated since you opened this page",
    ),
    "live.refresh": ("刷新", "Refresh"),
    "auth.users": ("用户管理", "Users"),
    "auth.logout": ("退出", "Log out"),
    # the briefing pack (briefing/)
    "brief.title": ("矛盾纠纷风险研判简报", "Dispute risk briefing"),
    "brief.scope": ("范围", "Scope"),
    "brief.provenance": ("数据来源", "Data provenance"),
    "brief.store": ("数据存储", "Store"),
    "brief.computed": ("分析计算时间", "Analysis computed at"),
    "brief.generated": ("简报生成时间", "Pack generated at"),
    "brief.projection": ("分析范围", "Analysed"),
    "brief.risk_config": ("研判参数", "Risk configuration"),
    "brief.shipped": ("系统默认参数", "shipped defaults"),
    "brief.viewer": ("查看角色", "Prepared for role"),
    "brief.masked": ("个人姓名已按角色脱敏", "person names masked for this role"),
    "brief.unmasked": ("个人姓名完整显示", "person names shown in full"),
    "brief.key_figures": ("关键指标", "Key figures"),
    "brief.top_clusters": ("重点风险簇", "Top risk clusters"),
    "brief.cluster_n": ("风险簇", "Cluster"),
    "brief.key_members": ("关键主体", "Key members"),
    "brief.persons": ("涉及个人", "persons"),
    "brief.categories": ("纠纷类型", "Categories"),
    "brief.districts": ("区县", "Districts"),
    "brief.snapshot": ("关系网络快照", "Network snapshot"),
    "brief.handoffs": ("超期与推诿移交", "Overdue and bounced hand-offs"),
    "brief.orders": ("未销号交办工单", "Open work orders"),
    "brief.orders_overdue": ("其中超期", "overdue"),
    "col_order": ("工单", "Work order"),
    "col_due": ("办理期限", "Due"),
    "col_order_state": ("状态", "State"),
    "col_instructions": ("交办要求", "Instructions"),
    "order_overdue": ("已超期", "overdue"),
    "brief.flagged_total": (
        "存在超期、推诿或无人签收标记的案件",
        "Cases flagged overdue, bounced or without owner",
    ),
    "brief.returned_pairs": ("发生退回的单位间移交", "Agency hand-offs with returns"),
    "brief.bottlenecks": ("责任单位瓶颈", "Agency bottlenecks"),
    "brief.no_bottleneck": ("未发现瓶颈单位。", "No agency is a bottleneck."),
    "brief.legend_method": ("图例与方法说明", "Legend and method"),
    "brief.levels": ("风险等级与分值门槛", "Risk levels and score thresholds"),
    "brief.weights": ("风险因素与权重(分)", "Risk factors and weights (points)"),
    "brief.chain_flags": ("责任链问题标记", "Responsibility-chain flags"),
    "brief.time_limits": ("默认办理时限及依据", "Default time limits and their legal basis"),
    "brief.limit_key": ("单位类型:办理环节", "Agency kind:action"),
    "brief.limit": ("时限", "Limit"),
    "brief.overdue_basis": ("超期依据", "Overdue: legal basis"),
    "brief.more_rows": ("另有 {n} 条未列出。", "{n} more not listed."),
    "brief.none": ("无", "none"),
    "brief.factor": ("风险因素", "Factor"),
    "brief.weight": ("权重", "Weight"),
    "brief.code": ("代码", "Code"),
    "brief.page_of": ("共 {n} 个风险簇", "{n} clusters"),
    "brief.score_at_least": ("分值 ≥ {v}", "score ≥ {v}"),
    "brief.group_threshold": (
        "涉及 {n} 人以上方构成群体性纠纷;低于门槛的簇等级为“无”。",
        "A cluster needs {n} or more people to be a group dispute; below that its level is none.",
    ),
    "brief.backtest": ("模型回测", "Backtest of the risk model"),
    "brief.backtest_none": (
        "尚未运行回测：运行 disputegraph backtest --from 起始日期 --to 截止日期 --step 7d",
        "No backtest stored yet: run disputegraph backtest --from DATE --to DATE --step 7d",
    ),
    "brief.bt_window": ("回测区间", "Replayed"),
    "brief.bt_window_v": (
        "{start} 至 {end}，共 {steps} 个时点，预警期 {horizon} 天",
        "{start} to {end}, {steps} as-of dates, {horizon}-day horizon",
    ),
    "brief.bt_run_at": ("回测时间", "Run at"),
    "brief.bt_precision": ("前{k}名命中率", "Precision@{k}"),
    "brief.bt_lead": ("中位提前天数", "Median lead (days)"),
    "brief.bt_brier": ("Brier 评分（基准）", "Brier score (base rate)"),
    "brief.bt_brier_v": (
        "{brier}（基准 {base}，升级比例 {rate}）",
        "{brier} (base rate {base}; {rate} of clusters escalate)",
    ),
    "brief.bt_truth": ("对照已知升级（合成数据）", "Against known escalations (synthetic truth)"),
    "brief.bt_truth_v": (
        "命中率 {precision} · 中位提前 {lead} 天 · 提前发现 {caught}/{escalations} 起 · "
        "良性对照误报 {twins_flagged}/{twins} 个",
        "precision {precision} · median lead {lead} days · {caught}/{escalations} caught ahead · "
        "{twins_flagged}/{twins} benign twins flagged",
    ),
    "brief.bt_samples": ("样本", "Samples"),
    "brief.bt_positives": ("后续升级", "Escalated later"),
    "brief.bt_how": (
        "回测在过去各时点仅用当时已有的数据重算风险，再看各风险簇在预警期内是否升级"
        "（110、信访、人数达到群体性标准或红色预警）。命中率为每个时点排名前{k}的风险簇中"
        "后来升级的比例；提前天数为从进入前{k}名到升级之间的天数；Brier 评分越低越好，"
        "低于基准（按总体升级比例猜测）说明评分有区分力。",
        "The backtest recomputes the risk at past dates from the data known then and checks "
        "whether each cluster escalated within the horizon (110, petition, group headcount or "
        "red). Precision is the share of each date's top {k} clusters that escalated later; "
        "lead is the days from being in the top {k} to the escalation; a lower Brier score is "
        "better, and below the base rate's (guessing the overall escalation rate) means the "
        "scores tell the clusters apart.",
    ),
    "brief.method": (
        "风险簇是时间窗口内相互关联的纠纷及其当事人、用工单位(含分包链)和房产"
        "构成的连通子图(过大的连通分量按社区划分);责任单位不参与成簇。"
        "风险分(0–100)为各因素归一化值乘以权重之和,部分规则(硬性触发)直接确定等级。"
        "责任链按办理环节计算停留时间,超期依据截止时间或默认办理时限"
        "(工作日按国家法定节假日及调休计算)。同一数据、同一参数下结果可复现;"
        "每个分值均附有研判理由。",
        "Clusters are the connected parts of the window's stakeholder graph — disputes "
        "with their parties, employers (with their contractor chains) and properties; "
        "oversized components are split by community detection; agencies do not join "
        "clusters. The risk score (0–100) is the sum of each factor, normalised to 0–1, "
        "times its weight; hard triggers force a level. Chains measure dwell time per "
        "handling step; a step is overdue past its due date or the default time limit "
        "(working days follow China's public-holiday calendar). The same data and "
        "settings give the same results; every score comes with its reasons.",
    ),
    "brief.store_memory": ("内置存储(memory)", "memory"),
    "brief.analysed": (
        "{disputes:,} 件纠纷 · {nodes:,} 个节点 · {edges:,} 条关系 · {clusters:,} 个簇",
        "{disputes:,} disputes · {nodes:,} nodes · {edges:,} relationships · {clusters:,} clusters",
    ),
    "brief.list_sep": ("、", "; "),
    # comments on a cluster or an entity (dashboard/components/comments.py)
    "comments.title": ("备注", "Comments"),
    "comments.placeholder": ("写下研判意见或进展……", "A note on what you found or did…"),
    "comments.add": ("添加备注", "Add comment"),
    "comments.none": ("暂无备注", "No comments yet"),
    "comments.added": ("已添加备注", "Comment added"),
    "comments.no_subject": ("请先选择对象", "Pick something to comment on first"),
    # overdue work orders on the overview and the agency page
    "overdue.title": ("超期交办工单 {n} 张", "{n} overdue work order(s)"),
    "overdue.item": ("{agency} · 截止 {due} · {state}", "{agency} · due {due} · {state}"),
    # outbound notification of alerts (views/notify.py)
    "notify.subject": ("【{level}预警】{title}", "[{level} alert] {title}"),
    "notify.change": ("变化：{change}", "Change: {change}"),
    "notify.subject_line": ("对象：{subject}（预警 {id}）", "Subject: {subject} (alert {id})"),
    "notify.link": ("在预警工单页处理：{url}", "Act on it in the inbox: {url}"),
    "notify.sent": ("已发送", "sent"),
    "notify.summary": (
        "已发送 {sent} 条，失败 {failed} 条（稍后重试），待发送 {queued} 条",
        "{sent} sent, {failed} failed (retried later), {queued} queued",
    ),
    # the map page
    "geomap": ("地图", "Map"),
    "geomap.title": ("矛盾纠纷地图", "Dispute map"),
    "geomap.no_boundaries": (
        "未配置行政区划边界（DISPUTEGRAPH_BOUNDARIES）",
        "No boundaries configured (DISPUTEGRAPH_BOUNDARIES)",
    ),
    "geomap.open_bucket": ("在办 {lo}–{hi} 件", "{lo}–{hi} open"),
    "geomap.open_over": ("在办 {lo} 件以上", "{lo}+ open"),
    "geomap.grid_hover": (
        "{name}<br>纠纷 {disputes} 件 · 在办 {open} 件<br>房屋/地块 {properties} · 风险 {level}",
        "{name}<br>{disputes} disputes · {open} open<br>{properties} properties · risk {level}",
    ),
    "geomap.grid_risk": ("网格风险", "Grid risk"),
    "geomap.street": ("街道/乡镇", "Streets"),
    "geomap.district": ("区县", "Districts"),
    "geomap.properties": ("房屋/地块", "Properties"),
    "geomap.clusters": ("风险群组", "Clusters"),
    "geomap.cluster_hover": (
        "{id}<br>风险分 {score} · {people} 人 · {disputes} 件",
        "{id}<br>score {score} · {people} people · {disputes} disputes",
    ),
    "geomap.hint": (
        "点击群组打开群组页，点击房屋打开案件追踪",
        "Click a cluster to open it, a property to trace it",
    ),
    "upload": ("数据导入", "Upload data"),
    "upload.not_allowed": (
        "只有处置人员和管理员可以导入数据",
        "Only officers and admins may upload data",
    ),
    "upload.source": ("数据来源（映射）", "Source (mapping)"),
    "upload.source_bundle": ("数据包格式（无映射）", "Bundle format (no mapping)"),
    "upload.mapping": (
        "或上传映射文件（mapping.toml）",
        "Or upload a mapping (mapping.toml)",
    ),
    "upload.mapping_loaded": ("映射：{name}", "Mapping: {name}"),
    "upload.table": ("数据表（按需）", "Table (when needed)"),
    "upload.file": (
        "拖入或点击选择文件：CSV、JSONL、JSON 或 XLSX，至多 20 MB",
        "Drop or pick a file: CSV, JSONL, JSON or XLSX, at most 20 MB",
    ),
    "upload.validated": (
        "{file}：{rows} 行，{good} 行有效，{bad} 行将被拒收。点击“提交”之前不会写入任何数据。",
        "{file}: {rows} rows, {good} valid, {bad} to be rejected. Nothing is written "
        "before Commit.",
    ),
    "upload.refused": (
        "无法导入，不会写入任何数据：{reason}",
        "Cannot be loaded, nothing will be written: {reason}",
    ),
    "upload.loaded": (
        "已导入 {good} 行，拒收 {bad} 行（拒收记录：{rejects}）",
        "Loaded {good} rows, rejected {bad} (rejects: {rejects})",
    ),
    "upload.cancelled": ("已取消，未写入任何数据", "Cancelled: nothing was written"),
    "upload.commit": ("提交", "Commit"),
    "upload.cancel": ("取消", "Cancel"),
    "upload.counts": ("各表行数", "Rows per table"),
    "upload.rejects": ("前 {n} 条问题", "The first {n} problems"),
    "upload.col_table": ("数据表", "Table"),
    "upload.col_rows": ("读取", "Read"),
    "upload.col_good": ("有效", "Valid"),
    "upload.col_bad": ("拒收", "Rejected"),
    "upload.col_severity": ("级别", "Severity"),
    "upload.col_file": ("文件", "File"),
    "upload.col_line": ("行", "Row"),
    "upload.col_column": ("字段", "Field"),
    "upload.col_value": ("值", "Value"),
    "upload.col_reason": ("原因", "Reason"),
}


def t(key: str, lang: Lang = "zh", **fields: Any) -> str:
    """The UI string ``key`` in ``lang`` (KeyError for an unknown key), its
    ``{placeholders}`` filled from ``fields`` when any are given.

    >>> t("brief.more_rows", "en", n=3)
    '3 more not listed.'
    """
    zh, en = STRINGS[key]
    text = zh if lang == "zh" else en
    return text.format(**fields) if fields else text


def money(amount: float, lang: Lang = "zh") -> str:
    """An amount of yuan for a reader: 万元 for Chinese amounts of 10,000 and more.

    >>> money(35_000, "zh"), money(35_000, "en"), money(800, "zh")
    ('3.5 万元', '¥35,000', '¥800')
    """
    if lang == "zh" and amount >= 10_000:
        return f"{amount / 10_000:,.1f} {t('wan_yuan', lang)}"
    return f"¥{amount:,.0f}"


def bilingual(key: str) -> str:
    """The UI string ``key`` in both languages, ``zh · en`` (for pages shown before a
    language is picked: the login and admin pages, the banners).

    >>> bilingual("auth.logout")
    '退出 · Log out'
    """
    zh, en = STRINGS[key]
    return f"{zh} · {en}"


#: enum families by the name the dashboard uses for them
ENUMS: dict[str, type[LabeledEnum]] = {
    "category": Category,
    "status": Status,
    "channel": Channel,
    "level": RiskLevel,
    "party_role": PartyRole,
    "action": Action,
    "agency_kind": AgencyKind,
    "agency_level": AgencyLevel,
    "label": NodeLabel,
    "flag": ChainFlag,
    "factor": RiskFactor,
}


def rule_label(rule: str, lang: Lang = "zh") -> str:
    """Display label of a resolution rule; the code itself when it is unknown."""
    return t(f"rule.{rule}", lang) if f"rule.{rule}" in STRINGS else rule


def decision_label(decision: str, lang: Lang = "zh") -> str:
    """Display label of a merge decision; the code itself when it is unknown."""
    return t(f"decision.{decision}", lang) if f"decision.{decision}" in STRINGS else decision


def enum_label(family: str, code: Any, lang: Lang = "zh") -> str:
    """Display label of an enum code; the code itself when it is unknown."""
    if code is None or code == "":
        return ""
    try:
        return ENUMS[family](code).label(lang)
    except ValueError:
        return str(code)


def enum_options(family: str, lang: Lang = "zh") -> list[dict[str, str]]:
    """``dcc.Dropdown`` options for one enum family."""
    return [{"label": m.label(lang), "value": m.value} for m in ENUMS[family]]
