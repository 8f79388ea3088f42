"""The one vocabulary of gridmap: every word a user reads, in Chinese and English.

Maps, reports, the validation table, the command line's summary and the headers and
values of CSV/XLSX tables all take their words from here, so one thing has one name
in each language (a grid under the band is 低于下限 everywhere, never 低于标准 in one
place and 低于下限 in another).

    from gridmap import i18n
    i18n.text("layer.grids", "zh")                      # '网格'
    i18n.term("worker_type", "part_time_1", "zh")       # '一级兼职'
    i18n.term("worker_type", "网格长", "zh")             # '网格长' (a county's own type: shown as named)
    i18n.message("no_whole_k", "zh", households=730, lo=300, hi=500)

Keys are dotted: ``group.name``. :func:`text` raises ``KeyError`` for an unknown key
(a missing word is a bug); :func:`term` is for open vocabularies (worker types, pay
components, modes read from a county's rules) and returns the value itself when the
vocabulary has no word for it. Outcomes travel as data (a kind, a reason code, the
numbers) and become words only here, at the edge: :func:`message` renders the
template ``reason.<code>`` with its parameters, and :func:`fault_detail` the template
``detail.<code>`` of a validation fault.

A lower-layer module: it imports nothing of gridmap.
"""
from __future__ import annotations

import os
import string

__all__ = ["LANGS", "check_lang", "default_lang", "text", "term", "has", "message", "grid_reason", "fault_detail",
           "columns", "keys", "placeholders"]

#: Languages, the first is the default when the locale says nothing.
LANGS = ("zh", "en")

# Every entry: key -> (zh, en). Templates use str.format fields; both languages of one
# key take the same fields (tests/test_i18n.py holds them to it).
_WORDS: dict[str, tuple[str, str]] = {
    # -- the plan's four levels and its objects ----------------------------------------------------------
    "level.county": ("县（区、旗）", "county"),
    "level.township": ("乡镇（街道）", "township"),
    "level.village": ("村（社区）", "village / community"),
    "level.grid": ("网格", "grid"),
    "level.unit": ("单元", "unit"),
    "level.1": ("一级 县（区、旗）", "1 county"),
    "level.2": ("二级 乡镇（街道）", "2 townships"),
    "level.3": ("三级 村（社区）", "3 villages / communities"),
    "level.4": ("四级 网格", "4 grids"),
    "level.5": ("五级 微网格", "5 micro-grids"),
    "level.not_in_plan": ("计划中无此层级（单元即乡镇）", "not in the plan (units play the townships)"),
    "level.units_are_townships": ("单元即乡镇", "units play the townships"),

    # -- regimes and band classes ---------------------------------------------------------------------
    "regime.urban": ("城镇", "urban"),
    "regime.rural": ("农村", "rural"),
    "regime.island": ("飞地/隔断片区", "exclave or cut-off piece"),
    "regime.mixed": ("城乡混合（场镇按户数、其余按农村规则）", "mixed (town seat by the band, the rest rural)"),
    "rule.band": ("按户数范围划分", "split by the household band"),
    "rule.village": ("整村（或场镇外的村域）一格", "the village (or its part outside the town seat)"),
    "rule.settlement": ("自然村一格", "one natural settlement"),
    "rule.island": ("飞地/隔断片区", "exclave or cut-off piece"),
    "field.rule": ("划分规则", "Rule"),
    "band.under": ("低于下限", "below the band"),
    "band.in": ("在范围内", "within the band"),
    "band.over": ("高于上限", "above the band"),
    "band.rural": ("农村（按村或自然村落）", "rural (by village or settlement)"),
    "band.dedicated": ("专属网格（学校、医院、园区等）", "dedicated grid (school, hospital, park ...)"),
    "kind.school": ("学校", "school"),
    "kind.hospital": ("医院", "hospital"),
    "kind.market": ("市场", "market"),
    "kind.industrial": ("工业园区", "industrial area"),
    "kind.commercial": ("商业区", "commercial area"),
    "kind.scenic": ("景区", "scenic area"),
    "band.island": ("飞地/隔断片区", "exclave or cut-off piece"),
    "band.range": ("每网格 {lo:,g}–{hi:,g} 户", "{lo:,g}–{hi:,g} households per grid"),
    "band.urban_text": ("城镇网格户数范围 {lo:,g}–{hi:,g} 户。", "Band {lo:,g}–{hi:,g} households per urban grid."),

    # -- flag kinds (what the partitioner marks on a grid) ---------------------------------------------
    "flag.over_band": ("户数高于上限", "households above the band"),
    "flag.under_band": ("户数低于下限", "households below the band"),
    "flag.rural_unit": ("农村单元整村为一个网格", "rural village kept as one grid"),
    "flag.infeasible": ("无法满足户数范围", "band cannot be met"),
    "flag.island": ("飞地/隔断片区", "exclave or cut-off piece"),
    "status.ok": ("正常", "ok"),
    "status.infeasible": ("无法满足户数范围（已证明）", "band cannot be met (proven)"),
    "status.heuristic": ("未找到符合范围的划分（未证明不可行）", "no in-band split found (not proven impossible)"),

    # -- reasons: templates keyed by reason code, with their numbers ------------------------------------
    "reason.atom_over_band": ("单个地块即有 {households:,.0f} 户，超过上限 {hi:,g} 户，自成一个网格",
                              "one block alone holds {households:,.0f} households > {hi:,g}: a grid of its own"),
    "reason.takes_cut_off": ("并入被其隔断的 {atoms} 个地块（{households:,.0f} 户）",
                             "it also takes the {atoms} blocks ({households:,.0f} households) it cuts off"),
    "reason.cut_off_joins": ("{atoms} 个地块共 {households:,.0f} 户，少于下限 {lo:,g} 户，且只与超限地块相邻，并入其网格",
                             "{atoms} blocks with {households:,.0f} households < {lo:,g} touch only over-band "
                             "blocks: they join that grid"),
    "reason.unit_under_band": ("本单元仅 {households:,.0f} 户，少于下限 {lo:,g} 户",
                               "the unit holds only {households:,.0f} households < {lo:,g}"),
    "reason.island_under_band": ("与其余部分隔断的 {atoms} 个地块，共 {households:,.0f} 户，少于下限 {lo:,g} 户，自成一个网格",
                                 "{atoms} blocks cut off from the rest hold {households:,.0f} households < {lo:,g}: "
                                 "a grid of its own"),
    "reason.no_whole_k": ("该片 {households:,.0f} 户无法分成整数个 {lo:,g}–{hi:,g} 户的网格，须有一个网格超出范围",
                          "the part's {households:,.0f} households fit no whole number of grids of "
                          "{lo:,g}–{hi:,g}: one grid must leave the band"),
    "reason.no_split_proven": ("该片 {atoms} 个地块共 {households:,.0f} 户，按户数可分 {kmin}–{kmax} 格，"
                               "但已证明不存在连片且符合范围的划分",
                               "a part of {atoms} blocks with {households:,.0f} households: counts allow "
                               "{kmin}–{kmax} grids, but it is proven that no contiguous in-band split exists"),
    # why a part has no in-band split (partition/_decide.py), as data beside no_split_proven
    "reason.must_share_over_band": ("{atoms} 个相邻地块共 {households:,.0f} 户，必须同属一格（其中较小者户数不足一格，"
                                    "且只能并入它们之间），超过上限 {hi:,g} 户",
                                    "{atoms} neighbouring blocks must share one grid (the lighter ones are too few "
                                    "for a grid and can only join each other) and hold {households:,.0f} "
                                    "households > {hi:,g}"),
    "reason.no_partner": ("{atoms} 个地块仅 {households:,.0f} 户，不足一格，而并入任一相邻地块都会超过上限 {hi:,g} 户",
                          "{atoms} blocks hold only {households:,.0f} households, too few for a grid, and joining "
                          "any neighbour would pass {hi:,g}"),
    "reason.one_grid": ("该片 {atoms} 个地块只能作为一个网格（{households:,.0f} 户）",
                        "the part's {atoms} blocks can only be one grid ({households:,.0f} households)"),
    "reason.cp_sat_infeasible": ("精确求解器证明：{atoms} 个地块无法分成连片且每格 {lo:,g}–{hi:,g} 户的网格",
                                 "the solver (CP-SAT) proves that the {atoms} blocks cannot be split into "
                                 "contiguous grids of {lo:,g}–{hi:,g} households"),
    "reason.no_split_heuristic": ("该片 {atoms} 个地块共 {households:,.0f} 户，按户数可分 {kmin}–{kmax} 格，"
                                  "但算法未找到连片且符合范围的划分（未证明不可行）",
                                  "a part of {atoms} blocks with {households:,.0f} households: counts allow "
                                  "{kmin}–{kmax} grids, but the heuristic found no in-band split (not proven "
                                  "impossible)"),
    "reason.grid_out_of_band": ("本网格 {households:,.0f} 户，范围 {lo:,g}–{hi:,g} 户",
                                "{households:,.0f} households, band {lo:,g}–{hi:,g}"),
    "reason.rural_by_rule": ("按规定整村为一个网格（{households:,.0f} 户，范围 {lo:,g}–{hi:,g} 户）",
                             "the village is one grid by rule ({households:,.0f} households, band {lo:,g}–{hi:,g})"),
    "reason.settlement_split": ("超过上限的自然村拆分为村民小组网格", "a settlement over the band split into villager "
                                "groups"),
    "reason.widened_band": ("放宽至 {lo:,g}–{hi:,g} 户后才可划分", "split only with the band widened to {lo:,g}–{hi:,g}"),
    "reason.unknown": ("{text}", "{text}"),

    # -- map layers, legend, controls ------------------------------------------------------------------
    "layer.grids": ("网格", "Grids"),
    "layer.labels": ("网格编号与户数", "Grid numbers and households"),
    "layer.units": ("村/社区界", "Village borders"),
    "layer.townships": ("乡镇/街道界", "Township borders"),
    "layer.area": ("区域边界", "Area boundary"),
    "layer.workers": ("网格员", "Grid workers"),
    "layer.bases": ("网格驻点", "Bases"),
    "layer.service_areas": ("服务范围", "Service areas"),
    "layer.unreached": ("响应时间外住户", "Households outside the response time"),
    "layer.roads": ("道路", "Roads"),
    "layer.waterways": ("水系", "Waterways"),
    "layer.railways": ("铁路", "Railways"),
    "layer.basemap": ("底图", "Basemap"),
    "layer.annotation": ("底图注记", "Basemap labels"),
    "report.micro_text": ("微网格 {count:,} 个（每个 {lo:g}–{hi:g} 户），有住户的微网格 {share:.0%} 在范围内。",
                          "{count:,} micro-grids of {lo:g}–{hi:g} households; {share:.0%} of those with households "
                          "within the range."),
    "report.dedicated_text": ("专属网格 {count:,} 个：{kinds}。", "{count:,} dedicated grids: {kinds}."),
    "layer.micro_grids": ("微网格（放大后显示）", "Micro-grids (at street zoom)"),
    "compare.plan_a": ("原方案网格（对比）", "Grids of the earlier plan (compare)"),
    "compare.changed_households": ("网格变动的住户", "Households whose grid changed"),
    "regime.dedicated": ("专属网格", "dedicated grid"),
    "map.title": ("网格划分", "Grid plan"),
    "map.summary": ("{grids:,} 个网格 · {households:,.0f} 户", "{grids:,} grids · {households:,.0f} households"),
    "map.band": ("户数范围：每网格 {lo:,g}–{hi:,g} 户", "Band: {lo:,g}–{hi:,g} households per grid"),
    "map.colours": ("相邻网格颜色不同；边框表示户数", "Neighbouring grids differ in colour; the outline shows households"),
    "map.search": ("搜索网格编码或村/社区", "Search grid code or village"),
    "map.no_match": ("无匹配结果", "No match"),
    "map.fullscreen": ("全屏", "Full screen"),
    "map.print": ("打印", "Print"),
    "map.export_png": ("导出图片", "Save as image"),
    "map.printed": ("制图日期 {date}", "Printed {date}"),
    "map.minutes": ("{m} 分钟", "{m} min"),
    "map.paren": ("（{}）", " ({})"),
    "map.hh": ("户", "households"),
    "map.unit_kind": ("村/社区", "village"),
    "map.north": ("北", "N"),

    # -- fields of a grid, worker or base (popups, tables, column headers) -----------------------------
    "field.household_method": ("户数来源", "Households from"),
    "field.household_note": ("户数说明", "How households were spread"),
    "hh_method.buildings": ("建筑物估算", "buildings"),
    "hh_method.built-up": ("建成区迹象", "built-up evidence"),
    "hh_method.even": ("平均分摊（无住宅迹象）", "evenly (no evidence)"),
    "hh_method.none": ("无户数", "no households"),
    "china.spread_by": ("总数分摊依据：{methods}（逐单元见单元图层）", "totals spread over {methods} (per unit: units layer)"),
    "china.units_n": ("{n} 个单元", "{n} units"),
    "china.thin_evidence": ("单元 {unit} {name}：住宅迹象不足（{note}）", "unit {unit} {name}: thin evidence of housing ({note})"),
    "china.no_evidence": ("单元 {unit} {name}：有总数但无住宅迹象，已平均分摊",
                          "unit {unit} {name}: a total but no evidence of housing: spread evenly"),
    "china.totals_disagree": ("单元 {unit} {name}：总数与估算相差过大（{note}）",
                              "unit {unit} {name}: total and estimate disagree ({note})"),
    "china.borders_derived": ("单元边界由 {n} 个村（社区）点推算（尽量沿道路、河流）",
                              "derived from {n} points (along roads and rivers where they allow)"),
    "china.totals_unmatched": ("户数总数表中 {n} 行未对应任何单元（已忽略）：{rows}",
                               "{n} rows of the totals table match no unit (left out): {rows}"),
    "china.note.buildings": ("{total:,.0f} 户按建筑物估算（{estimate:,.0f} 户）的比例分摊",
                             "{total:,.0f} households over buildings estimated at {estimate:,.0f}"),
    "china.note.built-up": ("{total:,.0f} 户分摊到 {cells:,} 个有住宅迹象的格（{kinds}）；仅按建筑物估算为 {estimate:,.0f} 户",
                            "{total:,.0f} households over {cells:,} cells with evidence ({kinds}); buildings alone "
                            "estimated {estimate:,.0f}"),
    "china.note.even": ("无住宅迹象，{total:,.0f} 户平均分摊", "no evidence of housing: {total:,.0f} households spread evenly"),
    "evidence.landuse": ("居住用地", "residential landuse"),
    "evidence.buildings": ("建筑物", "building footprints"),
    "evidence.streets": ("居住区道路", "residential streets"),
    "evidence.places": ("村/社区点", "village/community points"),
    "china.not_closed": ("边界未能闭合：{line}", "boundary not closed: {line}"),
    "china.roads_noded": ("道路 {n} 处交叉补上共用节点", "roads: {n} crossings given a shared vertex (noded)"),
    "china.roads_pieces": ("道路网断为 {pieces} 段：{share:.0%} 的节点不在最大连通段上，可达性只在其上计算（请检查路口断开处）",
                           "roads fall into {pieces} pieces: {share:.0%} of their nodes lie off the largest; reach is "
                           "measured on it only (check for gaps at junctions)"),
    "field.code": ("网格编码", "Grid code"),
    "field.grid_id": ("网格 ID", "Grid id"),
    "field.grid": ("网格", "Grid"),
    "field.county": ("县（区、旗）", "County"),
    "field.township": ("乡镇（街道）", "Township"),
    "field.township_id": ("乡镇（街道）代码", "Township id"),
    "field.unit": ("村（社区）", "Village / community"),
    "field.unit_id": ("村（社区）代码", "Village id"),
    "field.regime": ("类型", "Regime"),
    "field.households": ("户数", "Households"),
    "field.area_km2": ("面积（km²）", "Area (km²)"),
    "field.compactness": ("形状规整度", "Shape (roundness)"),
    "field.compactness_help": ("1 为圆形，越小越狭长", "1 is a circle; lower is more stretched"),
    "field.workers": ("网格员数", "Workers"),
    "field.share_reached": ("响应时间内覆盖", "Reached within the response time"),
    "field.households_reached": ("覆盖户数", "Households reached"),
    "field.band_status": ("户数范围", "Band"),
    "field.in_band": ("在范围内", "In band"),
    "field.flag": ("标记", "Flag"),
    "field.reason": ("说明", "Reason"),
    "field.worker_id": ("网格员编号", "Worker"),
    "field.worker_type": ("网格员类型", "Worker type"),
    "field.response": ("响应时间", "Response time"),
    "field.mean_minutes": ("平均到达时间（分钟）", "Mean travel time (min)"),
    "field.base_source": ("驻点来源", "Base from"),
    "field.base_x": ("驻点 X（米）", "Base x (m)"),
    "field.base_y": ("驻点 Y（米）", "Base y (m)"),
    "field.base_lon": ("驻点经度", "Base longitude"),
    "field.base_lat": ("驻点纬度", "Base latitude"),
    "field.monthly_pay": ("月薪酬（元）", "Monthly pay (yuan)"),
    "field.level": ("层级", "Level"),
    "field.grids": ("网格数", "Grids"),
    "field.atoms": ("地块数", "Blocks"),
    "field.status": ("状态", "Status"),
    "field.name": ("名称", "Name"),
    "field.total_month": ("每月合计（元）", "Total per month (yuan)"),
    "field.total_year": ("每年合计（元）", "Total per year (yuan)"),
    "field.component_month": ("{component}（元/月）", "{component} (yuan/month)"),
    "field.component_year": ("{component}（元/年）", "{component} (yuan/year)"),
    "field.workers_of_type": ("{type}人数", "Workers: {type}"),
    "field.minutes_to_base": ("到驻点时间（分钟）", "Minutes to base"),

    # -- values -----------------------------------------------------------------------------------------
    "value.county": ("全县", "county"),
    "value.township": ("乡镇", "township"),
    "value.yes": ("是", "yes"),
    "value.no": ("否", "no"),
    "value.given": ("已有", "given"),
    "value.computed": ("计算", "computed"),
    "value.total": ("合计", "Total"),
    "value.area": ("区域", "area"),
    "value.units": ("村（社区）范围", "units"),

    # -- worker types (open: a county's own names show as written) -------------------------------------
    "worker_type.full_time": ("专职网格员", "full-time"),
    "worker_type.part_time": ("兼职网格员", "part-time"),
    "worker_type.part_time_1": ("一级兼职网格员", "part-time, first level"),
    "worker_type.part_time_2": ("二级兼职网格员", "part-time, second level"),
    "worker_type.fulltime": ("专职网格员", "full-time"),
    "worker_type.parttime": ("兼职网格员", "part-time"),
    "worker_type.volunteer": ("志愿者", "volunteer"),
    "worker_type.workroom": ("网格工作室", "workroom"),
    "worker_type.grid_leader": ("网格长", "grid leader"),
    "worker_type.dedicated": ("专属网格员", "dedicated grid worker"),

    # -- pay components (open) --------------------------------------------------------------------------
    "pay.base": ("基本报酬", "base"),
    "pay.performance": ("绩效", "performance"),
    "pay.phone": ("通讯补贴", "phone"),
    "pay.allowance": ("补贴", "allowance"),
    "pay.transport": ("交通补贴", "transport"),
    "pay.bonus": ("奖励", "bonus"),
    "pay.total": ("薪酬", "pay"),

    # -- travel modes and reach settings ---------------------------------------------------------------
    "mode.walk": ("步行", "walking"),
    "mode.ebike": ("电动车", "e-bike"),
    "mode.bike": ("骑行", "bicycle"),
    "mode.bicycle": ("骑行", "bicycle"),
    "mode.car": ("驾车", "car"),
    "mode.drive": ("驾车", "car"),
    "objective.min_time": ("户均到达时间最短", "least household-weighted travel time"),
    "objective.max_reached": ("响应时间内覆盖户数最多", "most households within the response time"),
    "setting.mode": ("出行方式", "Travel mode"),
    "setting.minutes_urban": ("城镇响应时间（分钟）", "Response time, urban (min)"),
    "setting.minutes_rural": ("农村响应时间（分钟）", "Response time, rural (min)"),
    "setting.oneway_modes": ("遵守单行道的出行方式", "Modes that keep to one-way streets"),
    "setting.use_maxspeed": ("采用道路限速", "Use posted speed limits"),
    "setting.snap_speed_kmh": ("住户到道路的步行速度（km/h）", "Speed from a household to the road (km/h)"),
    "setting.buffer_urban_m": ("城镇服务范围宽度（米）", "Service area width, urban (m)"),
    "setting.buffer_rural_m": ("农村服务范围宽度（米）", "Service area width, rural (m)"),
    "setting.candidates": ("每格候选驻点数", "Candidate bases per grid"),
    "setting.search_margin_m": ("驻点搜索外延（米）", "Base search margin (m)"),
    "setting.objective": ("驻点选址目标", "Base placement objective"),
    "setting.speeds": ("各类道路速度（km/h）", "Speeds by road class (km/h)"),

    # -- validation ------------------------------------------------------------------------------------
    "fault.invalid_geometry": ("几何无效", "invalid geometry"),
    "fault.gap": ("区域内空隙", "gap inside the area"),
    "fault.outside_area": ("网格超出区域", "grid outside the area"),
    "fault.overlap": ("网格重叠", "overlapping grids"),
    "fault.non_contiguous": ("网格不连片", "grid in several parts"),
    "fault.crosses_unit": ("网格跨村/乡镇边界", "grid crosses a village/township border"),
    "fault.unit_mismatch": ("网格所在村（社区）与代码不符", "grid lies in another unit than its unit_id"),
    "fault.out_of_band": ("户数超出范围", "households out of band"),
    "fault.empty_grid": ("空网格", "empty grid"),
    "fault.duplicate_code": ("编码重复", "duplicate code"),
    "fault.malformed_code": ("编码格式错误", "malformed code"),
    "fault.worker_without_grid": ("网格员无网格", "worker without a grid"),
    "fault.grid_without_worker": ("网格无网格员", "grid without a worker"),
    "fault.base_outside_grid": ("驻点不在网格内", "base outside its grid"),
    "severity.error": ("错误", "error"),
    "severity.warning": ("警告", "warning"),
    "severity.off": ("不检查", "off"),
    "check.checked": ("已检查", "checked"),
    "check.skipped": ("未检查", "skipped"),
    "check.skipped_because": ("未检查：{why}", "skipped: {why}"),
    "why.no_area_units": ("无区域或村（社区）图层", "no area or units"),
    "why.holes_only": ("已检查（仅网格之间的空洞：无区域或村（社区）图层）", "checked (holes between grids only: no area "
                       "or units)"),
    "why.no_units": ("无村（社区）图层", "no units layer"),
    "why.no_unit_id": ("网格无所属村（社区）代码", "grids have no unit_id"),
    "why.no_grid_in_unit": ("没有网格位于任何单元内", "no grid lies in a unit"),
    "why.unit_ids_differ": ("网格的所属村（社区）代码与单元代码不一致", "the grids' unit_id values are not the units' ids"),
    "why.no_households": ("无住户数据（图层或网格字段）", "no households (layer or grid column)"),
    "why.no_band": ("无户数范围", "no band"),
    "why.no_workers": ("无网格员图层", "no workers layer"),
    "why.no_bases": ("无驻点图层", "no bases layer"),
    "why.off": ("规则中已关闭", "turned off by the rules"),
    "note.geographic": ("网格为地理坐标（{crs}），已在 {metric}（EPSG:{epsg}）中检查，面积单位 m²",
                        "grids are in a geographic CRS ({crs}); checked in {metric} (EPSG:{epsg}), areas in m²"),
    "note.named_by": ("网格无 grid_id 字段，以 {column} 字段命名", "grids have no grid_id column: the {column} column "
                      "names them"),
    "note.named_by_row": ("网格无 grid_id 或 code 字段，以行号（从 1 起）命名", "grids have no grid_id or code column: "
                          "they are named by row number (1-based)"),
    "note.repaired": ("{what}：{n} 个无效多边形已用 make_valid 修复", "{what}: {n} invalid polygon(s) repaired with "
                      "make_valid"),
    "note.area_from_units": ("无区域图层：区域取各村（社区）之并", "no area layer: the area is the union of the units"),
    "note.households_counted": ("户数按住户图层统计（{features:,} 个要素共 {households:,.0f} 户；{outside:,} 个要素不在任何网格内）",
                                "households counted from the households layer ({households:,.0f} in {features:,} "
                                "features; {outside:,} features lie in no grid)"),
    "validate.fault": ("问题", "fault"),
    "validate.errors": ("错误", "errors"),
    "validate.warnings": ("警告", "warnings"),
    "validate.area_m2": ("面积（m²）", "area m²"),
    "validate.total": ("合计", "total"),
    "validate.more": ("……另有 {n} 条（全部见问题 GeoPackage）", "... and {n} more (all of them in the faults GeoPackage)"),
    "validate.note": ("注：{note}", "note: {note}"),
    "validate.where": ("位置", "where"),
    "validate.detail": ("说明", "detail"),
    "validate.found": ("校验发现 {errors} 个错误、{warnings} 个警告。", "Validation found {errors} error(s), "
                       "{warnings} warning(s)."),
    "detail.outside_area": ("网格有 {area:,.0f} m²（{share:.1%}）在{source}之外", "{area:,.0f} m² ({share:.1%}) of the "
                            "grid lie outside the {source}"),
    "detail.gap": ("空隙 {area:,.0f} m²，邻接网格 {near}", "gap of {area:,.0f} m² beside grids {near}"),
    "detail.gap_alone": ("空隙 {area:,.0f} m²，不与任何网格相邻", "gap of {area:,.0f} m² touching no grid"),
    "detail.overlap": ("与网格 {other} 重叠 {area:,.0f} m²", "overlaps grid {other} by {area:,.0f} m²"),
    "detail.non_contiguous": ("共 {parts} 块：{stray} 块零散部分共 {area:,.0f} m²，主体 {main:,.0f} m²",
                              "{parts} parts: {stray} stray part(s) of {area:,.0f} m² apart from the main part of "
                              "{main:,.0f} m²"),
    "detail.rural_parts": ("（农村网格：村本身可能不连片）", " (rural grid: the village itself may be in parts)"),
    "detail.crosses_unit": ("{share:.1%} 位于{level} {name}（{id}）内；跨入 {into}",
                            "{share:.1%} in {level} {name} ({id}); crosses into {into}"),
    "detail.unit_mismatch": ("代码为 {unit_id}，但网格主要位于{level} {name}（{id}）", "unit_id is {unit_id} but the grid "
                             "lies (mostly) in {level} {name} ({id})"),
    "detail.not_polygon": ("几何类型为 {kind}，不是面", "a {kind}, not a polygon"),
    "detail.invalid": ("{text}（已用 make_valid 修复以检查其余项目）", "{text} (repaired with make_valid to check the rest)"),
    "detail.no_area": ("无面积（几何缺失或为空）", "no area (missing or empty geometry)"),
    "detail.no_households": ("无住户", "no households"),
    "detail.out_of_band_low": ("{households:,.0f} 户，少于 {lo:,g} 户", "{households:,.0f} households < {lo:,g}"),
    "detail.out_of_band_high": ("{households:,.0f} 户，多于 {hi:,g} 户", "{households:,.0f} households > {hi:,g}"),
    "detail.regime_grid": ("（{regime}网格）", " ({regime} grid)"),
    "detail.unit_cannot": ("；所在单元 {unit_id} 共 {total:,.0f} 户，无法满足范围", "; its unit {unit_id} holds "
                           "{total:,.0f} in all, the band cannot be met"),
    "detail.duplicate_code": ("{column} {value} 被 {n} 个网格使用（另见第 {rows} 行）", "{column} {value} is used by "
                              "{n} grids (also row(s) {rows})"),
    "detail.malformed_code": ("编码 {code}：", "code {code!r}: "),
    # why a grid code is malformed (gridmap.codes.code_problem): a detail part after detail.malformed_code
    "detail.code_why_missing": ("无编码", "no code"),
    "detail.code_why_digits": ("{n} 位；网格编码为 15 位（6 位县 + 3 位乡镇 + 3 位村/社区 + 3 位网格序号）",
                        "{n} digits; a grid code has 15 (6 county + 3 township + 3 village/community + 3 grid serial)"),
    "detail.code_why_province": ("{digits} 不是省级代码", "{digits} is no province code"),
    "detail.code_why_township_000": ("第 7-9 位（乡镇）为 000", "township digits 7-9 are 000"),
    "detail.code_why_village_000": ("第 10-12 位（村/社区）为 000（这是乡镇的代码，不是村的）",
                             "village digits 10-12 are 000 (a township's code, not a village's)"),
    "detail.code_why_serial_000": ("网格序号为 000（序号为 001-999）", "grid serial 000 (serials run 001-999)"),
    "detail.code_why_form": ("既不是 15 位数字，也不是“单元编号-三位序号”", "neither 15 digits nor <unit_id>-NNN"),
    "detail.code_why_expected_nbs": ("单元 {unit} 有统计用区划代码：应为 {unit} 加三位序号",
                              "unit {unit} has a statistical code: expected {unit}NNN"),
    "detail.code_why_other_village": ("村级代码 {digits} 不是所属单元 {unit} 的代码",
                               "village digits {digits} are not those of its unit {unit}"),
    "detail.code_why_expected_local": ("单元 {unit} 的网格编码应为“{unit}-三位序号”", "expected {unit}-NNN for unit {unit}"),
    "detail.worker_no_grid_id": ("网格员 {worker}{kind}：无网格 ID", "worker {worker}{kind}: no grid_id"),
    "detail.worker_unknown_grid": ("网格员 {worker}{kind}：网格 {grid} 不存在", "worker {worker}{kind}: grid {grid} "
                                   "does not exist"),
    "detail.grid_without_worker": ("没有网格员负责此网格", "no worker has this grid"),
    "detail.grid_without_worker_empty": ("没有网格员负责此网格（无住户）", "no worker has this grid (it holds no "
                                         "households)"),
    "detail.base_no_grid_id": ("驻点 {base}：无网格 ID", "base {base}: no grid_id"),
    "detail.base_unknown_grid": ("驻点 {base}：网格 {grid} 不存在", "base {base}: grid {grid} does not exist"),
    "detail.base_outside": ("驻点 {base}：在网格 {grid} 外 {distance:,.0f} 米", "base {base}: {distance:,.0f} m "
                            "outside grid {grid}"),

    # -- report ----------------------------------------------------------------------------------------
    "report.title": ("网格化服务管理报告", "Grid system report"),
    "report.overview": ("概况", "Overview"),
    "report.overview_map": ("网格总图", "Map of the grids"),
    "report.township_maps": ("各乡镇网格图", "Grids by township"),
    "report.township_map_caption": ("{township}：{grids} 个网格，{households:,.0f} 户",
                                    "{township}: {grids} grids, {households:,.0f} households"),
    "report.overview_map_caption": ("全县网格，颜色区分相邻网格；标注为网格简码与户数。",
                                    "The county's grids, neighbours in different colours; labels give the short "
                                    "code and households."),
    "report.grids": ("各乡镇网格数（按类型）", "Grids by township and regime"),
    "report.households": ("网格户数", "Households per grid"),
    "report.workers": ("网格员（按类型）", "Grid workers by type"),
    "report.budget": ("经费（按薪酬构成）", "Budget by pay component"),
    "report.reach": ("服务圈覆盖户数", "Households inside the service circle"),
    "report.exceptions": ("例外情况", "Flagged exceptions"),
    "report.contents": ("目录", "Contents"),
    "report.count": ("数量", "Count"),
    "report.villages_n": ("村（社区）数", "Villages/communities"),
    "report.hh_min": ("最少", "Min"),
    "report.hh_median": ("中位数", "Median"),
    "report.hh_max": ("最多", "Max"),
    "report.in_band": ("在范围内（城镇网格）", "In band (urban grids)"),
    "report.hh_per_grid": ("每格户数", "Households per grid"),
    "report.n_grids": ("网格数", "Number of grids"),
    "report.hist_caption": ("全县网格户数分布，阴影为户数范围（不含无住户的飞地）。",
                            "Households per grid in the county; the band is shaded (exclaves without households "
                            "left out)."),
    "report.box_caption": ("各乡镇网格户数分布，阴影为户数范围（不含无住户的飞地）。",
                           "Households per grid by township; the band is shaded (exclaves without households left "
                           "out)."),
    "report.regime_caption": ("各乡镇网格数（按类型）。", "Grids per township by regime."),
    "report.workers_caption": ("各乡镇网格员数（按类型）。", "Workers per township by type."),
    "report.monthly": ("每月（元）", "Monthly (yuan)"),
    "report.yearly": ("每年（元）", "Yearly (yuan)"),
    "report.component": ("构成", "Component"),
    "report.budget_caption": ("各乡镇每月经费（按薪酬构成，元）。", "Monthly budget per township by pay component (yuan)."),
    "report.budget_text": ("每年 = {months} × 每月。", "Yearly = {months} × monthly."),
    "report.reached": ("覆盖户数", "Households reached"),
    "report.share": ("覆盖比例", "Share reached"),
    "report.reach_caption": ("各乡镇服务圈覆盖户数比例，横线为全县。",
                             "Share of households inside the service circle, per township; the line is the county."),
    "report.reach_settings": ("服务圈设置", "Service circle settings"),
    "report.setting": ("设置", "Setting"),
    "report.value": ("值", "Value"),
    "report.flagged_none": ("计划未标记任何网格。", "The plan flags no grid."),
    "report.flagged_text": ("计划标记的网格（飞地为户数低于下限的飞地或被隔断部分）。",
                            "Grids the plan flags (islands are exclaves or cut-off pieces under the band)."),
    "report.validation": ("校验", "Validation"),
    "report.validation_text": ("校验（gridmap validate）发现 {errors} 个错误、{warnings} 个警告。",
                               "{errors} error(s), {warnings} warning(s) found by gridmap validate."),
    "report.faults_more": ("其余 {n} 条见校验输出的 faults.gpkg。", "{n} more in the faults.gpkg written by gridmap "
                           "validate."),
    "report.infeasible": ("无法满足户数范围的单元", "Units whose band cannot be met"),
    "report.no_cjk": ("未找到中文字体（{fonts}），图中中文可能显示为方框。请安装 fonts-wqy-microhei。",
                      "No CJK font found ({fonts}); Chinese labels in the plots may show as boxes. Install "
                      "fonts-wqy-microhei."),
    "report.generated": ("计划生成于 {created}，gridmap {version}。", "Plan of {created}, gridmap {version}."),
    "report.figures": ("共 {households:,.0f} 户，{grids:,} 个网格。", "{households:,.0f} households in {grids:,} grids."),
    "report.issued": ("{office}　{date}", "{office}, {date}"),
    "report.date": ("{y}年{m}月{d}日", "{y}-{m:02d}-{d:02d}"),
    "report.page": ("第 {page} 页，共 {pages} 页", "Page {page} of {pages}"),

    # -- what became of the inputs: households read, used and dropped; repairs (summary, report) --------
    "inputs.households_read": ("读入 {read:,.0f} 户，计入网格 {used:,.0f} 户。",
                               "{read:,.0f} households read, {used:,.0f} in the grids."),
    "dropped.outside_area": ("{households:,.0f} 户（{features:,} 个要素）位于范围之外，已按要求剔除。",
                             "{households:,.0f} households ({features:,} features) outside the area dropped "
                             "(--drop-outside)."),
    "dropped.buildings_outside_area": ("{households:,.0f} 户（{features:,} 栋建筑）的建筑内点位于范围之外，未计入。",
                                       "{households:,.0f} households ({features:,} buildings) whose inner point lies "
                                       "outside the area left out."),
    "dropped.totals_outside_area": ("已知总数中 {households:,.0f} 户（{features:,} 个点）分摊到范围之外，未计入。",
                                    "{households:,.0f} households ({features:,} points) of the known totals spread "
                                    "outside the area left out."),
    "repair.polygons_as_points": ("住户点图层中有 {count:,} 个面（{households:,.0f} 户），按面内一点计入。",
                                  "{count:,} polygon(s) among the household points ({households:,.0f} households) "
                                  "counted at a point inside each."),
    "repair.duplicates_counted": ("{count:,} 行与另一行位置和各值完全相同（{households:,.0f} 户），均已计入；"
                                  "如为重复录入请删除。",
                                  "{count:,} row(s) equal to another in position and every value ({households:,.0f} "
                                  "households) counted each; delete them if they are copies."),
    "repair.multipoints_whole": ("{count:,} 个含多个点的多点要素按其第一个点整体计入。",
                                 "{count:,} multipoint(s) of several points counted whole at their first point."),
    "repair.units_outside_area": ("{count:,} 个单元位于范围之外，未纳入：{names}。",
                                  "{count:,} unit(s) outside the area left out: {names}."),
    "repair.gaps_filled": ("单元之间 {count:,} 处细缝（共 {m2:,.0f} m²）并入共享边界最长的相邻单元。",
                           "{count:,} thin gap(s) between units ({m2:,.0f} m² in all) joined to the neighbour "
                           "sharing the longest border."),
    "report.inputs": ("输入数据的处理", "What became of the inputs"),

    # -- command line ----------------------------------------------------------------------------------
    "cli.households_line": ("{households:,.0f}（{method}）", "{households:,.0f}  ({method})"),
    "cli.units": ("单元", "units"),
    "cli.units_line": ("{units}（城镇 {urban}，混合 {mixed}）", "{units}  ({urban} urban + {mixed} mixed)"),
    "cli.atoms": ("地块", "atoms"),
    "cli.codes": ("编码", "codes"),
    "cli.codes_line": ("{matched}/{total} 个单元按区划代码表命名", "{matched} of {total} units named by the code table"),
    "cli.unit_uncoded": ("单元 {name}：不在区划代码表中，保留原 ID", "unit {name}: not in the code table, keeps its id"),
    "cli.repaired": ("{what}：{n} 个无效多边形已用 make_valid 修复", "{what}: {n} invalid polygon(s) repaired with "
                     "make_valid"),
    "cli.bases": ("驻点", "bases"),
    "cli.bases_line": ("已有 {given} 个，计算 {computed} 个", "{given} given, {computed} computed"),
    "cli.budget": ("经费", "budget"),
    "cli.budget_line": ("{month:,.0f} 元/月，{year:,.0f} 元/年", "{month:,.0f} yuan/month, {year:,.0f} yuan/year"),
    "cli.staff_line": ("{grids} 个网格共 {workers} 人（{by_type}）", "{workers} in {grids} grids ({by_type})"),
    "cli.households_reached_line": ("{households:,.0f} 户中 {reached:,.0f} 户在响应时间内{share}",
                                    "{reached:,.0f} of {households:,.0f} reached{share}"),
    "cli.faults_written": ("问题已写入 {path}", "faults written to {path}"),
    "cli.map_written": ("地图已写入 {path}（{mb:.2f} MB，{grids} 个网格，{s:.1f} 秒）",
                        "map written to {path} ({mb:.2f} MB, {grids} grids, {s:.1f} s)"),
    "cli.report_written": ("报告已写入 {path}（{kib:,.0f} KiB，{sections} 节，{plots} 幅图）",
                           "report written to {path} ({kib:,.0f} KiB, {sections} sections, {plots} plots)"),
    "method.buildings": ("按建筑物估算", "buildings"),
    "method.totals": ("按总数分摊", "totals"),
    "method.points": ("住户点", "points"),
    "method.polygons": ("普查面", "polygons"),
    "cli.plan_written": ("计划已写入 {path}", "plan written to {path}"),
    "cli.grids": ("网格", "grids"),
    "cli.grids_line": ("{grids:,} 个（城镇 {urban}，农村 {rural}，飞地 {island}）",
                       "{grids:,} ({urban} urban, {rural} rural, {island} islands)"),
    "cli.households": ("户数", "households"),
    "cli.in_band": ("在范围内", "in band"),
    "cli.in_band_line": ("{lo:,g}–{hi:,g} 户：城镇网格的 {share:.1%}", "{lo:,g}-{hi:,g}: {share:.1%} of urban grids"),
    "cli.median_line": ("每格户数中位数 {households:,.0f}，形状规整度中位数 {shape:.2f}",
                        "households/grid median {households:,.0f}, shape (roundness) median {shape:.2f}"),
    "cli.workers": ("网格员", "workers"),
    "cli.workers_line": ("{workers:,} 人，经费 {yuan:,.0f} 元/年", "{workers:,}, budget {yuan:,.0f} yuan/year"),
    "cli.reached": ("覆盖", "reached"),
    "cli.reached_line": ("{share:.1%} 的住户在响应时间内（{mode}）", "{share:.1%} of households within the response "
                         "time ({mode})"),
    "cli.validation": ("校验", "validation"),
    "cli.validation_line": ("{errors} 个错误，{warnings} 个警告（{path}）", "{errors} errors, {warnings} warnings "
                            "({path})"),
    "cli.wrote": ("已写入", "wrote"),
    "cli.unit_flag": ("单元 {unit_id} {name}：{reason}", "unit {unit_id} {name}: {reason}"),
    "cli.grid_flag": ("网格 {grid_id}（{households:,.0f} 户）：{reason}", "grid {grid_id} ({households:,.0f} "
                      "households): {reason}"),
    "cli.no_cjk_font": ("未找到中文字体，报告中的图将显示方框；请安装 fonts-wqy-microhei（Debian/Ubuntu：apt install "
                        "fonts-wqy-microhei）", "no CJK font found: Chinese in the report's plots will show as boxes; "
                        "install fonts-wqy-microhei (Debian/Ubuntu: apt install fonts-wqy-microhei)"),

    # -- progress steps ---------------------------------------------------------------------------------
    "step.read": ("读取", "read"),
    "step.inputs": ("读取输入", "inputs"),
    "step.atoms": ("切分地块", "atoms"),
    "step.partition": ("划分网格", "partition"),
    "step.staff": ("配备网格员", "staff"),
    "step.reach": ("测算覆盖", "reach"),
    "step.validate": ("校验", "validate"),
    "step.map": ("绘制地图", "map"),
    "step.report": ("生成报告", "report"),
    "step.write": ("写出文件", "write"),

    # -- the plan editor (gridmap edit); templates are filled in the page, {fields} as here -----------
    "editor.title": ("网格编辑", "Grid editor"),
    "editor.band": ("每格户数标准", "households per grid"),
    "editor.households": ("户数", "households"),
    "editor.grid": ("网格", "grid"),
    "editor.unit": ("村/社区", "village/community"),
    "editor.township": ("乡镇/街道", "township"),
    "editor.target": ("当前网格", "Selected grid"),
    "editor.none_selected": ("未选网格：点击地图上的网格或下方列表", "No grid selected: click a grid on the map or in the list below"),
    "editor.click": ("点击移动", "Click to move"),
    "editor.paint": ("拖动涂抹", "Paint"),
    "editor.mode": ("操作方式", "Mode"),
    "editor.contiguity": ("网格断开时", "When a grid would break"),
    "editor.refuse": ("拒绝该操作", "refuse the move"),
    "editor.allow": ("允许并标出", "allow and flag"),
    "editor.undo": ("撤销", "Undo"),
    "editor.redo": ("重做", "Redo"),
    "editor.new_grid": ("新建网格", "New grid"),
    "editor.lock": ("锁定", "Lock"),
    "editor.unlock": ("解锁", "Unlock"),
    "editor.locked": ("已锁定", "locked"),
    "editor.export_edits": ("导出调整（GeoJSON）", "Export edits (GeoJSON)"),
    "editor.export_grids": ("导出网格（GeoJSON）", "Export grids (GeoJSON)"),
    "editor.problems": ("需要处理", "To fix"),
    "editor.all_grids": ("全部网格", "All grids"),
    "editor.log": ("修改记录", "Change log"),
    "editor.filter": ("筛选网格编号或村/社区", "Filter by code or village"),
    "editor.no_problems": ("没有超出标准或断开的网格", "No grid out of band or broken"),
    "editor.dedicated": ("专属网格", "dedicated grid"),
    "editor.broken": ("断开", "broken"),
    "editor.empty": ("已无地块", "no atoms left"),
    "editor.colour_by": ("着色", "Colour"),
    "editor.by_grid": ("按网格", "by grid"),
    "editor.by_status": ("按是否符合标准", "by band status"),
    "editor.msg_other_unit": ("只能在同一村/社区内移动：该地块属于{unit}",
                              "Atoms move only within their village/community: this one belongs to {unit}"),
    "editor.msg_locked": ("网格 {grid} 已锁定，不能修改", "Grid {grid} is locked"),
    "editor.msg_breaks": ("移动后网格 {grid} 将断开，已拒绝", "Refused: grid {grid} would fall into pieces"),
    "editor.msg_moved": ("已移动 {n} 个地块到 {grid}（{hh} 户）", "Moved {n} atom(s) into {grid} ({hh} households)"),
    "editor.msg_select_first": ("先选择要移入的网格", "Select the grid to move atoms into first"),
    "editor.msg_undone": ("已撤销", "Undone"),
    "editor.msg_redone": ("已重做", "Redone"),
    "editor.msg_nothing": ("没有可撤销的操作", "Nothing to undo"),
    "editor.msg_new": ("新建网格 {grid}（{unit}）：把地块移入即可", "New grid {grid} ({unit}): move atoms into it"),
    "editor.msg_exported": ("已导出 {file}", "Exported {file}"),
    "editor.hint": ('点击地块把它移入当前网格；Alt+点击或右键选择地块所在网格；Esc 取消选择。',
                    "Click an atom to move it into the selected grid; Alt+click or right-click selects the atom's grid; Esc clears the selection."),
    "editor.changes": ("处修改", "changes"),
    "editor.atoms": ("地块", "atoms"),
    "editor.move": ("移动", "move"),
    "editor.lock_ev": ("锁定", "lock"),
    "editor.unlock_ev": ("解锁", "unlock"),
    "editor.new_ev": ("新建", "new"),
    "editor.from": ("从", "from"),
    "editor.to": ("到", "to"),

    # -- gridmap batch: the province summary -----------------------------------------------------------
    "batch.title": ("全省汇总", "Province summary"),
    "batch.name": ("县（区）", "County"),
    "batch.status": ("状态", "Status"),
    "batch.households": ("户数", "Households"),
    "batch.units": ("村（社区）数", "Units"),
    "batch.grids": ("网格数", "Grids"),
    "batch.urban_grids": ("城镇网格数", "Urban grids"),
    "batch.in_band_share_urban": ("城镇网格在范围内比例", "Urban grids in band"),
    "batch.workers": ("网格员数", "Workers"),
    "batch.budget_yuan_year": ("经费（元/年）", "Budget (yuan/year)"),
    "batch.reached_share": ("服务圈覆盖比例", "Households reached"),
    "batch.seconds": ("用时（秒）", "Seconds"),
    "batch.error": ("错误", "Error"),
    "batch.ok": ("完成", "done"),
    "batch.failed": ("失败", "failed"),
    "batch.skipped": ("跳过（已是最新）", "skipped (up to date)"),
    "batch.total": ("合计", "Total"),
    "batch.failures": ("失败的县", "Failures"),
    "batch.none_failed": ("无失败。", "No county failed."),
    "batch.map": ("全省网格地图", "Map of every county's grids"),
    "batch.grid": ("网格", "grid"),
}


def check_lang(lang: str) -> str:
    """``lang`` itself when it is one of :data:`LANGS`, else ValueError naming the choices."""
    if lang not in LANGS:
        raise ValueError(f"lang: expected one of {', '.join(LANGS)}, got {lang!r}")
    return lang


def default_lang(environ=None) -> str:
    """The language the locale asks for: ``en`` for an English (or any non-Chinese) locale, else ``zh``.

    ``GRIDMAP_LANG`` (``zh`` or ``en``) decides when set; else ``LC_ALL``,
    ``LC_MESSAGES`` and ``LANG`` are read in that order (as gettext does). An
    unset, ``C`` or ``POSIX`` locale says nothing about the reader: gridmap is made
    for Chinese county offices, so it is ``zh``.
    """
    environ = os.environ if environ is None else environ
    chosen = (environ.get("GRIDMAP_LANG") or "").strip().lower()
    if chosen in LANGS:
        return chosen
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = (environ.get(name) or "").strip()
        if value:
            base = value.split(".")[0].split("@")[0].lower()
            if base in ("c", "posix"):
                return "zh"
            return "zh" if base.startswith("zh") else "en"
    return "zh"


def _pick(key: str, lang: str) -> str:
    zh, en = _WORDS[key]
    return zh if check_lang(lang) == "zh" else en


def text(key: str, lang: str, /, **params) -> str:
    """The word or sentence ``key`` in ``lang``, its template filled with ``params``.

    Raises KeyError for a key the vocabulary lacks (a bug: add it to both languages).
    """
    if key not in _WORDS:
        raise KeyError(f"i18n: no word {key!r}")
    words = _pick(key, lang)
    return words.format(**params) if params else words


def has(key: str) -> bool:
    """Whether the vocabulary has ``key``."""
    return key in _WORDS


def term(group: str, value, lang: str) -> str:
    """``value`` of an open vocabulary (``worker_type``, ``pay``, ``mode``, ``regime``, ...) in ``lang``.

    A value the vocabulary does not know (a county's own worker type such as 网格长 or
    ``grid_leader_2``) is shown as written.
    """
    value = "" if value is None else str(value)
    key = f"{group}.{value}"
    return _pick(key, lang) if key in _WORDS else value


def message(code: str, lang: str, /, **params) -> str:
    """The reason ``code`` (see the ``reason.*`` keys) in ``lang``, with its numbers.

    An unknown code, or parameters its template does not take, give the code and the
    parameters as written rather than an error: a reason is shown, never lost.
    """
    key = f"reason.{code}"
    if key not in _WORDS:
        return code + (" (" + ", ".join(f"{k}={v}" for k, v in params.items()) + ")" if params else "")
    try:
        return _pick(key, lang).format(**params)
    except (KeyError, IndexError, ValueError):
        return code + " (" + ", ".join(f"{k}={v}" for k, v in params.items()) + ")"


def grid_reason(flag: str, regime: str, households: float, atoms: int, band, lang: str) -> str:
    """Why a grid is flagged, from its own numbers: kind of flag, regime, households, atoms, band (lo, hi)."""
    lo, hi = band if band else (float("nan"), float("nan"))
    if regime == "island" and households < lo:
        return message("island_under_band", lang, atoms=atoms, households=households, lo=lo)
    if flag == "rural_unit":
        return message("rural_by_rule", lang, households=households, lo=lo, hi=hi)
    if flag in ("over_band", "under_band") and band:
        return message("grid_out_of_band", lang, households=households, lo=lo, hi=hi)
    return term("flag", flag, lang)


def fault_detail(code: str, lang: str, /, **params) -> str:
    """The detail of a validation fault (``detail.<code>``) in ``lang``."""
    return text(f"detail.{code}", lang, **params)


def columns(names, lang: str, *, group: str = "field") -> dict:
    """{column: header} for the columns the vocabulary names (``field.<column>``); others are left out."""
    return {name: _pick(f"{group}.{name}", lang) for name in names if f"{group}.{name}" in _WORDS}


def keys(prefix: str = "") -> list[str]:
    """Every key (starting with ``prefix``), sorted."""
    return sorted(k for k in _WORDS if k.startswith(prefix))


def placeholders(key: str, lang: str) -> set[str]:
    """The fields a template takes in ``lang`` (for the tests that hold both languages to the same fields)."""
    return {name for _, name, _, _ in string.Formatter().parse(_pick(key, lang)) if name is not None}
