"""Component ids of the dashboard, in one place so they never collide.

Page-local ids carry the page name as a prefix (``cluster-network``); the shell
(navbar, filter bar, URL) has unprefixed names.
"""

from __future__ import annotations

__all__ = [
    "AGENCY_CASES",
    "AGENCY_OVERDUE",
    "AGENCY_PAIRS",
    "AGENCY_SANKEY",
    "AGENCY_STATS_FIG",
    "AGENCY_TABLE",
    "CLUSTER_AGENCIES",
    "CLUSTER_CANVAS_BOX",
    "CLUSTER_DRAW",
    "CLUSTER_DRAW_BOX",
    "CLUSTER_FACTORS",
    "CLUSTER_HEADER",
    "CLUSTER_KEY_PERSONS",
    "CLUSTER_LEGEND",
    "CLUSTER_NETWORK",
    "CLUSTER_NOTE",
    "CLUSTER_PAYERS",
    "CLUSTER_PICK",
    "CLUSTER_REASONS",
    "CLUSTER_TIMELINE",
    "CLUSTER_WEBGL",
    "CLUSTER_WEBGL_BOX",
    "FILTER_AS_OF",
    "FILTER_CATEGORY",
    "FILTER_DISTRICT",
    "FILTER_LEVEL",
    "FILTER_STATUS",
    "FILTER_WINDOW",
    "INBOX_AGENCY",
    "INBOX_ALERTS",
    "INBOX_ASSIGN",
    "INBOX_CONFIRM",
    "INBOX_DISMISS",
    "INBOX_DUE",
    "INBOX_INSTRUCTIONS",
    "INBOX_MESSAGE",
    "INBOX_NOTE",
    "INBOX_ORDERS",
    "INBOX_ORDER_NOTE",
    "INBOX_REASON",
    "INBOX_TICK",
    "LANG",
    "LIVE_BANNER",
    "LIVE_OPENED",
    "LIVE_TICK",
    "NAV_LINKS",
    "OVERVIEW_CATEGORY",
    "OVERVIEW_CHANNEL",
    "OVERVIEW_DISTRICT",
    "OVERVIEW_GRID",
    "OVERVIEW_KPIS",
    "OVERVIEW_NOTE",
    "OVERVIEW_OVERDUE",
    "PAGE",
    "STATE",
    "TIMEBAR_CARD",
    "TIMEBAR_DATA",
    "TIMEBAR_FIGURE",
    "TIMEBAR_PLAY",
    "TIMEBAR_READOUT",
    "TIMEBAR_SLIDER",
    "TIMEBAR_TICK",
    "TRACER_CHAIN",
    "TRACER_CHAIN_FLAGS",
    "TRACER_DISPUTE_PICK",
    "TRACER_EXPANDED",
    "TRACER_LINKED",
    "TRACER_NETWORK",
    "TRACER_NOTE",
    "TRACER_RESULTS",
    "TRACER_SEARCH",
    "TRACER_SEARCH_GO",
    "TRACER_SOURCES",
    "TRACER_SOURCES_BODY",
    "UPLOAD_CANCEL",
    "UPLOAD_COMMIT",
    "UPLOAD_COUNTS",
    "UPLOAD_FILE",
    "UPLOAD_FILE_BOX",
    "UPLOAD_ISSUES",
    "UPLOAD_MAPPING",
    "UPLOAD_MAPPING_NAME",
    "UPLOAD_MESSAGE",
    "UPLOAD_REPORT",
    "UPLOAD_SOURCE",
    "UPLOAD_STAGED",
    "UPLOAD_TABLE",
    "URL",
]

# shell
URL = "url"
STATE = "state"
PAGE = "page"
NAV_LINKS = "nav-links"
LANG = "lang"
LIVE_BANNER = "live-banner"  # "data as of HH:MM, N new since you opened this page"
LIVE_OPENED = "live-opened"  # the generation and dispute count the page opened with
LIVE_TICK = "live-tick"
FILTER_AS_OF = "filter-as-of"
FILTER_WINDOW = "filter-window"
FILTER_DISTRICT = "filter-district"
FILTER_CATEGORY = "filter-category"
FILTER_STATUS = "filter-status"
FILTER_LEVEL = "filter-level"

# overview
OVERVIEW_KPIS = "overview-kpis"
OVERVIEW_CATEGORY = "overview-category"
OVERVIEW_DISTRICT = "overview-district"
OVERVIEW_CHANNEL = "overview-channel"
OVERVIEW_GRID = "overview-grid"
OVERVIEW_NOTE = "overview-note"
OVERVIEW_OVERDUE = "overview-overdue"
AGENCY_OVERDUE = "agency-overdue"

# cluster
CLUSTER_PICK = "cluster-pick"
CLUSTER_HEADER = "cluster-header"
CLUSTER_NETWORK = "cluster-network"
#: the WebGL canvas of clusters past the element budget (+ its stores ``-data``, ``-tap``)
CLUSTER_WEBGL = "cluster-webgl"
CLUSTER_CANVAS_BOX = "cluster-canvas-box"
CLUSTER_WEBGL_BOX = "cluster-webgl-box"
CLUSTER_DRAW = "cluster-draw"
CLUSTER_DRAW_BOX = "cluster-draw-box"
CLUSTER_LEGEND = "cluster-legend"
CLUSTER_NOTE = "cluster-note"
CLUSTER_FACTORS = "cluster-factors"
CLUSTER_REASONS = "cluster-reasons"
CLUSTER_TIMELINE = "cluster-timeline"
CLUSTER_AGENCIES = "cluster-agencies"
CLUSTER_PAYERS = "cluster-payers"
CLUSTER_KEY_PERSONS = "cluster-key-persons"
TIMEBAR_CARD = "cluster-timebar"
TIMEBAR_SLIDER = "cluster-timebar-slider"
TIMEBAR_PLAY = "cluster-timebar-play"
TIMEBAR_TICK = "cluster-timebar-tick"
TIMEBAR_READOUT = "cluster-timebar-readout"
TIMEBAR_FIGURE = "cluster-timebar-figure"
TIMEBAR_DATA = "cluster-timebar-data"

# tracer
TRACER_SEARCH = "tracer-search"
TRACER_SEARCH_GO = "tracer-search-go"
TRACER_RESULTS = "tracer-results"
TRACER_NETWORK = "tracer-network"
TRACER_EXPANDED = "tracer-expanded"
TRACER_NOTE = "tracer-note"
TRACER_LINKED = "tracer-linked"
TRACER_DISPUTE_PICK = "tracer-dispute-pick"
TRACER_CHAIN = "tracer-chain"
TRACER_CHAIN_FLAGS = "tracer-chain-flags"
TRACER_SOURCES = "tracer-sources"
TRACER_SOURCES_BODY = "tracer-sources-body"

# agencies
AGENCY_SANKEY = "agency-sankey"
AGENCY_STATS_FIG = "agency-stats-fig"
AGENCY_TABLE = "agency-table"
AGENCY_PAIRS = "agency-pairs"
AGENCY_CASES = "agency-cases"

# inbox (alerts and work orders)
INBOX_AGENCY = "inbox-agency"
INBOX_ALERTS = "inbox-alerts"
INBOX_ASSIGN = "inbox-assign"
INBOX_CONFIRM = "inbox-confirm"
INBOX_DISMISS = "inbox-dismiss"
INBOX_DUE = "inbox-due"
INBOX_INSTRUCTIONS = "inbox-instructions"
INBOX_MESSAGE = "inbox-message"
INBOX_NOTE = "inbox-note"
INBOX_ORDERS = "inbox-orders"
INBOX_ORDER_NOTE = "inbox-order-note"
INBOX_REASON = "inbox-reason"
INBOX_TICK = "inbox-tick"

# map
GEOMAP_FIGURE = "geomap-figure"
GEOMAP_NOTE = "geomap-note"

# upload (数据导入)
UPLOAD_CANCEL = "upload-cancel"
UPLOAD_COMMIT = "upload-commit"
UPLOAD_COUNTS = "upload-counts"
UPLOAD_FILE = "upload-file"
UPLOAD_FILE_BOX = "upload-file-box"
UPLOAD_ISSUES = "upload-issues"
UPLOAD_MAPPING = "upload-mapping"
UPLOAD_MAPPING_NAME = "upload-mapping-name"
UPLOAD_MESSAGE = "upload-message"
UPLOAD_REPORT = "upload-report"
UPLOAD_SOURCE = "upload-source"
UPLOAD_STAGED = "upload-staged"
UPLOAD_TABLE = "upload-table"
