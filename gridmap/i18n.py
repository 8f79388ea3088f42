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

__all__ = ["LANGS", "check_lang", "default_lang", "text", "term", "has", "message", "outcome_text", "grid_reason", "fault_detail",
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
    "reason.no_grouping": ("{atoms} 个地块的户数无论如何组合都凑不成每格 {lo:,g}–{hi:,g} 户的网格（按计数证明）",
                           "the households of the {atoms} blocks cannot be grouped into grids of "
                           "{lo:,g}–{hi:,g} households whatever their shapes (proven by counting)"),
    "reason.no_grouping_needs_top": ("{atoms} 个地块的户数无论如何组合都凑不成每格 {lo:,g}–{hi:,g} 户的网格（按计数证明）；"
                                     "上限至少须为 {need_hi:,.0f} 户才可划分",
                                     "the households of the {atoms} blocks cannot be grouped into grids of "
                                     "{lo:,g}–{hi:,g} households whatever their shapes (proven by counting); the "
                                     "band's top would have to be at least {need_hi:,.0f}"),
    "reason.cp_sat_infeasible": ("精确求解器证明：{atoms} 个地块无法分成连片且每格 {lo:,g}–{hi:,g} 户的网格",
                                 "the solver (CP-SAT) proves that the {atoms} blocks cannot be split into "
                                 "contiguous grids of {lo:,g}–{hi:,g} households"),
    "reason.cp_sat_needs_top": ("精确求解器证明：{atoms} 个地块无法分成连片且每格 {lo:,g}–{hi:,g} 户的网格；"
                                "上限至少须为 {need_hi:,.0f} 户才可划分",
                                "the solver (CP-SAT) proves that the {atoms} blocks cannot be split into "
                                "contiguous grids of {lo:,g}–{hi:,g} households; the band's top would have to be "
                                "at least {need_hi:,.0f}"),
    "reason.cp_sat_needs_top_range": ("精确求解器证明：{atoms} 个地块无法分成连片且每格 {lo:,g}–{hi:,g} 户的网格；"
                                      "上限至少须为 {need_hi_min:,.0f} 户，{need_hi_max:,.0f} 户即可划分",
                                      "the solver (CP-SAT) proves that the {atoms} blocks cannot be split into "
                                      "contiguous grids of {lo:,g}–{hi:,g} households; the band's top would have "
                                      "to be at least {need_hi_min:,.0f} ({need_hi_max:,.0f} is enough)"),
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
    "map.search_townships": ("搜索网格编码或乡镇", "Search grid code or township"),
    "map.township_kind": ("乡镇", "township"),
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
    "china.units_n.one": ("{n} 个单元", "{n} unit"),
    "china.thin_evidence": ("单元 {unit} {name}：住宅迹象不足（{note}）", "unit {unit} {name}: thin evidence of housing ({note})"),
    "china.no_evidence": ("单元 {unit} {name}：有总数但无住宅迹象，已平均分摊",
                          "unit {unit} {name}: a total but no evidence of housing: spread evenly"),
    "china.totals_disagree": ("单元 {unit} {name}：总数与估算相差过大（{note}）",
                              "unit {unit} {name}: total and estimate disagree ({note})"),
    "china.borders_derived": ("单元边界由 {n} 个村（社区）点推算（尽量沿道路、河流）",
                              "derived from {n} points (along roads and rivers where they allow)"),
    "china.borders_derived.one": ("单元边界由 {n} 个村（社区）点推算（尽量沿道路、河流）",
                                  "derived from {n} point (along roads and rivers where it allows)"),
    "china.totals_unmatched": ("户数总数表中 {n} 行未对应任何单元（已忽略）：{rows}",
                               "{n} rows of the totals table match no unit (left out): {rows}"),
    "china.totals_unmatched.one": ("户数总数表中 {n} 行未对应任何单元（已忽略）：{rows}",
                                   "{n} row of the totals table matches no unit (left out): {rows}"),
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
    "china.roads_noded.one": ("道路 {n} 处交叉补上共用节点", "roads: {n} crossing given a shared vertex (noded)"),
    "cli.see_help": ("（见 gridmap {command} --help）", " (see gridmap {command} --help)"),
    "china.roads_ends_joined": ("道路 {n} 个线端离其他道路不到 {m} 米而未相接，已接上",
                                "roads: {n} line ends that stopped short of a road by up to {m} m joined to it"),
    "china.lines_ends_joined": ("河流、铁路和其他界线 {n} 个线端离其他线不到 {m} 米而未相接，已接上",
                                "waterways, railways and barriers: {n} line ends that stopped short of a line by up to "
                                "{m} m joined to it"),
    "china.lines_ends_joined.one": ("河流、铁路和其他界线 {n} 个线端离其他线不到 {m} 米而未相接，已接上",
                                    "waterways, railways and barriers: {n} line end that stopped short of a line by up "
                                    "to {m} m joined to it"),
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
    "detail.speck": ("面积仅 {m2:.2g} 平方米（不超过容差 {tol:g} 平方米）", "an area of only {m2:.2g} m² (at most the tolerance, {tol:g} m²)"),
    "detail.no_households": ("无住户", "no households"),
    "detail.out_of_band_low": ("{households:,.0f} 户，少于 {lo:,g} 户", "{households:,.0f} households < {lo:,g}"),
    "detail.out_of_band_high": ("{households:,.0f} 户，多于 {hi:,g} 户", "{households:,.0f} households > {hi:,g}"),
    "detail.regime_grid": ("（{regime}网格）", " ({regime} grid)"),
    "detail.unit_cannot": ("；所在单元 {unit_id} 共 {total:,.0f} 户，无法满足范围", "; its unit {unit_id} holds "
                           "{total:,.0f} in all, the band cannot be met"),
    "detail.proven_unavoidable": ("；计划已证明其所在片区不存在连片且符合范围的划分，无法满足范围",
                                  "; the plan proved that no contiguous in-band split of its part exists: the band "
                                  "cannot be met"),
    "detail.one_atom": ("；该网格为单个地块，无建筑或住户点可据以再分，无法满足范围",
                        "; the grid is a single atom with no buildings or points to split it along: the band cannot be met"),
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
    "repair.no_geometry": ("{count:,} 个没有几何的要素已剔除。", "{count:,} feature(s) without geometry dropped."),
    "repair.non_finite": ("{count:,} 个坐标为非数值或无穷大的要素已剔除。",
                          "{count:,} feature(s) with NaN or infinite coordinates dropped."),
    "repair.units_outside_area": ("{count:,} 个单元位于范围之外，未纳入：{names}。",
                                  "{count:,} unit(s) outside the area left out: {names}."),
    "repair.gaps_filled": ("单元之间 {count:,} 处缝隙（细长，或小于范围的 1%；共 {m2:,.0f} m²）并入共享边界最长的相邻单元。",
                           "{count:,} gap(s) between units, thin or under 1 % of the area ({m2:,.0f} m² in all), "
                           "joined to the neighbour sharing the longest border."),
    "repair.overlaps_removed": ("单元之间 {count:,} 处细长重叠（共 {m2:,.0f} m²）归图层中靠前的单元。",
                                "{count:,} thin overlap(s) between units ({m2:,.0f} m² in all) kept by the unit "
                                "earlier in the layer."),
    "repair.units_follow_blocks": ("{units:,} 个单元改按普查面划界（{m2:,.0f} m² 改属相邻单元），网格因此严格嵌套于单元。",
                                   "{units:,} unit(s) redrawn along the census polygons ({m2:,.0f} m² changed unit), "
                                   "so that the grids nest in them."),
    "repair.blocks_across": ("{count:,} 个普查面跨单元边界或越出单元，整体计入其重叠最多的单元。",
                             "{count:,} census polygon(s) across a unit border or the units' edge, each counted whole "
                             "in the unit it overlaps most."),
    "repair.units_uncovered": ("单元中有 {count:,} 处没有普查面覆盖（共 {m2:,.0f} m²），作为无住户地块划入网格"
                               "（小于碎块面积的并入相邻地块）。",
                               "{count:,} piece(s) of the units no census polygon covers ({m2:,.0f} m² in all) "
                               "made atoms of no households (slivers joined to a neighbouring atom)."),
    "repair.roads_classes_read": ("道路等级按列 {column} 读取（国道、省道、县道、乡道、村道等换算为 OSM 的道路等级）。",
                                 "road classes read from the column {column} (national, provincial, county, "
                                 "township and village roads and the like, as OSM's classes)."),
    "repair.roads_class_default": ("{count:,} 条道路在列 {column} 中没有可识别的等级，按普通街道（{default}）计。",
                                  "{count:,} road(s) without a recognised class in the column {column} counted as "
                                  "streets ({default})."),
    "repair.roads_classes_none": ("没有可识别的道路等级列（如 `等级`、`道路等级`、`highway`、`fclass`），{count:,} 条道路"
                                 "均按普通街道（{default}）计：主干道不会优先作为网格边界，通行速度也按街道计。",
                                 "no column of road classes recognised (such as 等级, 道路等级, highway, fclass): "
                                 "all {count:,} road(s) counted as streets ({default}), so major roads are not "
                                 "preferred as grid edges and are travelled at street speeds."),
    "repair.waterways_classes_read": ("水系类别按列 {column} 读取（河流、溪流、干渠、支渠、沟渠等换算为 OSM 的水系类别）。",
                                      "watercourse classes read from the column {column} (rivers, streams, canals, "
                                      "ditches and the like, as OSM's classes)."),
    "repair.waterways_class_default": ("{count:,} 条水系线在列 {column} 中没有可识别的类别，按河流（{default}）计。",
                                       "{count:,} watercourse(s) without a recognised class in the column {column} "
                                       "counted as rivers ({default})."),
    "repair.waterways_classes_none": ("没有可识别的水系类别列（如 `类型`、`waterway`、`fclass`），{count:,} 条水系线"
                                      "均按河流（{default}）计：沟渠也会像河流一样优先作为网格边界。",
                                      "no column of watercourse classes recognised (such as 类型, waterway, fclass): "
                                      "all {count:,} watercourse(s) counted as rivers ({default}), so ditches are "
                                      "preferred as grid edges as rivers are."),
    "report.inputs": ("输入数据的处理", "What became of the inputs"),

    # -- the roles of inputs in refusals (error.*: {what}) ---------------------------------------------
    "role.units": ("单元", "units"),
    "role.area": ("区域", "area"),
    "role.households": ("住户", "households"),
    "role.buildings": ("建筑物", "buildings"),
    "role.roads": ("道路", "roads"),
    "role.waterways": ("水系", "waterways"),
    "role.railways": ("铁路", "railways"),
    "role.barriers": ("界线", "barriers"),
    "role.household totals": ("户数合计", "household totals"),
    "role.units points": ("村（社区）点", "units points"),
    "role.grids": ("网格", "grids"),
    "role.bases": ("驻点", "bases"),
    "role.plan": ("计划", "plan"),
    "role.config": ("规则文件", "config"),
    "role.manifest": ("清单", "manifest"),
    "role.atoms": ("地块", "atoms"),
    "role.dedicated": ("专属网格", "dedicated"),

    # -- refusals: one line naming the file, the feature and the fix ----------------------------------
    "error.no_such_file": ("{what}：文件不存在：{path}", "{what}: no such file {path}"),
    "error.cannot_read": ("{what}：无法读取 {path}：{reason}", "{what}: cannot read {path}: {reason}"),
    "error.empty_layer": ("{what}：{path} 中没有要素（空图层）；请给出有要素的文件",
                          "{what}: {path} has no features (empty layer); give a file with them"),
    "error.empty_layer_optional": ("{what}：{path} 中没有要素（空图层）；请给出有要素的文件，或不用该选项",
                                   "{what}: {path} has no features (empty layer); give a file with them, or "
                                   "leave the option out"),
    "error.no_geometry_row": ("{what}：{path} 第 {row} 行 {describe}没有几何（共 {count} 行）；请补上几何或删除这些行",
                              "{what}: {path} row {row} {describe}has no geometry ({count} row(s) in all); give "
                              "them their geometry or delete them"),
    "error.non_finite_row": ("{what}：{path} 第 {row} 行 {describe}的坐标为 `NaN` 或无穷大（共 {count} 行）；"
                             "请修正几何或删除这些行",
                             "{what}: {path} row {row} {describe}has NaN or infinite coordinates ({count} row(s) in "
                             "all); fix their geometry or delete them"),
    "error.all_non_finite": ("{what}：{path}：所有要素的坐标都是 `NaN` 或无穷大",
                             "{what}: {path}: every feature has NaN or infinite coordinates"),
    "error.no_geometry_column": ("{what}：{path} 没有几何列；点表须有经度、纬度列（经度/纬度、lon/lat、x/y），"
                                 "文件名以 .csv/.xlsx 结尾",
                                 "{what}: {path} has no geometry column; a table of points needs longitude and "
                                 "latitude columns (经度/纬度, lon/lat, x/y) and a .csv/.xlsx name"),
    "error.degrees_look_like_metres": (
        "{what}：坐标系为经纬度（{crs}），但坐标达到 x={x}、y={y}，像是米；请给图层设置其真实坐标系"
        "（如其 UTM 或 CGCS2000 高斯-克吕格 EPSG 代码）",
        "{what}: the CRS says degrees ({crs}) but coordinates reach x={x}, y={y}: they look like metres; give the "
        "layer its real CRS (e.g. its UTM or CGCS2000 Gauss-Krüger EPSG code)"),
    "error.no_crs": ("{what}：图层没有坐标系；请先设置（如 ogr2ogr -a_srs EPSG:4326）再运行",
                     "{what}: the layer has no CRS; set one (e.g. ogr2ogr -a_srs EPSG:4326) and try again"),
    "error.no_column": ("{what}：没有列 {column}；现有列：{columns}", "{what}: no column {column}; columns: {columns}"),
    "error.file_no_column": ("{what}：{path} 没有列 {column}；现有列：{columns}",
                             "{what}: {path} has no column {column}; columns: {columns}"),
    "error.unit_without_id": ("{what}：{path} 第 {row} 行 {describe}在列 {column} 中没有编号（共 {count} 行）；"
                              "请给每个单元一个编号，或用 --unit-id 指定另一列",
                              "{what}: {path} row {row} {describe}has no id in column {column} ({count} row(s) in "
                              "all); give every unit an id, or name another column with --unit-id"),
    "error.unit_id_repeated": ("{what}：{path} 列 {column} 中的编号 {id} 出现在第 {rows} 行（{count} 个编号重复）；"
                               "请给每个单元各自的编号，或用 --unit-id 指定另一列",
                               "{what}: {path} id {id} in column {column} is on rows {rows} ({count} id(s) on "
                               "several rows); give each unit its own id, or name another column with --unit-id"),
    "error.no_lines": ("{what}：{path} 中没有线或面", "{what}: {path} holds no lines or polygons"),
    "error.layers_to_choose": ("{what}：{path} 含 {count} 个可读取的图层（{names}）；请用 {path}:{first} 指定其中一个",
                               "{what}: {path} holds {count} layers it could be ({names}); name the one to read as "
                               "{path}:{first}"),
    "error.no_such_layer": ("{what}：{path} 中没有图层 {layer}；其图层：{names}",
                            "{what}: {path} has no layer {layer}; its layers: {names}"),
    "error.no_residential_building": (
        "住户：区域内没有住宅建筑；请给出已知户数合计（--households-totals：村、乡镇或全县户数的 CSV/XLSX 表）"
        "或住户点（--households）",
        "households: no residential building lies inside the area; give known totals (--households-totals: a "
        "CSV/XLSX of village, township or county households) or household points (--households)"),
    "error.area_not_closed": ("{first}；未能在数据范围边缘闭合：{left}（请给出 --area 文件，或用 --extract-area "
                              "规划数据范围的矩形）",
                              "{first}; not closed at the extract's edge: {left} (give --area FILE, or "
                              "--extract-area to plan the extract's box)"),
    "error.area_cut": ("{first}；被数据范围边缘截断的关系：{cut}（可用 --close-at-extract 沿数据范围的矩形闭合、给出 "
                       "--area 文件，或用 --extract-area 规划数据范围的矩形）",
                       "{first}; relations cut by the extract's edge: {cut} (pass --close-at-extract to close them "
                       "against its box, give --area FILE, or --extract-area to plan the extract's box)"),
    "error.no_rows": ("{what}：{path} 中没有数据行", "{what}: {path} has no rows"),
    "error.no_coordinate_columns": ("{what}：{path} 是没有坐标列（{known}）的表；现有列：{columns}；请加上经度、纬度列，"
                                    "或给出 GeoPackage/Shapefile",
                                    "{what}: {path} is a table without coordinate columns ({known}); columns: "
                                    "{columns}; add longitude and latitude columns, or give a GeoPackage/Shapefile"),
    "error.coordinates_not_numbers": ("{what}：{path} 第 {row} 行：{columns} = {values} 缺失或不是数字（共 {count} 行）；"
                                      "请给每行经度和纬度，或删除该行",
                                      "{what}: {path} row {row}: {columns} = {values} is missing or not a number "
                                      "({count} such row(s)); give each row its longitude and latitude, or delete it"),
    "error.coordinates_not_degrees": ("{what}：{path} 第 {row} 行：{columns} = {values} 不是经纬度（共 {count} 行）；"
                                      "表中坐标须为经度和纬度（WGS 84，或加 --gcj02 的 GCJ-02）；请改正，或给出带坐标系的 "
                                      "GeoPackage/Shapefile",
                                      "{what}: {path} row {row}: {columns} = {values} are not degrees ({count} such "
                                      "row(s)); a table's coordinates must be longitudes and latitudes (WGS 84, or "
                                      "GCJ-02 with --gcj02); give them, or a GeoPackage/Shapefile with its CRS"),
    "error.none_of_columns": ("{what}：{path} 没有以下任何一列：{known}；现有列：{columns}",
                              "{what}: {path} has none of the columns {known}; columns: {columns}"),
    "error.totals_code_or_name": ("{what}：{path} 需要代码列（{codes}）或名称列（{names}）；现有列：{columns}",
                                  "{what}: {path} needs a code column ({codes}) or a name column ({names}); columns: "
                                  "{columns}"),
    "error.totals_no_count": ("{what}：{path} 没有户数列（{households}），也没有人口列（{persons}）；现有列：{columns}",
                              "{what}: {path} has no households column ({households}) and no persons column "
                              "({persons}); columns: {columns}"),
    "error.totals_persons": ("{what}：{path} 给出的是人口（{column}）；请给出户均人口（--totals-divisor，或用 "
                             "--census-county 取本县 2020 年普查数）",
                             "{what}: {path} gives persons ({column}); give persons per household (--totals-divisor, "
                             "or --census-county for the county's 2020 figure)"),
    "error.totals_not_a_number": ("{what}：{path} 第 {row} 行：{column} 的值 {value} 不是 ≥ 0 的数",
                                  "{what}: {path} row {row}: {column} {value} is not a number ≥ 0"),
    "error.totals_row_unnamed": ("{what}：{path} 第 {row} 行既无代码也无名称；请补上，或删除该行（例如合计行）",
                                 "{what}: {path} row {row} has neither code nor name; give it one, or delete the row "
                                 "(a row summing the others too)"),
    "error.totals_ambiguous": ("{what}：{path} 第 {row} 行：{name} 有歧义：同名单元分布在 {count} 个乡镇（{townships}）；"
                               "请加一列乡镇加以区分，或给出 12 位代码",
                               "{what}: {path} row {row}: {name} is ambiguous: units of that name lie in {count} "
                               "townships ({townships}); add a township column (乡镇) to tell them apart, or give the "
                               "12-digit codes"),
    "error.totals_none_match": ("{what}：表中 {rows} 行都不对应任何单元：{nearest}{more}；请改正表中的名称或代码"
                                "（或用 --code-table 为单元命名）",
                                "{what}: none of the {rows} rows matches a unit: {nearest}{more}; fix the names or "
                                "codes in the table (or name the units with --code-table)"),
    "phrase.and_more": ("，另有 {n} 行", " and {n} more"),
    "error.totals_clash": ("{what}：{path} 第 {a} 行（{la}）和第 {b} 行（{lb}）都覆盖单元 {unit}；每个单元只给一个合计"
                           "（村或其乡镇，不要两者都给）",
                           "{what}: {path} rows {a} ({la}) and {b} ({lb}) both cover unit {unit}; give each unit one "
                           "total (villages or their township, not both)"),
    "error.totals_repeated": ("{what}：{path}：{label} 出现在 {count} 行（{rows}）（共 {divisions} 个区划重复）；每个区划只保留一行",
                              "{what}: {path}: {label} appears in {count} rows ({rows}) ({divisions} division(s) "
                              "repeated in all); keep one row for each"),
    "error.households_outside": (
        "住户：{where}有 {count} 个点（{total} 户）位于区域之外，最近的一个{which}{place}距区域 {metres} 米；{fix}",
        "households: {count} point(s){where} ({total} households) lie outside the area, the nearest{which}{place} "
        "{metres} m from it; {fix}"),
    "phrase.of_file": ("{path} 中", " of {path}"),
    "phrase.row": ("（第 {row} 行）", " (row {row})"),
    "phrase.at_lon_lat": ("在经度 {lon}、纬度 {lat}，", " at lon {lon}, lat {lat}"),
    "phrase.fix_outline": ("区域边界（区域由单元构成时，即单元间的缝隙或孔洞）经过该处：请在单元图层中补上，给出 --area，或使用 "
                           "--drop-outside",
                           "the area's outline (a gap or hole in the units when they make the area) passes there: "
                           "close it in the units layer, give --area, or pass --drop-outside"),
    "phrase.fix_crs": ("请检查住户与区域的坐标系，补上缺少的单元或给出更大的 --area，或使用 --drop-outside",
                       "check the households' and the area's CRS, give the missing unit or a larger --area, or pass "
                       "--drop-outside"),
    "error.no_boundary_at_level": ("admin_level {level} 上没有边界；现有层级：{present}",
                                   "no boundary at admin_level {level}; levels present: {present}"),
    "error.no_boundary_named": ("没有名为 {name!r} 的边界；可选：{available}",
                                "no boundary named {name!r}; available: {available}"),
    "error.no_boundary_named_at": ("admin_level {level} 上没有名为 {name!r} 的边界；可选：{available}",
                                   "no boundary named {name!r} at admin_level {level}; available: {available}"),

    # -- refusals of rules files (config.py, _toml.py: --config, presets) ------------------------------
    "role.rules": ("规则文件", "rules"),
    # the file (_toml.py)
    "error.toml_utf16": ("{what}：{path} 是 UTF-16 文本（记事本按 'Unicode' 编码保存即是如此）；请另存为 UTF-8 编码",
                         "{what}: {path} is UTF-16 text (as Windows Notepad saves 'Unicode'); save it as UTF-8"),
    "error.toml_not_utf8": ("{what}：{path} 不是 UTF-8 文本（字节位置 {byte}）{hint}",
                            "{what}: {path} is not UTF-8 text at byte {byte}{hint}"),
    "phrase.toml_looks_gbk": ("，似为 GBK/GB18030 编码；请另存为 UTF-8 编码", " (it looks like GBK/GB18030: save it as UTF-8)"),
    "error.toml_invalid": ("{what}：{path} 不是有效的 TOML：{reason}", "{what}: {path} is not valid TOML: {reason}"),
    "phrase.toml_at_line": ("第 {line} 行第 {column} 列：{detail}", "{detail} (at line {line}, column {column})"),
    "phrase.toml_at_end": ("文件末尾：{detail}", "{detail} (at end of document)"),
    "phrase.toml_invalid_value": ("值无效（文字须加英文引号，如 `mode = \"walk\"`；数组须闭合，如 `band = [300, 500]`）",
                                  "Invalid value"),
    "phrase.toml_expected_equals": ("键后缺少“=”（每行应为 键 = 值）", "Expected '=' after a key in a key/value pair"),
    "phrase.toml_invalid_statement": ("无法识别的行（每行应为 键 = 值 或 [表名]；含中文或空格的键名须加英文引号）",
                                      "Invalid statement"),
    "phrase.toml_invalid_key": ("键名以无效字符开头（含中文或空格的键名须加英文引号）",
                                "Invalid initial character for a key part"),
    "phrase.toml_expected_newline": ("一行只能写一个 键 = 值（值后应换行）",
                                     "Expected newline or end of document after a statement"),
    "phrase.toml_unterminated_string": ("文字缺少结尾的引号", "Unterminated string"),
    "phrase.toml_unclosed_array": ("数组未闭合（缺少“]”，或各值之间缺少逗号）", "Unclosed array"),
    "phrase.toml_unclosed_inline_table": ("内联表未闭合（缺少右花括号，或各项之间缺少逗号）", "Unclosed inline table"),
    "phrase.toml_expected_table_end": ("表名后缺少“]”", "Expected ']' at the end of a table declaration"),
    "phrase.toml_cannot_overwrite": ("同一个键赋值了两次", "Cannot overwrite a value"),
    "phrase.toml_declared_twice": ("表 [{key}] 出现了两次", "Cannot declare {key} twice"),
    "error.toml_unknown_table": ("{what}：{path} 顶层有未知的表或键 {name!r}；{hint}可用的表：{known}",
                                 "{what}: {path} has an unknown table or key {name!r} at the top; {hint}known tables: "
                                 "{known}"),
    "phrase.toml_did_you_mean": ("是否应为 [{name}]？", "did you mean [{name}]? "),
    "error.toml_in_file": ("{what} {path}：{error}", "{what} {path}: {error}"),
    # a parameter of the wrong kind (_toml.py; {where} is the parameter, e.g. plan.urban.min_density)
    "error.toml_not_a_table": ("{where}：应为参数表，实际为 {value!r}", "{where}: expected a table of parameters, got {value!r}"),
    "error.rules_unknown_parameters": ("{where}：未知参数 {unknown}；可用参数：{known}",
                                       "{where}: unknown parameter(s) {unknown}; known: {known}"),
    "error.toml_expected_number": ("{where}：应为数字，实际为 {value!r}", "{where}: expected a number, got {value!r}"),
    "error.toml_expected_integer": ("{where}：应为整数，实际为 {value!r}", "{where}: expected a whole number, got {value!r}"),
    "error.toml_expected_bool": ("{where}：应为 `true` 或 `false`，实际为 {value!r}",
                                 "{where}: expected true or false, got {value!r}"),
    "error.toml_expected_text": ("{where}：应为加引号的文字，实际为 {value!r}",
                                 "{where}: expected a text in quotes, got {value!r}"),
    "error.toml_expected_table": ("{where}：应为表 {{键 = 值}}，实际为 {value!r}",
                                  "{where}: expected a table {{key = value}}, got {value!r}"),
    "error.toml_expected_values_named": ("{where}：应为 {count} 个值 [{fields}]，实际为 {value!r}",
                                         "{where}: expected {count} values [{fields}], got {value!r}"),
    "error.toml_expected_array": ("{where}：应为数组 [...]，实际为 {value!r}",
                                  "{where}: expected an array [...], got {value!r}"),
    "error.toml_expected_values": ("{where}：应为 {count} 个值，实际为 {value!r}",
                                   "{where}: expected {count} values, got {value!r}"),
    # a parameter out of its range (config.py)
    "error.rules_band_not_numbers": ("{where}：应为两个数 MIN MAX（户数），实际为 {got}",
                                     "{where}: expected two numbers MIN MAX (households), got {got}"),
    "error.rules_band_order": ("{where}：须满足 0 < MIN <= MAX（户数），实际为 {lo:g} {hi:g}",
                               "{where}: need 0 < MIN <= MAX households, got {lo:g} {hi:g}"),
    "error.rules_urban_mode": ("{where}：应为 'density'（按居住密度）、'all'（全部为城镇）或 'none'（全部为农村），"
                               "实际为 {value!r}",
                               "{where}: expected 'density', 'all' or 'none', got {value!r}"),
    "error.rules_not_negative_density": ("{where}：须 >= 0 户/km²，实际为 {value}",
                                         "{where}: must be >= 0 households/km², got {value}"),
    "error.rules_bad_pattern": ("{where}：不是有效的正则表达式：{reason}", "{where}: not a valid regular expression: {reason}"),
    "error.rules_rural_grids": ("{where}：应为 'village'（整村一格）或 'settlement'（自然村一格），实际为 {value!r}",
                                "{where}: expected 'village' or 'settlement', got {value!r}"),
    "error.rules_positive_metres": ("{where}：须 > 0 米，实际为 {value}", "{where}: must be > 0 metres, got {value}"),
    "error.rules_not_negative": ("{where}：须 >= 0，实际为 {value}", "{where}: must be >= 0, got {value}"),
    "error.rules_positive_in": ("{where}：须为 > 0 的数（{unit}），实际为 {value!r}",
                                "{where}: must be a number > 0 ({unit}), got {value!r}"),
    "phrase.rules_m2_per_dwelling": ("每户建筑面积 m²", "m² per dwelling"),
    "phrase.rules_storeys": ("层数", "storeys"),
    "error.rules_not_negative_m2": ("{where}：须 >= 0 m²，实际为 {value}", "{where}: must be >= 0 m², got {value}"),
    "error.rules_seed": ("{where}：应为非负整数，实际为 {value!r}", "{where}: expected a non-negative integer, got {value!r}"),
    "error.rules_cut_weights_missing": ("{where}：缺少界线类别 {classes} 的权重",
                                        "{where}: no weight for barrier class(es) {classes}"),
    "error.rules_unknown_worker_type": ("{where}：未知的网格员类型 {value!r}；已有类型：{known}；请在 [staffing.worker_types] "
                                        "中定义它（该表会替换默认类型），或改用已有类型之一",
                                        "{where}: unknown worker type {value!r}; known: {known}; define it in "
                                        "[staffing.worker_types] (which replaces the default types) or name one of "
                                        "those"),
    "error.rules_one_of": ("{where}：应为 {known} 之一，实际为 {value!r}", "{where}: expected one of {known}, got {value!r}"),
    "error.rules_workers_min": ("{where}：每个网格至少须有 1 名网格员，实际为 {value!r}",
                                "{where}: a grid needs at least 1 worker, got {value!r}"),
    "error.rules_positive": ("{where}：须为 > 0 的数，实际为 {value!r}", "{where}: must be a number > 0, got {value!r}"),
    "error.rules_max_workers": ("{where}：须为 0（不设上限）或 >= min_workers（{min_workers}），实际为 {value!r}",
                                "{where}: must be 0 (no cap) or >= min_workers ({min_workers}), got {value!r}"),
    "error.rules_weights_table": ("{where}：应为表 {{列名: 权重}}，实际为 {value!r}",
                                  "{where}: expected a table {{column: weight}}, got {value!r}"),
    "error.rules_number_not_negative": ("{where}：须为 >= 0 的数，实际为 {value!r}",
                                        "{where}: must be a number >= 0, got {value!r}"),
    "error.rules_rule_list": ("{where}：应为一条规则或非空的规则列表，实际为 {value!r}",
                              "{where}: expected one rule or a non-empty list of rules, got {value!r}"),
    "error.rules_rule_table": ("{where}：应为规则表，实际为 {value!r}", "{where}: expected a rule table, got {value!r}"),
    "error.rules_worker_types": ("{where}：应为非空的表 {{网格员类型: {{薪酬构成: 元/月}}}}",
                                 "{where}: expected a non-empty table {{type: {{component: yuan/month}}}}"),
    "error.rules_pay_table": ("{where}：应为表 {{薪酬构成: 元/月}}，实际为 {value!r}",
                              "{where}: expected a table {{pay component: yuan/month}}, got {value!r}"),
    "error.rules_pay": ("{where}：薪酬须为 >= 0 的数（元/月），实际为 {value!r}",
                        "{where}: pay must be a number >= 0 yuan/month, got {value!r}"),
    "error.rules_units_table": ("{where}：应为表 {{单元编号或名称: 规则}}，实际为 {value!r}",
                                "{where}: expected a table {{unit id or name: rules}}, got {value!r}"),
    "error.rules_months_per_year": ("{where}：应为 1 到 14 的整数，实际为 {value!r}",
                                    "{where}: expected an integer 1..14, got {value!r}"),
    "error.rules_speeds_table": ("{where}：应为表 {{出行方式: {{道路等级: km/h}}}}，实际为 {value!r}",
                                 "{where}: expected a table {{mode: {{highway: km/h}}}}, got {value!r}"),
    "error.rules_unknown_mode": ("{where}：未知的出行方式；可用：{known}", "{where}: unknown travel mode; known: {known}"),
    "error.rules_speed_table": ("{where}：应为非空的表 {{道路等级: km/h}}",
                                "{where}: expected a non-empty table {{highway class: km/h}}"),
    "error.rules_speed": ("{where}：速度须为 > 0 的数（km/h），实际为 {value!r}（要让该出行方式不走某类道路，删去该项即可）",
                          "{where}: speed must be a number > 0 km/h, got {value!r} (leave a class out to close it)"),
    "error.rules_not_negative_metres": ("{where}：须为 >= 0 的数（米），实际为 {value!r}",
                                        "{where}: must be a number >= 0 m, got {value!r}"),
    "error.rules_oneway_modes": ("{where}：未知的出行方式 {modes}；可用：{known}",
                                 "{where}: unknown mode(s) {modes}; known: {known}"),
    "error.rules_candidates": ("{where}：应为 >= 1 的整数，实际为 {value!r}", "{where}: expected an integer >= 1, got {value!r}"),

    # -- refusals of the planner's files (edits, batch manifests, adjust, update, dedicated) ------------
    # edits files (gridmap update --atoms, edits.py)
    "error.edits_no_such_file": ("编辑文件：文件不存在：{path}", "edits: no such file {path}"),
    "error.edits_cannot_read": ("编辑文件：无法读取 {path}：{reason}", "edits: cannot read {path}: {reason}"),
    "error.edits_no_atoms_layer": ("编辑文件：{path} 中没有地块图层", "edits: {path} has no layer of atoms"),
    "error.edits_missing_columns": ("编辑文件：{path} 缺少列 {missing}；编辑文件每个地块一行，含 atom_id 和 grid_id"
                                    "（可选 `locked`）",
                                    "edits: {path} lacks column(s) {missing}; an edits file has atom_id and grid_id "
                                    "(and optionally locked) per atom"),
    "error.edits_no_rows": ("编辑文件：{path} 中没有数据行", "edits: {path} has no rows"),
    "error.edits_atom_not_integer": ("编辑文件：{path} 第 {row} 行：atom_id {value!r} 不是整数",
                                     "edits: {path} row {row}: atom_id {value!r} is not an integer"),
    "error.edits_empty_grid": ("编辑文件：{path} 第 {row} 行（地块 {atom}）：grid_id 为空；请给每个地块填上所属网格的 ID"
                               "（新网格填一个新的文本）",
                               "edits: {path} row {row} (atom {atom}): empty grid_id; give every atom the id of its "
                               "grid (a new text for a new grid)"),
    "error.edits_atom_in_several_grids": ("编辑文件：{path}：地块 {atom} 被分给了多个网格（{grids}）；每个地块只保留一行",
                                          "edits: {path}: atom {atom} is given to several grids ({grids}); keep one "
                                          "row per atom"),
    "error.edits_bad_locked": ("编辑文件：{path}：`locked` 的值 {value!r} 不是 true/false 或 1/0",
                               "edits: {path}: locked value {value!r} is not true/false or 1/0"),
    "error.edits_change_log_not_list": ("编辑文件：{path}：change_log 须为记录的列表",
                                        "edits: {path}: change_log must be a list of records"),
    # batch manifests (gridmap batch: batch.py, cli/batch_cmd.py)
    "error.batch_bad_county_name": ("批处理：县名 {name!r} 不能用作文件夹名；请只用字母、数字、- 或 _",
                                    "batch: county name {name!r} cannot be a folder name; use letters, digits, - or _"),
    "error.batch_unknown_tables": ("清单 {path}：未知的表 {unknown}；清单只能有 [defaults] 和 [[run]]",
                                   "manifest {path}: unknown table(s) {unknown}; expected [defaults] and [[run]]"),
    "error.batch_defaults_not_table": ("清单 {path}：[defaults] 须为表", "manifest {path}: [defaults] must be a table"),
    "error.batch_no_county": ("清单 {path}：没有县；请为每个县加一个 [[run]] 表（含 `name`）",
                              "manifest {path}: no county; add one [[run]] table per county (with a name)"),
    "error.batch_name_in_defaults": ("清单 {path}：[defaults] 中不能有 `name`；每个 [[run]] 各有自己的名称",
                                     "manifest {path}: [defaults] cannot hold a name; each [[run]] has its own"),
    "error.batch_run_without_name": ("清单 {path}：第 {number} 个 [[run]] 没有名称（`name = \"...\"`，即其输出文件夹）",
                                     "manifest {path}: [[run]] number {number} has no name (name = \"...\", its output "
                                     "folder)"),
    "error.batch_name_repeated": ("清单 {path}：有两个 [[run]] 表都名为 {name!r}",
                                  "manifest {path}: two [[run]] tables are named {name!r}"),
    "error.batch_no_distributed": ("批处理：未安装 dask.distributed；请运行 `pip install 'gridmap[batch]'`",
                                   "batch: dask.distributed is not installed; pip install 'gridmap[batch]'"),
    "error.batch_names_repeated": ("批处理：县名须各不相同；重复的县名：{names}",
                                   "batch: county names must be unique; repeated: {names}"),
    "phrase.batch_county": ("清单 {path}：县 {name!r}", "manifest {path}: county {name!r}"),
    "error.batch_not_a_run_option": ("{where}：{key!r} 不是 `gridmap run` 的选项（见 gridmap run --help）",
                                     "{where}: {key!r} is not an option of `gridmap run` (see gridmap run --help)"),
    "error.batch_bad_option": ("{where}：选项有误：{message}", "{where}: {message}"),
    "error.batch_county_refused": ("{where}：选项有误：{error}", "{where}: {error}"),
    "error.batch_config_and_preset": ("{where}：`config` 和 `preset` 只能给出其一",
                                      "{where}: give config or preset, not both"),
    "error.batch_flag_value": ("{where}：{option} 只接受 `true` 或 `false`，给出的是 {value!r}",
                               "{where}: {option} takes true or false, got {value!r}"),
    "error.batch_option_values": ("{where}：{option} 需要 {n} 个值，如 {option} = [300, 500]",
                                  "{where}: {option} takes {n} values, e.g. {option} = [300, 500]"),
    "error.batch_option_one_value": ("{where}：{option} 只接受一个值，给出的是 {value!r}",
                                     "{where}: {option} takes one value, got {value!r}"),
    # locks and regrid (gridmap update: update.py, cli/update_cmd.py)
    "phrase.update_more_grids": ("（另有 {n} 个）", " (and {n} more)"),
    "error.update_lock_unknown": ("--lock：{grid!r} 不是计划中的网格{more}；请给出计划网格图层中网格的 ID（编码）",
                                  "--lock: {grid!r} is not a grid of the plan{more}; give grid ids (codes) of its "
                                  "grids layer"),
    "error.update_lock_file_missing": ("--lock-file：文件不存在：{path}", "--lock-file: no such file {path}"),
    "error.update_lock_file_unreadable": ("--lock-file：无法读取 {path}：{reason}",
                                          "--lock-file: cannot read {path}: {reason}"),
    "error.update_lock_file_no_column": ("--lock-file：{path} 没有 grid_id 列（或 code 列）",
                                         "--lock-file: {path} has no grid_id (or code) column"),
    "error.update_ids_for_atoms": ("重建网格：给出了 {ids} 个网格 ID，但有 {atoms} 个地块（每个地块须有一个）",
                                   "regrid: {ids} grid ids for {atoms} atoms"),
    "error.update_codes_taken": ("重建网格：分给新网格的编码 {codes} 已是计划中网格的编码",
                                 "regrid: code(s) {codes} given to new grids are codes of the plan's grids"),
    "phrase.update_the_edits": ("编辑内容", "the edits"),
    "error.update_atom_unknown": ("编辑文件：{source}：地块 {atom} 不是此计划的地块（共 {count} 行）；请从此计划导出地块",
                                  "edits: {source}: atom {atom} is not an atom of the plan ({count} such rows); export "
                                  "the atoms from this plan"),
    "error.update_lock_unknown_after": ("--lock：{grid!r} 不是更新后计划中的网格",
                                        "--lock: {grid!r} is not a grid of the updated plan"),
    "error.update_plan_no_atoms": ("计划：{path} 没有地块图层 `atoms`；`gridmap update` 需要由 gridmap 写出的计划",
                                   "plan: {path} has no atoms layer; update needs a plan written by gridmap"),
    # new household data (gridmap adjust: adjust.py, cli/adjust_cmd.py)
    "error.adjust_no_atoms": ("调整：计划没有地块图层 `atoms`；`gridmap adjust` 需要由 gridmap 写出的计划",
                              "adjust: the plan has no atoms layer; adjust needs a plan written by gridmap"),
    "error.adjust_lock_unknown": ("--lock：{grid!r} 不是计划中的网格", "--lock: {grid!r} is not a grid of the plan"),
    "error.adjust_households_and_buildings": ("调整：--households 和 --buildings 只能给出其一",
                                              "adjust: give --households or --buildings, not both"),
    "error.adjust_households_polygons": ("住户：{path} 中是面要素；调整只接受住户点（或改用 --buildings），计划的地块保持不变",
                                         "households: {path} holds polygons; adjust takes household points (or "
                                         "--buildings), the plan's atoms stay as they are"),
    "error.adjust_no_household_inside": ("住户：计划区域内没有住户", "households: no household lies inside the plan's area"),
    "error.adjust_plan_no_atoms": ("计划：{path} 没有地块图层 `atoms`；`gridmap adjust` 需要由 gridmap 写出的计划",
                                   "plan: {path} has no atoms layer; adjust needs a plan written by gridmap"),
    # dedicated grids (gridmap dedicated, [dedicated] of a rules file: dedicated.py)
    "role.dedicated areas": ("专属区域", "dedicated areas"),
    "error.dedicated_kinds": ("dedicated.kinds：应为种类名称的列表，给出的是 {kinds!r}",
                              "dedicated.kinds: expected a list of kind names, got {kinds!r}"),
    "error.dedicated_min_area": ("dedicated.min_area_m2{where}：须为 ≥ 0 的数（m²），给出的是 {value!r}",
                                 "dedicated.min_area_m2{where}: must be a number >= 0 m², got {value!r}"),
    "error.dedicated_households": ("dedicated.{name}：须为 ≥ 0 的户数，给出的是 {value!r}",
                                   "dedicated.{name}: must be a number >= 0 households, got {value!r}"),
    "error.dedicated_min_above_max": ("dedicated.min_households：{lo:g} 大于 max_households {hi:g}",
                                      "dedicated.min_households: {lo:g} is above max_households {hi:g}"),
    "error.dedicated_area_without_kind": ("专属区域：{path} 第 {row} 个要素的 {column} 为空；请给每个区域填上种类（如 {kinds}）",
                                          "dedicated areas: {path} feature {row} has no {column}; give each area its "
                                          "kind (e.g. {kinds})"),
    "error.dedicated_no_atoms": ("专属网格：计划没有地块图层 `atoms`（需要由 gridmap 写出的计划）",
                                 "dedicated grids: the plan has no atoms layer (a plan written by gridmap is needed)"),
    "error.dedicated_not_a_table": ("规则文件 {path}：[dedicated] 须为表", "dedicated: expected a table [dedicated] in {path}"),

    # -- refusals of the command line's own options -----------------------------------------------------
    "error.preset_unknown": ("预设：没有名为 {name!r} 的预设；内置预设：{names}",
                             "preset: no preset named {name!r}; presets: {names}"),
    "error.datum_projected": ("{what}：{datum} 坐标是经纬度，但该图层的坐标系是 {crs}（投影坐标系）；请给出经纬度图层，"
                              "或对它去掉 {option}",
                              "{what}: {datum} coordinates are longitudes and latitudes, but the layer's CRS is {crs} "
                              "(projected); give the layer in degrees or drop {option} for it"),
    "error.datum_twice": ("{role} 同时被声明为 GCJ-02（--gcj02）和 BD-09（--bd09）；一个文件只有一种坐标，请只保留其一",
                          "{role} is declared both GCJ-02 (--gcj02) and BD-09 (--bd09); a file has one datum: keep one"),
    "error.datum_unknown_role": ("{option}：未知的输入 {unknown}；可选：{known}、`all`",
                                 "{option}: unknown input(s) {unknown}; known: {known}, all"),
    "error.datum_all_with_osm": ("`{option} all`：OSM 数据是 WGS 84 坐标；与 --osm 同用时，请只列出是 {datum} 坐标的文件"
                                 "（如 `{option} households {option} roads`）",
                                 "{option} all: an OSM extract is in WGS 84; with --osm name the files that are {datum} "
                                 "(e.g. {option} households {option} roads)"),
    "error.datum_role_not_given": ("{option} {role}：没有给出{role_word}文件，而 OSM 数据是 WGS 84 坐标；"
                                   "请只列出是 {datum} 坐标的文件",
                                   "{option} {role}: no {role_word} file is given, and an OSM extract is in WGS 84; "
                                   "name only the files that are {datum}"),
    "error.option_needs": ("给出了 {option}，但没有给出它所作用的 {needs}；请给出 {needs}，或去掉 {option}",
                           "{option} is given without {needs}, which it applies to; give {needs} or leave {option} out"),

    # -- refusals of the inputs' readers and the plan's assembly (inputs/, households, codes, census, crs, ...) -
    # OSM extracts and their boundaries (inputs/osm.py, inputs/osm_areas.py, inputs/extract.py)
    "error.in_osm_cannot_read": ("无法读取 OSM 数据文件 {path}：{reason}", "cannot read OSM file {path}: {reason}"),
    "error.in_osm_not_a_file": ("无法读取 OSM 数据文件 {path}：这不是文件", "cannot read OSM file {path}: not a file"),
    "error.in_osm_unsupported": ("不支持的 OSM 数据文件 {path}：文件名应以 {suffixes} 结尾",
                                 "unsupported OSM file {path}: expected a name ending in {suffixes}"),
    "error.in_osm_no_boundaries": ("没有可用来选定区域的行政边界", "no administrative boundaries to choose the area from"),
    "error.in_osm_boundaries_choose": ("有 {count} 个边界，请按名称选择其一：{names}",
                                       "{count} boundaries, choose one by name: {names}"),
    "error.in_osm_boundaries_choose_at": ("admin_level {level} 上有 {count} 个边界，请按名称选择其一：{names}",
                                          "{count} boundaries at admin_level {level}, choose one by name: {names}"),
    "error.in_osm_boundaries_named": ("有 {count} 个名为 {name!r} 的边界，请同时给出层级：{names}",
                                      "{count} boundaries named {name!r}, give the level too: {names}"),
    "error.in_osm_boundaries_named_at": ("admin_level {level} 上有 {count} 个名为 {name!r} 的边界，请同时给出层级：{names}",
                                         "{count} boundaries named {name!r} at admin_level {level}, give the level "
                                         "too: {names}"),
    "phrase.in_names_and_more": ("{names} 等（另有 {n} 个）", "{names} and {n} more"),
    "phrase.in_none": ("无", "none"),
    "error.in_osm_no_units_inside": ("区域内没有 admin_level {level} 的边界（该层级在区域外有 {count} 个；现有层级：{present}）",
                                     "no boundary at admin_level {level} lies inside the area ({count} at that level "
                                     "elsewhere; levels present: {present})"),
    "error.in_osm_download_suffix": ("download_osm 写出的是 OSM XML：{path} 须以 .osm 结尾",
                                     "download_osm writes OSM XML: {path} must end in .osm"),
    "error.in_osm_cannot_geocode": ("无法对 {place!r} 进行地理编码：{reason}（是否离线？请改为给出 OSM 数据文件）",
                                    "cannot geocode {place!r}: {reason} (offline? pass an OSM extract file instead)"),
    "error.in_osm_cannot_download": ("无法下载 {place!r} 的 OSM 数据：{reason}（是否离线？请改为给出 OSM 数据文件）",
                                     "cannot download OSM data for {place!r}: {reason} (offline? pass an OSM extract "
                                     "file instead)"),
    "error.in_osm_bbox": ("`bbox` 须为以度为单位的 `(west, south, east, north)`（西、南、东、北），实际为 {bbox!r}",
                          "bbox must be (west, south, east, north) in degrees, got {bbox!r}"),
    "error.in_osm_bbox_order": ("`bbox` 须为以度为单位的 `(west, south, east, north)`（西、南、东、北），且西 < 东、南 < 北，"
                                "实际为 {bbox!r}",
                                "bbox must be (west, south, east, north) in degrees with west < east and south < "
                                "north, got {bbox!r}"),
    "error.in_osm_area_not_polygon": ("区域须为非空的 `Polygon` 或 `MultiPolygon`，实际为 {kind}",
                                      "the area must be a non-empty Polygon or MultiPolygon, got {kind}"),
    "error.in_extract_no_box": ("--close-at-extract：{name} 的文件头中没有外包矩形；请改为以文件给出区域或单元",
                                "--close-at-extract: {name} has no bounding box in its header; give the area or units "
                                "as files instead"),
    # layers and their counts (inputs/files.py, households.py; {file} is phrase.in_of_path or empty)
    "phrase.in_of_path": ("：{path} ", ": {path}"),
    "error.in_counts_no_column": ("{what}{file}没有列 {column!r}；现有列：{columns}",
                                  "{what}{file} has no column {column!r}; columns: {columns}"),
    "error.in_count_not_a_number": ("{what}{file}第 {row} 行：{column} = {value!r} 不是数字或为空（共 {count} 行）；"
                                    "请给出数目或删除该行",
                                    "{what}{file} row {row}: {column} = {value!r} is non-numeric or empty ({count} "
                                    "such row(s)); give a count or delete the row"),
    "error.in_count_infinite": ("{what}{file}第 {row} 行：{column} = {value!r} 为无穷大（共 {count} 行）；请给出数目",
                                "{what}{file} row {row}: {column} = {value!r} is infinite ({count} such row(s)); give "
                                "a count"),
    "error.in_count_negative": ("{what}{file}第 {row} 行：{column} = {value!r} 为负数（共 {count} 行）；请给出 ≥ 0 的数目",
                                "{what}{file} row {row}: {column} = {value!r} is negative ({count} such row(s)); give "
                                "a count >= 0"),
    "error.in_count_too_large": ("{what}{file}第 {row} 行：{column} = {value!r} 超过 {most:,.0f}，单个要素的户数或人数不可能"
                                 "这么多（共 {count} 行）；请检查该列及其单位",
                                 "{what}{file} row {row}: {column} = {value!r} is more than {most:,.0f} in one "
                                 "feature, which no household or person count can be ({count} such row(s)); check "
                                 "the column and its unit"),
    "error.in_polygons_need_column": ("住户：面图层需要 --households-column（每个面的户数）",
                                      "households: a polygon layer needs --households-column (households per polygon)"),
    "error.in_census_same_polygon": ("{what}：{path} 第 {a} 行 {describe_a}和第 {b} 行 {describe_b}是同一个面"
                                     "（{m2:,.0f} m²；共 {pairs:,} 对重叠）；普查面既是住户也是地块，不得重叠：请删除重复的面"
                                     "或较大的面（如与其下街区并存的普查区），或改为给出住户点",
                                     "{what}: {path} rows {a} {describe_a}and {b} {describe_b}are the same polygon "
                                     "({m2:,.0f} m²; {pairs:,} overlapping pair(s) in all); census polygons are "
                                     "households and atoms and must not overlap: remove the duplicates or the larger "
                                     "polygons (a tract among its blocks), or give household points"),
    "error.in_census_overlap": ("{what}：{path} 第 {a} 行 {describe_a}和第 {b} 行 {describe_b}相互重叠"
                                "（{m2:,.0f} m²；共 {pairs:,} 对重叠）；普查面既是住户也是地块，不得重叠：请删除重复的面"
                                "或较大的面（如与其下街区并存的普查区），或改为给出住户点",
                                "{what}: {path} rows {a} {describe_a}and {b} {describe_b}overlap ({m2:,.0f} m²; "
                                "{pairs:,} overlapping pair(s) in all); census polygons are households and atoms and "
                                "must not overlap: remove the duplicates or the larger polygons (a tract among its "
                                "blocks), or give household points"),
    "phrase.in_kind_point": ("点", "point"),
    "phrase.in_kind_line": ("线", "line"),
    "phrase.in_kind_polygon": ("面", "polygon"),
    "error.in_wrong_geometries": ("{what}：应为{kind}要素，实际为 {found}", "{what}: expected {kind} geometries, found {found}"),
    "error.in_wrong_geometry_row": ("{what}：第 {row} 行 {describe}是 {type}，不是{kind}（共 {count} 行）；请修正或删除这些行",
                                    "{what}: row {row} {describe}is a {type}, not a {kind} ({count} such row(s)); fix "
                                    "or delete them"),
    "error.in_polygons_unrepairable": ("{what}：所有面都无效，且都无法修复",
                                       "{what}: every polygon is invalid and none could be repaired"),
    "error.in_households_not_points": ("住户：应为点要素；普查面请用 `from_polygons`",
                                       "households: expected points; use from_polygons for census areas"),
    "error.in_buildings_not_metric": ("建筑物：需要以米为单位的投影坐标系才能量算占地面积（请先投影）",
                                      "buildings: need a metric CRS to measure footprints (project first)"),
    "error.in_buildings_empty": ("建筑物：图层为空，无法估算户数", "buildings: the layer is empty; no households can be estimated"),
    "error.in_totals_empty": ("户数合计：图层为空", "household totals: the layer is empty"),
    "error.in_totals_not_polygons": ("户数合计：应为面要素（村、社区或普查区）",
                                     "household totals: expected polygons (villages, communities or census areas)"),
    # text encodings (inputs/encoding.py)
    "error.in_unknown_encoding": ("{what}：未知的编码 {encoding!r}；请使用 {known} 之一",
                                  "{what}: unknown encoding {encoding!r}; use one of {known}"),
    "error.in_dbf_encoding": ("{path}：属性表（.dbf）既不是 UTF-8 也不是 GB18030/GBK 编码；请用 --encoding 给出其编码",
                              "{path}: the attribute table (.dbf) is neither UTF-8 nor GB18030/GBK; give its encoding "
                              "with --encoding"),
    "error.in_not_valid_encoding": ("{what}：不是有效的 {name} 文本（字节位置 {byte}）；请给出正确的 --encoding",
                                    "{what}: not valid {name} at byte {byte}; give the right --encoding"),
    "error.in_unknown_text_encoding": ("{what}：既不是 UTF-8 也不是 GB18030/GBK 文本；请另存为 UTF-8 编码，或给出 --encoding",
                                       "{what}: neither UTF-8 nor GB18030/GBK text; save it as UTF-8 or give "
                                       "--encoding"),
    # assembling the inputs (inputs/assemble.py, runner.py)
    "error.in_area_no_box": ("区域：{name} 的文件头中没有外包矩形；请给出 --area 文件",
                             "area: {name} has no bounding box in its header; give --area FILE"),
    "error.in_no_place_points": ("--units-from-places：OSM 数据中没有地名点（`place`）",
                                 "--units-from-places: the extract has no place points"),
    "error.in_no_place_kinds": ("--units-from-places：没有 place={kinds} 的地名点；现有种类：{present}",
                                "--units-from-places: no place={kinds} points; kinds present: {present}"),
    "error.in_no_area": ("区域：请给出区域面文件，或给出合并后即为区域的单元",
                         "area: give an area polygon file, or units whose union is the area"),
    "error.in_no_households": ("住户：请给出住户点、带户数的普查面、建筑物或户数合计",
                               "households: give household points, census polygons with counts, buildings, or totals"),
    "error.in_places_need_osm": ("--units-from-places 需要 --osm（地名点取自 OSM 数据）",
                                 "--units-from-places needs --osm (the place nodes come from the extract)"),
    "error.in_extract_options_need_osm": ("--close-at-extract 和 --extract-area 需要 --osm",
                                          "--close-at-extract and --extract-area need --osm"),
    "error.in_no_inputs": ("请给出 --osm 文件，或 --area 文件和/或 --units 文件",
                           "give --osm FILE, or --area FILE and/or --units FILE"),
    "error.in_county_code_needs_table": ("--county-code 需要 --code-table", "--county-code needs --code-table"),
    "error.in_config_and_preset": ("--config 和 --preset 只能给出其一", "give --config or --preset, not both"),
    # statistical codes and the census (inputs/assemble.py, codes.py, census.py)
    "error.in_codes_no_units": ("区划代码表：没有可命名的单元（请给出 --units）",
                                "code table: there are no units to name (give --units)"),
    "error.in_codes_no_county": ("区划代码表：{folder} 中没有县 {county!r}", "code table: no county {county!r} in {folder}"),
    "error.in_codes_no_such_file": ("区划代码表：文件不存在：{path}", "code table: no such file {path}"),
    "error.in_codes_missing_columns": ("区划代码表：{path} 缺少列 {missing}", "code table: {path} lacks column(s) {missing}"),
    "error.in_codes_bad_digits": ("区划代码表：{path} 中有不是 {digits} 位的代码：{codes}",
                                  "code table: {path} has codes that are not {digits} digits: {codes}"),
    "error.in_codes_duplicate": ("区划代码表：代码重复：{codes}", "code table: duplicate codes {codes}"),
    "error.in_census_not_a_code": ("普查：{code!r} 不是县级代码；请给出 6 位代码（如 410928）",
                                   "census: {code!r} is no county code; give the 6-digit code (e.g. 410928)"),
    "error.in_census_no_county": ("普查：2020 年普查表中没有县 {code}；该市的代码：{near}",
                                  "census: no county {code} in the 2020 census table; codes of that city: {near}"),
    "error.in_census_incomplete": ("普查：县 {code} {name} 没有完整的 2020 年普查数据",
                                   "census: county {code} {name} has no complete 2020 census figures"),
    # units from points, the CRS (units_points.py, crs.py)
    "error.in_points_not_metric": ("由点生成单元：点和乡镇须在同一个以米为单位的投影坐标系中（请先投影）",
                                   "units from points: need the points and townships in one metric CRS (project "
                                   "first)"),
    "error.in_points_no_column": ("由点生成单元：没有列 {column!r}；现有列：{columns}",
                                  "units from points: no column {column!r}; columns: {columns}"),
    "error.in_points_ids_repeated": ("由点生成单元：编号不唯一：{ids}", "units from points: ids are not unique: {ids}"),
    "error.in_crs_unknown": ("坐标系：无法识别 {crs!r}：{reason}", "crs: cannot understand {crs!r}: {reason}"),
    "error.in_crs_not_metric": ("坐标系：{name} 不是以米为单位的投影坐标系", "crs: {name} is not a projected CRS in metres"),
    # the plan's assembly (pipeline.py)
    "error.in_area_empty": ("区域：区域面为空", "area: the area polygon is empty"),
    "error.in_units_overlap": ("单元：{where}单元 {a}（{a_name}）与 {b}（{b_name}）在经度 {lon:.5f}、纬度 {lat:.5f} 附近重叠 "
                               "{m2:,.0f} m²（共 {count:,} 处重叠宽于边界数字化的误差）；单元须铺满区域且互不重叠："
                               "请使相邻单元的共用边界吻合，或删除重复绘制的单元",
                               "units: units {a} ({a_name}) and {b} ({b_name}){where} overlap by {m2:,.0f} m² around "
                               "lon {lon:.5f}, lat {lat:.5f} ({count:,} such overlap(s) wider than a border's "
                               "digitising); units must tile the area: snap their shared borders, or delete a unit "
                               "drawn twice"),
    "error.in_units_outside": ("单元：没有单元与区域重叠（请检查两个图层的坐标系）",
                               "units: no unit overlaps the area (check both layers' CRS)"),
    "error.in_units_leave_gaps": ("单元：区域中有 {km2:,.3f} km²（{share:.1%}）未被单元覆盖，最大的一块 {largest:,.3f} km²，"
                                  "位于经度 {lon:.5f}、纬度 {lat:.5f} 附近；请补上缺少的单元，或去掉 --area（区域即为单元的合并）",
                                  "units: they leave {km2:,.3f} km² ({share:.1%}) of the area uncovered, the largest "
                                  "piece {largest:,.3f} km² around lon {lon:.5f}, lat {lat:.5f}; give the missing "
                                  "unit(s), or leave out --area (the area is then the units' union)"),
    "error.in_totals_with_census": ("户数合计：作为住户给出的普查面本身已是合计；户数合计请与住户点或建筑物一起给出",
                                    "household totals: the census polygons given as households are totals already; "
                                    "give totals with household points or buildings"),
    "phrase.in_the_inputs": ("输入数据", "the inputs"),
    "error.in_no_household_inside": ("住户：{source} 在区域内没有住户（读入 {read:,.6g} 户，其中 {outside:,.6g} 户在区域外）；"
                                     "请检查 --households-column 和 --households-divisor、区域以及两个图层的坐标系",
                                     "households: {source} holds no household inside the area ({read:,.6g} read, "
                                     "{outside:,.6g} of them outside the area); check --households-column and "
                                     "--households-divisor, the area and both layers' CRS"),
    "error.in_unit_too_many_grids": ("户数范围：单元 {unit}（{name}）有 {households:,.0f} 户，按每格至多 {hi:g} 户至少需要 "
                                     "{need:,} 个网格，但每个单元的网格编码至多 {most} 个（单元代码后的序号 001-{most}；"
                                     "其余序号留给专属网格）；请提高户数范围的上限 MAX，或拆分该单元",
                                     "band: unit {unit} ({name}) holds {households:,.0f} households, which at most "
                                     "{hi:g} per grid makes at least {need:,} grids, but grid codes number at most "
                                     "{most} grids per unit (serials 001-{most} after the unit's code; the rest are "
                                     "for dedicated grids); raise the band's MAX or split the unit"),
    "error.in_lines_miss_area": ("{what}：{paths} 中的 {count:,} 条线没有一条与区域相接；{hint}",
                                 "{what}: not one of the {count:,} lines of {paths} touches the area; {hint}"),
    "phrase.in_lines_swapped": ("其 `x`、`y` 似乎颠倒了（纬度在前）：请改为经度在前",
                                "their x and y look swapped (latitude first): write them longitude first"),
    "phrase.in_check_layers_crs": ("请检查图层的坐标系", "check the layers' CRS"),
    # the output folder (_outdir.py)
    "error.in_out_is_file": ("--out {path}：这是一个文件，不是文件夹；请给出文件夹",
                             "--out {path}: is a file, not a directory; give a directory"),
    "error.in_out_busy": ("--out {path}：另一个 gridmap 命令（{holder}）正在写入此文件夹；请等它完成，或另选 --out",
                          "--out {path}: another gridmap command ({holder}) is writing into this directory; wait for "
                          "it to finish or choose another --out"),
    "phrase.in_unknown": ("未知", "unknown"),

    # -- refusals of the plan's steps and outputs (validate, maps, partition, editor, report, plan, bases, ...) -
    "role.workers": ("网格员", "workers"),
    # the plan file (plan.py)
    "error.out_plan_missing_layer": ("计划：没有图层 {name!r}（计划中的图层：{held}）；请给出由 `gridmap partition` 或 "
                                     "`gridmap run` 写出的计划",
                                     "plan: no layer {name!r} (it holds {held}); give a plan written by gridmap "
                                     "partition or gridmap run"),
    "phrase.out_none": ("无", "none"),
    "error.out_plan_no_grids_layer": ("计划：{path} 中没有 'grids' 图层；它是 gridmap 写出的计划吗？",
                                      "plan: {path} has no 'grids' layer; is it a gridmap plan?"),
    "error.out_plan_invalid_rules": ("计划：{path} 中的规则无效：{error}", "plan: {path} holds invalid rules: {error}"),
    # gridmap validate (validate.py)
    "error.out_validate_tolerance": ("validate.tolerance_m2：须 >= 0 m²，实际为 {value!r}",
                                     "validate.tolerance_m2: must be >= 0 m², got {value!r}"),
    "error.out_validate_unknown_fault": ("validate.levels：未知的问题类别 {name!r}；可用：{known}",
                                         "validate.levels: unknown fault class {name!r}; known: {known}"),
    "error.out_validate_bad_level": ("validate.levels.{name}：应为 'error'（错误）、'warning'（警告）或 'off'（不检查），"
                                     "实际为 {value!r}",
                                     "validate.levels.{name}: expected 'error', 'warning' or 'off', got {value!r}"),
    "error.out_not_polygon_frame": ("{what}：应为面要素的 `GeoDataFrame`", "{what}: expected a GeoDataFrame of polygons"),
    "error.out_not_a_frame": ("{what}：应为 `GeoDataFrame`", "{what}: expected a GeoDataFrame"),
    "error.out_layer_no_features": ("{what}：图层中没有要素", "{what}: the layer has no features"),
    "error.out_every_geometry_empty": ("{what}：所有几何都为空", "{what}: every geometry is empty"),
    "error.out_expected_polygons": ("{what}：应为面要素，实际为 {found}", "{what}: expected polygons, found {found}"),
    "error.out_file_no_features": ("{what}：{path} 中没有要素（空图层）", "{what}: {path} has no features (empty layer)"),
    "error.out_no_households_column": ("{what}：没有户数列 {column}", "{what}: no households column {column}"),
    # gridmap map (maps.py) and gridmap edit (editor.py)
    "error.out_lang": ("`lang`：应为 {known} 之一，实际为 {value!r}", "lang: expected one of {known}, got {value!r}"),
    "error.out_simplify": ("simplify_m：应为 >= 0 的米数，实际为 {value!r}", "simplify_m: expected metres >= 0, got {value!r}"),
    "error.out_map_no_grids": ("地图：计划中没有可绘制的网格", "map: the plan has no grids to draw"),
    "error.out_map_layer_no_crs": ("地图：图层 {name!r} 没有坐标系", "map: layer {name!r} has no CRS"),
    "error.out_basemap_unknown": ("底图：应为 {known} 之一或 URL 模板，实际为 {value!r}",
                                  "basemap: expected one of {known} or a URL template, got {value!r}"),
    "error.out_basemap_bad_template": ("底图：应为 {known} 之一，或含 {{z}}、{{x}}、{{y}} 的瓦片 URL 模板，实际为 {value!r}",
                                       "basemap: expected one of {known} or a tile URL template with {{z}}, {{x}} "
                                       "and {{y}}, got {value!r}"),
    "error.out_tianditu_no_key": ("底图 `tianditu`（天地图）需要密钥：请用 --tianditu-key KEY 或环境变量 TIANDITU_KEY 给出",
                                  "basemap tianditu needs a key: --tianditu-key KEY or the TIANDITU_KEY environment "
                                  "variable"),
    "error.out_tianditu_bad_key": ("天地图密钥：只能包含字母和数字", "tianditu key: expected letters and digits only"),
    "error.out_editor_missing_columns": ("编辑器：计划的{what}图层缺少列 {missing}；请用 `gridmap partition` 制作计划",
                                         "edit: the plan's {what} layer lacks column(s) {missing}; make the plan with "
                                         "gridmap partition"),
    "error.out_editor_atoms_no_crs": ("编辑器：计划的地块图层 `atoms` 没有坐标系", "edit: the plan's atoms layer has no CRS"),
    "error.out_editor_stray_atom": ("编辑器：地块 {atom} 属于网格 {grid!r}，但网格图层中没有该网格；请重新运行 "
                                    "`gridmap update` 或 `gridmap partition`",
                                    "edit: atom {atom} is in grid {grid!r}, which the grids layer does not have; "
                                    "re-run gridmap update or partition"),
    "error.out_editor_no_layer": ("编辑器：计划中没有图层 {name!r}；编辑器在网格之间移动地块（请用 `gridmap partition` 或 "
                                  "`gridmap run` 制作计划）",
                                  "edit: the plan has no {name!r} layer; the editor moves atoms between grids (make "
                                  "the plan with gridmap partition or run)"),
    # gridmap report (report.py, _chromium.py)
    "error.out_report_not_text": ("report.{name}：应为文字，实际为 {value!r}", "report.{name}: expected text, got {value!r}"),
    "error.out_report_date": ("report.date：应为 YYYY-MM-DD 格式的日期，实际为 {value!r}",
                              "report.date: expected YYYY-MM-DD, got {value!r}"),
    "error.out_report_not_table": ("报告：[report] 应为表，实际为 {value!r}", "report: expected a table [report], got {value!r}"),
    "error.out_report_lang": ("`lang`：应为 'zh' 或 'en'，实际为 {value!r}", "lang: expected 'zh' or 'en', got {value!r}"),
    "error.out_report_no_grids": ("报告：计划中没有网格", "report: the plan has no grids"),
    "error.out_chromium_missing": ("PDF 报告（--pdf）：未找到 Chromium；请安装 `chromium-headless-shell` 或 `chromium`"
                                   "（Debian：`apt install chromium-headless-shell`），或将环境变量 GRIDMAP_CHROMIUM "
                                   "设为浏览器的路径",
                                   "report --pdf: no Chromium found; install chromium-headless-shell or chromium "
                                   "(Debian: apt install chromium-headless-shell) or set GRIDMAP_CHROMIUM to the "
                                   "browser's path"),
    "error.out_chromium_not_executable": ("PDF 报告（--pdf）：Chromium {found!r} 不是可执行文件；请安装 `chromium`"
                                          "（Debian：`apt install chromium`），或将环境变量 GRIDMAP_CHROMIUM 设为浏览器的路径",
                                          "report --pdf: Chromium {found!r} is not an executable file; install "
                                          "chromium (Debian: apt install chromium) or set GRIDMAP_CHROMIUM to the "
                                          "browser's path"),
    "error.out_chromium_failed": ("PDF 报告（--pdf）：Chromium（{browser}）运行失败：{reason}",
                                  "report --pdf: Chromium ({browser}) failed: {reason}"),
    "error.out_chromium_timeout": ("PDF 报告（--pdf）：Chromium（{browser}）运行失败：{seconds:g} 秒后仍未生成 PDF",
                                   "report --pdf: Chromium ({browser}) failed: no PDF after {seconds:g} s"),
    "error.out_chromium_no_pdf": ("PDF 报告（--pdf）：Chromium（{browser}）没有生成 PDF{exit}{said}",
                                  "report --pdf: Chromium ({browser}) wrote no PDF{exit}{said}"),
    "phrase.out_chromium_exit": ("（退出码 {code}）", " (exit {code})"),
    "phrase.out_chromium_said": ("：{said}", ": {said}"),
    # gridmap staff and reach (bases.py, staffing.py, roads.py, reach.py, cli/reach_cmd.py)
    "error.out_bases_empty": ("驻点：驻点图层中没有要素", "bases: the bases layer is empty"),
    "error.out_bases_no_crs": ("驻点：图层没有坐标系；gridmap 不会猜测坐标系", "bases: the layer has no CRS; gridmap does not guess one"),
    "error.out_bases_unknown_grids": ("驻点：{count} 个 {column} 值不对应任何网格，例如 {examples}",
                                      "bases: {count} {column} value(s) match no grid, e.g. {examples}"),
    "error.out_bases_several": ("驻点：{count} 个网格有不止一个驻点，例如 {examples}；每个网格只保留一个（或给出 grid_id 列）",
                                "bases: {count} grid(s) have more than one base, e.g. {examples}; keep one per grid "
                                "(or give a grid_id column)"),
    "error.out_objective": ("`objective`：应为 'min_time'（户均到达时间最短）或 'max_reached'（响应时间内覆盖户数最多），"
                            "实际为 {value!r}",
                            "objective: expected 'min_time' or 'max_reached', got {value!r}"),
    "error.out_budget_no_workers": ("经费：计划中没有网格员图层；请先运行 `gridmap staff`",
                                    "budget: the plan has no workers layer; run `gridmap staff` first"),
    "error.out_roster_no_workers": ("名册：计划中没有网格员图层；请先运行 `gridmap staff`",
                                    "roster: the plan has no workers layer; run `gridmap staff` first"),
    "error.out_roads_none": ("道路：计划中没有可通行的道路（出行方式 {mode}）；请给出道路线图层（--roads）",
                             "roads: the plan has no roads to travel on ({mode}); give a road line layer (--roads)"),
    "error.out_roads_not_metric": ("道路：应为米制（投影）坐标系；请先对图层做投影",
                                   "roads: expected a metric (projected) CRS; project the layer first"),
    "error.out_roads_no_highway": ("道路：没有 'highway' 列（道路等级）；请加上该列（例如全部填 'residential'）",
                                   "roads: no 'highway' column (road class); add one (e.g. all 'residential')"),
    "error.out_roads_closed": ("道路：{count} 条线中没有一条对出行方式 {mode!r} 开放（现有道路等级：{classes}）",
                               "roads: none of the {count} lines is open to mode {mode!r} (classes present: {classes})"),
    "error.out_roads_files_empty": ("道路：给出的道路文件中没有线", "roads: the given road files hold no lines"),
    "error.out_reach_no_households": ("服务圈：计划中没有住户图层", "reach: the plan has no households layer"),
    "error.out_reach_no_figures": ("服务圈：计划中没有服务圈覆盖数据；请先运行 `gridmap reach`",
                                   "reach: the plan has no reach figures; run `gridmap reach` first"),
    "error.out_reach_level": ("`level`：应为 'units'、'townships' 或 'regimes'，实际为 {value!r}",
                              "level: expected 'units', 'townships' or 'regimes', got {value!r}"),
    # gridmap micro (micro.py), the plan's making (atoms.py, grids.py) and gridmap export (export.py)
    "error.out_micro_band": ("微网格户数范围：须满足 0 < 最小值 <= 最大值（户数），实际为 {band!r}",
                             "micro band: expected 0 < min <= max households, got {band!r}"),
    "error.out_micro_no_households": ("微网格：计划中没有住户图层", "micro-grids: the plan has no households layer"),
    "error.out_atoms_no_overlap": ("地块：没有任何普查面与单元重叠（请检查两个图层的坐标系）",
                                   "atoms: no block overlaps any unit (check the CRS of both layers)"),
    "error.out_atoms_outside": ("地块：{count} 个普查面位于所有单元之外", "atoms: {count} block(s) lie outside every unit"),
    "error.out_grid_codes_full": ("单元 {unit}：{k:,} 个网格，但网格编码每个单元最多 {max} 个网格（单元代码后的序号 "
                                  "001-{max}）；请提高户数范围的上限 MAX，或拆分该单元",
                                  "unit {unit}: {k:,} grids, but grid codes number at most {max} grids per unit "
                                  "(serials 001-{max} after the unit's code); raise the band's MAX or split the unit"),
    "error.out_export_format": ("导出：未知的格式 {fmt!r}；可用格式：{known}", "export: format {fmt!r} unknown; known: {known}"),

    # -- command line ----------------------------------------------------------------------------------
    # gridmap batch: a county's progress and the batch's summary (cli/batch_cmd.py); first the steps of a county's
    # run that the progress steps below (step.*) leave unnamed (pipeline.py, report.py)
    "step.units": ("整理单元", "units"),
    "step.households": ("分配住户", "households"),
    "step.staffing": ("配备网格员", "staffing"),
    "step.report maps": ("绘制报告地图", "report maps"),
    "cli.batch_dashboard": ("dask 仪表板：{link}", "dask dashboard: {link}"),
    "cli.batch_cluster": ("dask 集群：{address}，{workers} 个工作进程", "dask cluster: {address}, {workers} worker(s)"),
    "cli.batch_step": ("{step}……", "{step} ..."),
    "cli.batch_done": ("完成，用时 {seconds:.1f} 秒：{grids} 个网格，{households:,.0f} 户",
                       "done in {seconds:.1f} s: {grids} grids, {households:,.0f} households"),
    "cli.batch_failed": ("失败：{error}", "FAILED: {error}"),
    "cli.batch_skipped": ("跳过：输出完整且是最新的", "skipped: outputs complete and up to date"),
    "cli.batch_summary": ("批处理 {n} 个县，用时 {seconds:.1f} 秒：完成 {ok} 个，跳过 {skipped} 个（已是最新），失败 {failed} 个",
                          "batch in {seconds:.1f} s, counties: {n}; {ok} done, {skipped} skipped (up to date), "
                          "{failed} failed"),
    "cli.batch_failure": ("{name} 失败：{error}", "{name}: {error}"),
    # gridmap compare: the figures of both plans and the codes (compare.py format_table, cli/compare_cmd.py)
    "cli.compare_urban_grids": ("城镇网格", "urban grids"),
    "cli.compare_urban_in_band": ("城镇网格在范围内比例", "urban grids in band"),
    "cli.compare_households_median": ("每格户数中位数", "households per grid, median"),
    "cli.compare_shape_median": ("形状规整度中位数", "Polsby-Popper, median"),
    "cli.compare_kept": ("保留原网格的住户", "households keeping their grid"),
    "cli.compare_kept_line": ("{share:.1%}（{households:,.0f} 户中 {kept:,.0f} 户）",
                              "{share:.1%} ({kept:,.0f} of {households:,.0f})"),
    "cli.compare_matched": ("对应的网格", "grids matched"),
    "cli.compare_matched_line": ("{matched} 个（其中 {identical} 个相同）", "{matched} ({identical} identical)"),
    "cli.compare_codes": ("新增 / 注销 / 移位的编码", "codes added / retired / moved"),
    "cli.compare_codes_added": ("新增编码", "codes added"),
    "cli.compare_codes_retired": ("注销编码", "codes retired"),
    "cli.compare_codes_moved": ("移位编码", "codes moved"),
    # a plan rewritten: gridmap update, adjust, dedicated, micro (cli/update_cmd.py echo_plan and the commands)
    "cli.plan_grids_line": ("{grids} 个（每格户数中位数 {median:.0f}）", "{grids}  (median {median:.0f} households)"),
    "cli.plan_in_band_line": ("在范围内（{lo:g}–{hi:g} 户）  城镇网格的 {share:.1%}",
                              "in band {lo:g}-{hi:g}  {share:.1%} of urban grids"),
    "cli.plan_workers_line": ("{workers} 人，经费 {yuan:,.0f} 元/年", "{workers}  budget {yuan:,.0f} yuan/year"),
    "cli.plan_reached_line": ("{share:.1%} 的住户在响应时间内", "{share:.1%} of households within the response time"),
    "cli.plan_validation_line": ("{errors} 个错误，{warnings} 个警告", "{errors} errors, {warnings} warnings"),
    "cli.grids_changed_line": ("未变 {unchanged} 个，变动 {changed} 个，新增 {added} 个，注销 {retired} 个",
                               "{unchanged} unchanged, {changed} changed, {added} added, {retired} retired"),
    "cli.took_seconds": ("（用时 {seconds:.1f} 秒）", "  ({seconds:.1f} s)"),
    "cli.update_broken": ("编辑违反了 {n} 条规则，未写出任何文件（请修改编辑内容，或用 --allow-faults 写出计划并标出这些网格）：",
                          "{n} rule(s) broken by the edits; nothing written (fix the edits, or --allow-faults to "
                          "write the plan with the grids flagged):"),
    "cli.update_more_faults": ("……另有 {n} 条", "... and {n} more"),
    "cli.update_atoms_moved": ("移动的地块", "atoms moved"),
    "cli.update_new_grid": ("新网格", "new grid"),
    "cli.adjust_households_line": ("{households:,.0f}（{share:.1%} 的住户仍在原网格）",
                                   "{households:,.0f} ({share:.1%} keep their grid)"),
    "cli.adjust_out_of_band": ("超出范围", "out of band"),
    "cli.adjust_out_of_band_line": ("调整前 {before} 个网格，调整后 {after} 个", "{before} grid(s) before, {after} after"),
    "cli.adjust_codes_line": ("新增 {added} 个，注销 {retired} 个，移位 {moved} 个（编码相同、区域不同）",
                              "{added} added, {retired} retired, {moved} moved (same code, another area)"),
    "cli.dedicated_grids": ("专属网格", "dedicated grids"),
    "cli.dedicated_grids_line": ("{total} 个（{kinds}）", "{total}  ({kinds})"),
    "cli.dedicated_kind_count": ("{kind} {n} 个", "{n} {kind}"),
    "cli.dedicated_skipped": ("未划入", "skipped"),
    "cli.dedicated_skipped_line": ("{n} 个区域片：{reason}", "{n} area piece(s): {reason}"),
    "cli.dedicated_skip_kind": ("种类不在规则中", "kind not in the rules"),
    "cli.dedicated_skip_small": ("面积小于 `min_area_m2`", "under min_area_m2"),
    "cli.dedicated_skip_over": ("户数多于 `max_households`", "households over max_households"),
    "cli.dedicated_skip_under": ("户数少于 `min_households`", "households under min_households"),
    "cli.dedicated_skip_locked": ("所在单元有锁定的网格", "in a unit with locked grids"),
    "cli.micro_grids": ("微网格", "micro-grids"),
    "cli.micro_line": ("{count:,} 个（有住户的 {with_households:,} 个，其中 {share} 在 {lo:g}–{hi:g} 户范围内；"
                       "每个户数中位数 {median:.0f}；{over} 栋建筑物超过上限）",
                       "{count:,} ({with_households:,} with households; {share} of them in {lo:g}-{hi:g}; median "
                       "{median:.0f} households; {over} buildings over the band)"),
    "cli.edit_written": ("编辑器已写入 {path}（{mb:.2f} MB，{atoms} 个地块，{grids} 个网格，{seconds:.1f} 秒）",
                         "editor written to {path} ({mb:.2f} MB, {atoms} atoms, {grids} grids, {seconds:.1f} s)"),
    # refusals of the command line's options given together or not at all
    "error.cli_not_both": ("{first} 和 {second} 只能给出其一（见 gridmap {command} --help）",
                           "give {first} or {second}, not both (see gridmap {command} --help)"),
    "error.cli_dedicated_osm_or_areas": ("请给出 --osm EXTRACT 或 --areas POLYGONS（二者只能给出其一；见 gridmap dedicated --help）",
                                         "give --osm EXTRACT or --areas POLYGONS (one of them) (see gridmap dedicated "
                                         "--help)"),
    "error.update_atoms_or_grids": ("请给出 --atoms EDITS 或 --grids POLYGONS（二者只能给出其一；见 gridmap update --help）",
                                    "give --atoms EDITS or --grids POLYGONS (one of them) (see gridmap update --help)"),
    "error.adjust_households_not_given": ("请给出 --households、--buildings 或 --households-totals（见 gridmap adjust --help）",
                                          "give --households, --buildings or --households-totals (see gridmap "
                                          "adjust --help)"),
    "error.batch_workers_and_scheduler": ("--workers 和 --scheduler 只能给出其一（见 gridmap batch --help）",
                                          "give --workers or --scheduler, not both (see gridmap batch --help)"),
    "error.cli_export_no_layer": ("--layer：计划中没有图层 {missing}；计划的图层：{layers}",
                                  "--layer: no layer(s) {missing}; layers: {layers}"),
    # what the command line says of a failure of the system or of gridmap itself (cli/main.py)
    "error.cli_os_error": ("{where}：{fix}", "{where}: {fix}"),
    "error.cli_os_enospc": ("磁盘已满：请释放空间或另选 --out", "the disk is full: free space or choose another --out"),
    "error.cli_os_edquot": ("超出磁盘配额：请释放空间或另选 --out",
                            "the disk quota is exceeded: free space or choose another --out"),
    "error.cli_os_eacces": ("权限不足：请选择有写入权限的文件夹（--out），或修改其权限",
                            "permission denied: choose a directory you may write to (--out) or fix its permissions"),
    "error.cli_os_eperm": ("不允许此操作：请选择有写入权限的文件夹（--out），或修改其权限",
                           "operation not permitted: choose a directory you may write to (--out) or fix its "
                           "permissions"),
    "error.cli_os_erofs": ("文件系统是只读的：请另选 --out", "the file system is read-only: choose another --out"),
    "error.cli_os_enotdir": ("路径中有一段是文件而不是文件夹：请另选 --out",
                             "a part of the path is a file, not a directory: choose another --out"),
    "error.cli_os_eisdir": ("这是一个文件夹而不是文件：请给出文件路径", "it is a directory, not a file: give a file path"),
    "error.cli_os_enoent": ("文件或文件夹不存在：请检查路径", "no such file or directory: check the path"),
    "error.cli_os_enametoolong": ("文件名过长：请选用较短的路径", "the file name is too long: choose a shorter path"),
    "error.cli_out_of_memory": ("内存不足：请规划较小的区域（如一个乡镇），或使用内存更大的机器",
                                "out of memory: plan a smaller area (e.g. one township) or use a machine with more "
                                "memory"),
    "cli.internal_error": ("（{kind}：{message}）；这是 gridmap 的程序缺陷：请连同命令行一起报告到 gridmap 的问题跟踪页面"
                           "（设置 `GRIDMAP_DEBUG=1` 可显示调用栈）",
                           " ({kind}: {message}); this is a bug in gridmap: please report it to the gridmap issue "
                           "tracker with the command line (GRIDMAP_DEBUG=1 shows the traceback)"),
    # what an output folder lost (cli/partition_cmd.py echo_outputs: partition, run, update, adjust, micro, dedicated)
    "cli.outputs_removed": ("已删除", "removed"),
    "cli.outputs_removed_line": ("{names}（上次运行的输出，与本计划不符）",
                                 "{names} (outputs of an earlier run, stale beside this plan)"),
    "cli.outputs_swept": ("已清理", "swept"),
    "cli.outputs_swept_line": ("{n} 个中断运行留下的临时文件", "{n} temporary file(s) left by an interrupted run"),
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
    "cli.staffed_written": ("计划已写入 {path}；名册 {roster}；经费表 {budget}",
                            "plan written to {path}; roster {roster}; budget {budget}"),
    "cli.bases_kept": ("（沿用计划中的驻点）", " (kept from the plan)"),
    "cli.bases_unused": ("（{n} 个已有驻点不在任何网格内，未使用）", " ({n} given outside every grid, unused)"),
    "cli.mode": ("出行方式", "mode"),
    "cli.mode_line": ("{mode}，城镇 {urban:g} 分钟 / 农村 {rural:g} 分钟", "{mode}, {urban:g} min urban / {rural:g} min rural"),
    "cli.grids_reached_line": ("{grids} 个网格中 {full} 个全部在响应时间内", "{full} of {grids} fully reached"),
    "cli.time": ("用时", "time"),
    "cli.reach_time_line": ("路网 {network:.2f} 秒，驻点 {bases:.2f} 秒，覆盖 {reach:.2f} 秒，服务圈 {areas:.2f} 秒",
                            "network {network:.2f} s, bases {bases:.2f} s, reach {reach:.2f} s, service areas "
                            "{areas:.2f} s"),
    "cli.col.unit": ("单元", "unit"),
    "cli.col.township": ("乡镇", "township"),
    "cli.col.households": ("户数", "households"),
    "cli.col.reached": ("覆盖户数", "reached"),
    "cli.col.share": ("占比", "share"),
    "cli.col.grids": ("网格", "grids"),
    "cli.col.workers": ("网格员", "workers"),
    "cli.col.month": ("每月", "month"),
    "cli.col.year": ("每年", "year"),
    "cli.col.county": ("全县", "county"),
    "cli.no_township": ("（无乡镇）", "(no township)"),
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
    "cli.reach_skipped_line": ("未测算：没有可通行的道路（{mode}）；请给出道路线图层（--roads）",
                               "not measured: no road to travel on ({mode}); give a road line layer (--roads)"),
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
    "step.adjust": ("调整网格", "adjust"),
    "step.dedicated": ("划定专属网格", "dedicated"),
    "step.pdf": ("打印 PDF", "pdf"),
    "step.update": ("更新计划", "update"),
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

    # -- gridmap --help: every command's description (help.<command>, .short for the command list) and
    # every option's help (help.option.<name>, or help.<command>.option.<name> where a command's option
    # means something of its own); gridmap/cli/_help.py looks them up when the help is shown. Example
    # lines after \b are shown as written.
    "help.usage": ("用法：", "Usage: "),
    "help.section.options": ("选项", "Options"),
    "help.section.commands": ("命令", "Commands"),
    "help.default": ("默认：{default}", "default: {default}"),
    "help.required": ("必填", "required"),
    "help.separator": ("；", "; "),
    "help.metavar.FLOAT_RANGE": ("数值", "FLOAT RANGE"),
    "help.metavar.INTEGER_RANGE": ("整数", "INTEGER RANGE"),
    "help.metavar.FLOAT": ("数值", "FLOAT"),
    "help.metavar.INTEGER": ("整数", "INTEGER"),
    "help.metavar.TEXT": ("文本", "TEXT"),
    "help.metavar.FILE": ("文件", "FILE"),
    "help.metavar.DIRECTORY": ("目录", "DIRECTORY"),
    "help.metavar.PATH": ("路径", "PATH"),
    "help.metavar.BOOLEAN": ("布尔值", "BOOLEAN"),
    "help.metavar.OPTIONS": ("选项", "OPTIONS"),
    "help.metavar.COMMAND": ("命令", "COMMAND"),
    "help.metavar.ARGS": ("参数", "ARGS"),
    "help.metavar.METRES": ("米", "METRES"),
    "help.envvar": ("环境变量：{var}", "env var: {var}"),
    "help.option.help": ("显示本帮助并退出。", "Show this message and exit."),
    "help.option.version": ("显示版本并退出。", "Show the version and exit."),
    "help.gridmap.short": ("gridmap：县域网格划分、配员、服务圈与地图。", "gridmap: county service grids, staff, reach and maps."),
    "help.gridmap": (
        "gridmap：把一个县划分为服务网格，配备网格员，测算服务圈覆盖，并绘制地图。\n"
        "\n"
        "单位：户、米、分钟、元。各步骤的说明见 `gridmap 命令 --help`。\n"
        "帮助与输出的语言由命令的 `--lang`、GRIDMAP_LANG（`zh` 或 `en`）或系统语言环境决定，未设置时为中文。",
        "gridmap: partition a county into service grids, staff them, measure their reach and map them.\n"
        "\n"
        "Units: households, metres, minutes, yuan. Run `gridmap COMMAND --help` for each step.\n"
        "Help and outputs are in the language of the command's `--lang`, else of GRIDMAP_LANG (zh or en), else "
        "of the locale; Chinese when it says nothing."),
    "help.adjust.short": ("按新的住户数据调整计划，尽量少改动。", "Re-divide a plan for new household data."),
    "help.adjust": (
        "按新的住户数据调整计划 PLAN，尽量少改动。\n"
        "\n"
        "逐个地块重新计数户数；只重新划分超出户数范围的网格，每个网格只联合其所在村（社区）\n"
        "中尽可能少的相邻网格；锁定的网格和其余所有网格保留其地块、形状和编码。向 OUT 写入\n"
        "`gridmap update` 所写的文件，另加 adjust.json（网格变动的住户比例，变动、新增和注销"
        "的\n"
        "网格，重新划分的片区，用时秒数，以及 `gridmap compare` 的对比）和 compare.html\n"
        "（两个计划在同一张地图上）。\n"
        "\n"
        "\b\n"
        "示例：\n"
        "  gridmap adjust out/demo/plan.gpkg --households "
        "households_2027.gpkg --out out/2027\n"
        "  gridmap adjust out/demo/plan.gpkg --households-totals "
        "register.gpkg --lock-file agreed.txt --out out/2027",
        "Re-divide PLAN for new household data with minimal disturbance.\n"
        "\n"
        "Households are recounted per atom; only the grids that left the band are re-cut,\n"
        "each with as few neighbouring grids of its village/community as needed; locked\n"
        "grids and every other grid keep their atoms, geometry and code. Writes into OUT\n"
        "what `gridmap update` writes, with adjust.json (share of households whose grid\n"
        "changed, grids changed, added and retired, regions re-cut, seconds, and the\n"
        "comparison of `gridmap compare`) and compare.html (both plans on one map).\n"
        "\n"
        "\b\n"
        "Examples:\n"
        "  gridmap adjust out/demo/plan.gpkg --households households_2027.gpkg --out out/2027\n"
        "  gridmap adjust out/demo/plan.gpkg --households-totals register.gpkg --lock-file agreed.txt --out "
        "out/2027"),
    "help.adjust.option.households": (
        "完整的新住户图层（点：每点一户，或每点 --households-column "
        "户）：县里现在掌握的全部住户，而不只是新增的。",
        "The full new household layer (points: one household each, or --households-column each): what the county "
        "knows now, not only the additions."),
    "help.adjust.option.households_column": (
        "--households 中记录户数（或人口，配合 --households-divisor）的列。",
        "Column of --households holding households (or persons, with --households-divisor)."),
    "help.adjust.option.households_divisor": (
        "该列除以此数（每户人口）。",
        "Divide the column by this (persons per household)."),
    "help.adjust.option.buildings": (
        "用于估算户数的建筑物面（按计划的户数规则）。",
        "Building polygons to estimate the households from (the plan's household rule)."),
    "help.adjust.option.households_totals": (
        "已知户数合计：面（村、社区），或按代码或名称（村/社区、乡镇或全县）给出户数的 CSV/XLSX 表（与 "
        "gridmap run 相同，如新一年的登记表）：住户按这些合计缩放。",
        "Known household totals: polygons (villages, communities), or a CSV/XLSX table of households by code or "
        "name (村/社区, 乡镇, or the county) as gridmap run reads it (e.g. next year's register): the households "
        "are scaled to them."),
    "help.adjust.option.totals_column": ("--households-totals 中的户数列。", "Column of --households-totals."),
    "help.adjust.option.totals_divisor": (
        "--totals-column 除以此数（每户人口）。",
        "Divide --totals-column by this (persons per household)."),
    "help.batch.short": (
        "按 TOML 清单批量处理多个县（dask.distributed）。",
        "Run many counties from a TOML manifest (dask.distributed)."),
    "help.batch": (
        "按 TOML 清单 MANIFEST 批量处理多个县，每个县如 `gridmap run` 一样，在 "
        "dask.distributed 上运行。\n"
        "\n"
        "清单含一个可选的 [defaults] 表，每个县一个 [[run]] 表：名称（即它在 OUT 中的文件夹）\n"
        "和去掉短横线的 `gridmap run` 选项（`osm`、`area-name`、`band = "
        "[300, 500]`、\n"
        "`urban = \"all\"`、`preset` 等）；相对文件路径相对于清单所在文件夹。每个县把 "
        "`gridmap run` 的文件写入\n"
        "OUT/<name>/（以及 --resume 检查用的指纹 batch.json）。批处理写出 "
        "OUT/province.csv、\n"
        "OUT/province.html、OUT/province_map.html 和 "
        "OUT/failures.csv。\n"
        "\n"
        "某个县失败不影响其他县；它的单行错误会打印出来并记入 failures.csv，退出码为 4。\n"
        "不给 --scheduler 时，由 --workers 个进程组成的本地集群只在本机回环接口上运行。\n"
        "\n"
        "\b\n"
        "清单示例：\n"
        "  [defaults]\n"
        "  band = [300, 500]\n"
        "  seed = 0\n"
        "  [[run]]\n"
        "  name = \"liechtenstein\"\n"
        "  osm = \"data/liechtenstein.osm.pbf\"\n"
        "  area-name = \"Liechtenstein\"\n"
        "  urban = \"all\"",
        "Run many counties from a TOML MANIFEST, each as `gridmap run` would, on dask.distributed.\n"
        "\n"
        "The manifest has an optional [defaults] table and one [[run]] table per county: a\n"
        "name (its folder in OUT) and the options of `gridmap run` without the dashes\n"
        "(osm, area-name, band = [300, 500], urban = \"all\", preset, ...); relative file names\n"
        "are relative to the manifest. Each county writes the files of `gridmap run` into\n"
        "OUT/<name>/ (and batch.json, the fingerprint --resume checks). The batch writes\n"
        "OUT/province.csv, OUT/province.html, OUT/province_map.html and OUT/failures.csv.\n"
        "\n"
        "A failing county does not stop the others; its one-line error is printed and in\n"
        "failures.csv, and the exit code is 4. Without --scheduler, a local cluster of\n"
        "--workers processes runs on the loopback interface only.\n"
        "\n"
        "\b\n"
        "Example manifest:\n"
        "  [defaults]\n"
        "  band = [300, 500]\n"
        "  seed = 0\n"
        "  [[run]]\n"
        "  name = \"liechtenstein\"\n"
        "  osm = \"data/liechtenstein.osm.pbf\"\n"
        "  area-name = \"Liechtenstein\"\n"
        "  urban = \"all\""),
    "help.batch.option.workers": (
        "本地 dask 集群的工作进程数。  [默认：CPU 数]",
        "Worker processes of the local dask cluster.  [default: the number of CPUs]"),
    "help.batch.option.scheduler": (
        "已运行的 dask 调度器地址（如 tcp://10.0.0.5:8786），代替本地集群；其工作进程须能访问相"
        "同的输入文件和 OUT。",
        "Address of a running dask scheduler (e.g. tcp://10.0.0.5:8786) instead of a local cluster; its workers "
        "must see the same input files and OUT."),
    "help.batch.option.resume": (
        "跳过 OUT 中输出完整、且由相同选项和输入文件（大小与修改时间）生成的县。",
        "Skip counties whose outputs in OUT are complete and were made from the same options and input files "
        "(size and modification time)."),
    "help.batch.option.dashboard": (
        "启动 dask 监控面板（本机回环、空闲端口）并打印其链接。",
        "Serve the dask dashboard (loopback, a free port) and print its link."),
    "help.batch.option.no_split": (
        "每个县整体在一个工作进程上运行（默认：一个县的各单元作为独立任务切分和划分，分散到各工作进程）。",
        "Run each county whole on one worker (default: a county's units are cut and partitioned as tasks of "
        "their own, spread over the workers)."),
    "help.batch.option.lang": ("全省汇总的语言。", "Language of the province summary."),
    "help.compare.short": ("比较同一区域的两个计划。", "Compare two plans of the same area."),
    "help.compare": (
        "比较同一区域的计划 A（调整前）与计划 B（调整后）。\n"
        "\n"
        "网格按重叠一一对应（先按共有户数，再按面积）；住户在 A 中的网格与其在 B 中的网格相对应，\n"
        "即为保留原网格。打印两个计划的户数范围与形状规整度指标、保留原网格的住户比例，以及新增、\n"
        "注销和移位（编码相同、区域不同）的编码。\n"
        "\n"
        "\b\n"
        "示例：\n"
        "  gridmap compare out/demo/plan.gpkg out/2027/plan.gpkg "
        "--out out/2027/compare",
        "Compare plan A (before) with plan B (after) of the same area.\n"
        "\n"
        "Grids are matched one to one by overlap (most shared households first, then area); a household\n"
        "keeps its grid when its grid under A is matched with its grid under B. Prints both\n"
        "plans' band and compactness figures, the share of households keeping their grid,\n"
        "and the codes added, retired and moved (same code, another area).\n"
        "\n"
        "\b\n"
        "Example:\n"
        "  gridmap compare out/demo/plan.gpkg out/2027/plan.gpkg --out out/2027/compare"),
    "help.compare.option.out": (
        "在此写出 compare.json、compare_pairs.csv 和 compare.html（B "
        "的地图，A 的网格为可切换图层）。",
        "Write compare.json, compare_pairs.csv and compare.html (B's map with A's grids as a switchable layer) "
        "here."),
    "help.dedicated.short": ("从计划中划出专属网格，其余部分围绕其重新划分。", "Carve dedicated grids out of a plan."),
    "help.dedicated": (
        "从计划 PLAN 中划出专属网格，其余部分围绕它们重新划分。\n"
        "\n"
        "规则允许的每个专属区域（按其所在村（社区）切分）成为一个锁定的 `dedicated` 类型网格，\n"
        "带有其种类，按所在单元自己的序列编码（序号 901-999）；涉及单元的其余部分围绕它们重新划分。\n"
        "规则：先取 --config 的 [dedicated] 表（`kinds`、`min_area_m2`、`ma"
        "x_households`、\n"
        "`min_households`），再取各选项。写出 `gridmap update` 所写的文件。\n"
        "\n"
        "\b\n"
        "示例：\n"
        "  gridmap dedicated out/demo/plan.gpkg --osm "
        "data/liechtenstein.osm.pbf --out out/dedicated\n"
        "  gridmap dedicated plan.gpkg --areas parks.gpkg "
        "--kind-column type --min-area 50000 --out out/parks",
        "Carve dedicated grids (专属网格) out of PLAN and partition the rest around them.\n"
        "\n"
        "Each specific area (per village/community it lies in) that the rules admit becomes\n"
        "a locked grid of regime `dedicated` with its kind, coded in its unit's own series\n"
        "(serials 901-999); the rest of each unit touched is partitioned again around them.\n"
        "Rules: the [dedicated] table of --config (kinds, min_area_m2, max_households,\n"
        "min_households), then the options. Writes what `gridmap update` writes.\n"
        "\n"
        "\b\n"
        "Examples:\n"
        "  gridmap dedicated out/demo/plan.gpkg --osm data/liechtenstein.osm.pbf --out out/dedicated\n"
        "  gridmap dedicated plan.gpkg --areas parks.gpkg --kind-column type --min-area 50000 --out out/parks"),
    "help.dedicated.option.osm": (
        "OSM 数据文件，其中带标签的区域（`amenity=school|university|college|"
        "kindergarten|hospital|clinic|marketplace`、`landuse=industrial|commercial|retail`、"
        "`tourism=attraction|theme_park|zoo`）为专属区域。",
        "OSM extract whose tagged areas (amenity=school|university|college|kindergarten|hospital|clinic|marketpla"
        "ce, landuse=industrial|commercial|retail, tourism=attraction|theme_park|zoo) are the specific areas."),
    "help.dedicated.option.areas": (
        "带种类列的专属区域面文件（代替 --osm）。",
        "Polygon file of specific areas with a kind column (instead of --osm)."),
    "help.dedicated.option.kind_column": ("--areas 中记录种类的列。", "Column of --areas holding the kind."),
    "help.dedicated.option.min_area": (
        "各种类的最小面积（m²）。  [默认：学校/医院 5,000，市场 2,000，工业园区/商业区 "
        "20,000，其他 10,000]",
        "Smallest area, m², for every kind.  [default: school/hospital 5,000, market 2,000, "
        "industrial/commercial 20,000, others 10,000]"),
    "help.dedicated.option.max_households": (
        "住户多于此数的区域仍按居住区划分。  [默认：100]",
        "Areas holding more households stay residential.  [default: 100]"),
    "help.dedicated.option.out": ("输出目录。", "Output directory."),
    "help.edit.short": ("生成离线网格编辑器（HTML）。", "Write an offline grid editor (HTML)."),
    "help.edit": (
        "为计划 PLAN（plan.gpkg）生成离线编辑器：选中一个网格，点击或涂选同一村（社区）的地块并入，\n"
        "实时查看户数、户数范围和连通性的变化；可锁定网格、撤销和重做，然后导出 edits.geojson，\n"
        "供 `gridmap update PLAN --atoms edits.geojson` 使用。\n"
        "\n"
        "\b\n"
        "示例：\n"
        "  gridmap edit out/demo/plan.gpkg --out "
        "out/demo/editor.html\n"
        "  gridmap edit plan.gpkg --out editor_en.html --lang en",
        "Write an offline editor of PLAN (a plan.gpkg): select a grid, click or paint atoms of the same\n"
        "village/community into it, and see households, the band and contiguity change live; lock grids,\n"
        "undo and redo, then export edits.geojson for `gridmap update PLAN --atoms edits.geojson`.\n"
        "\n"
        "\b\n"
        "Examples:\n"
        "  gridmap edit out/demo/plan.gpkg --out out/demo/editor.html\n"
        "  gridmap edit plan.gpkg --out editor_en.html --lang en"),
    "help.edit.option.out": ("要写出的 HTML 文件（原子写入）。", "HTML file to write (written atomically)."),
    "help.edit.option.simplify": (
        "地块轮廓的显示简化容差，单位米（默认 1；0 保留所有顶点）。",
        "Display simplification of atom outlines in metres (default 1; 0 keeps every vertex)."),
    "help.export.short": ("把计划的各图层导出为单独文件。", "Write the layers of a plan to files of their own."),
    "help.export": (
        "把计划 PLAN（plan.gpkg）的各图层写入 OUT，每个图层一个文件（或一个工作簿）。\n"
        "\n"
        "按文件读取单个图层的工具（QGIS 拖放、网页地图、共享的 gridscore 评分工具）可直接使用。\n"
        "\n"
        "\b\n"
        "示例：\n"
        "  gridmap export out/demo/plan.gpkg --out "
        "out/demo/layers\n"
        "  gridmap export out/demo/plan.gpkg --out out/demo/web "
        "--format geojson --layer grids\n"
        "  gridmap export out/demo/plan.gpkg --out out/demo "
        "--format xlsx",
        "Write the layers of PLAN (a plan.gpkg) to OUT, one file per layer (or one workbook).\n"
        "\n"
        "Tools that read one layer per file (QGIS drag-and-drop, web maps, the shared\n"
        "gridscore scorer) take these directly.\n"
        "\n"
        "\b\n"
        "Examples:\n"
        "  gridmap export out/demo/plan.gpkg --out out/demo/layers\n"
        "  gridmap export out/demo/plan.gpkg --out out/demo/web --format geojson --layer grids\n"
        "  gridmap export out/demo/plan.gpkg --out out/demo --format xlsx"),
    "help.export.option.layer": (
        "要导出的图层（可重复）；不给则导出全部图层。",
        "Layer to export (repeatable); all layers when omitted."),
    "help.export.option.format": (
        "`gpkg`：每个图层一个 GeoPackage（内含 QGIS 样式）；`geojson`：每个图层一个 "
        "WGS 84 的 GeoJSON；`parquet`：每个图层一个 "
        "GeoParquet；`xlsx`：grids.xlsx，每个网格一行，另含网格员名册和经费。",
        "gpkg: a GeoPackage per layer (QGIS styles inside); geojson: a GeoJSON per layer in WGS 84; parquet: a "
        "GeoParquet per layer; xlsx: grids.xlsx, a row per grid plus roster and budget."),
    "help.map.short": ("把计划绘制为交互式地图（可离线）。", "Draw a plan as an interactive map (works offline)."),
    "help.map": (
        "把计划 PLAN（plan.gpkg）绘制为交互式地图：网格按户数范围着色，边界、网格编码，\n"
        "已配员和已测算服务圈时显示相应图层，道路和河流；搜索、图例、比例尺。\n"
        "\n"
        "\b\n"
        "示例：\n"
        "  gridmap map out/demo/plan.gpkg --out "
        "out/demo/map.html\n"
        "  gridmap map plan.gpkg --out map_en.html --lang en "
        "--basemap osm",
        "Draw PLAN (a plan.gpkg) as an interactive map: grids coloured against the band, borders,\n"
        "grid codes, staffing and reach layers when present, roads and rivers; search, legend, scale.\n"
        "\n"
        "\b\n"
        "Examples:\n"
        "  gridmap map out/demo/plan.gpkg --out out/demo/map.html\n"
        "  gridmap map plan.gpkg --out map_en.html --lang en --basemap osm"),
    "help.map.option.out": ("要写出的 HTML 文件（原子写入）。", "HTML file to write (written atomically)."),
    "help.map.option.basemap": (
        "瓦片底图。`none` 可离线使用（以道路和河流为参照）；`gaode`（高德）会把叠加图层转换到 "
        "GCJ-02；带 {z}/{x}/{y} 的 URL 模板可使用内网瓦片服务。",
        "Tile basemap. 'none' works offline (roads and rivers give the context); 'gaode' shifts the overlays "
        "into GCJ-02; a URL template with {z}/{x}/{y} serves intranet tile servers."),
    "help.map.option.tianditu_key": (
        "`--basemap tianditu`（天地图）所用的 API 密钥（会写入 HTML）。",
        "Tianditu API key for --basemap tianditu (it is written into the HTML)."),
    "help.map.option.simplify": (
        "显示简化容差，单位米（默认 2；0 保留所有顶点）。",
        "Display simplification tolerance in metres (default 2; 0 keeps every vertex)."),
    "help.micro.short": ("把每个网格再划分为微网格。", "Split every grid into micro-grids."),
    "help.micro": (
        "把计划 PLAN 的每个网格划分为每个 MIN..MAX 户的微网格。\n"
        "\n"
        "微网格沿建筑物划分（每栋建筑在其网格内的 Voronoi 单元），优先以小巷、道路和河流为边界；\n"
        "微网格嵌套在所属网格内，编码在网格编码后加 3 位。户数多于 MAX 的建筑自成一个微网格\n"
        "（标记为 over_band）。\n"
        "\n"
        "\b\n"
        "示例：\n"
        "  gridmap micro out/demo/plan.gpkg --band 10 30 --out "
        "out/demo_micro",
        "Split every grid of PLAN into micro-grids of MIN..MAX households (微网格).\n"
        "\n"
        "Micro-grids follow buildings (each building's Voronoi cell inside its grid) and\n"
        "prefer lanes, roads and rivers as edges; they nest in their grid and their codes\n"
        "extend the grid code by 3 digits. A building with more households than MAX is a\n"
        "micro-grid of its own (flagged over_band).\n"
        "\n"
        "\b\n"
        "Example:\n"
        "  gridmap micro out/demo/plan.gpkg --band 10 30 --out out/demo_micro"),
    "help.micro.option.band": ("每个微网格的户数范围 MIN MAX。", "MIN MAX households per micro-grid."),
    "help.micro.option.out": (
        "输出目录：含 micro_grids 图层的 plan.gpkg、map.html（放大到 16 "
        "级显示微网格）、report.html、micro.json。",
        "Output directory: plan.gpkg with the micro_grids layer, map.html (micro-grids from zoom 16), "
        "report.html, micro.json."),
    "help.option.seed": (
        "随机选择的种子；相同的输入和种子得到相同的计划。",
        "Seed of the random choices; the same inputs and seed give the same plan."),
    "help.default.seed": ("0 或规则文件中的值", "0 or the config's"),
    "help.default.jobs": ("本机可用的核数，至多 4", "the cores available, at most 4"),
    "help.option.config": (
        "TOML 规则文件，含 [plan]、[staffing]、[reach] 表（`gridmap "
        "presets NAME` 可打印示例）；此处给出的选项优先于它。",
        "TOML rules file with [plan], [staffing], [reach] tables (`gridmap presets NAME` prints an example); "
        "options given here override it."),
    "help.option.out": ("输出目录（不存在时创建）。", "Output directory (created if missing)."),
    "help.option.quiet": ("不显示进度。", "No progress display."),
    "help.option.lang": (
        "所有输出文字的语言：终端摘要、表格、CSV 表头、地图、报告。",
        "Language of every word written: terminal summary, tables, CSV headers, map, report."),
    "help.default.lang": (
        "按系统语言环境：非中文的 LANG 为 `en`，否则为 `zh`；GRIDMAP_LANG 优先",
        "from the locale: en for a non-Chinese LANG, else zh; GRIDMAP_LANG overrides"),
    "help.option.plan_out": (
        "写出 OUT/plan.gpkg（及 CSV 文件），而不是直接在 PLAN 上扩充。",
        "Write OUT/plan.gpkg (and the CSV files) instead of extending PLAN in place."),
    "help.option.bases": (
        "网格驻点（办公室、工作室）点文件：带 grid_id（或 code）列，或按所在网格匹配。没有驻点的网格由计算得"
        "到。",
        "Points of the grids' bases (offices, workrooms): with a grid_id (or code) column, or matched to the "
        "grid they lie in. Grids without one get a computed base."),
    "help.option.mode": (
        "网格员的出行方式（`walk` 步行、`ebike` 电动车、`car` 驾车）。  "
        "[默认：`walk`，或规则文件中的值]",
        "Travel mode of the workers.  [default: walk, or the config's]"),
    "help.option.minutes_urban": (
        "城镇网格的响应时间，分钟。  [默认：10]",
        "Response time in urban grids, minutes.  [default: 10]"),
    "help.option.minutes_rural": (
        "农村网格的响应时间，分钟。  [默认：30]",
        "Response time in rural grids, minutes.  [default: 30]"),
    "help.option.objective": (
        "计算驻点的目标：`min_time` 按户数加权的出行时间最短，或 `max_reached` "
        "响应时间内覆盖的住户最多。",
        "Computed bases: least household-weighted travel time, or most households within the response time."),
    "help.option.osm": (
        "OSM 数据文件（.osm.pbf、.osm、.osm.bz2）：道路、水系、铁路、建筑物、地名点和居住用地取自"
        "该文件；除非给出 --area/--units 文件，区域和单元也取自该文件。同时给出的 --roads、--waterways、"
        "--railways、--barriers 文件与该文件的线合并（道路在交叉处接通），--buildings 文件取代该文件的建筑物。",
        "OSM extract (.osm.pbf, .osm, .osm.bz2): roads, waterways, railways, buildings, place points and "
        "residential landuse come from it, and the area and units too unless --area/--units files are given. "
        "--roads, --waterways, --railways and --barriers files given with it join its lines (roads noded where "
        "they cross); a --buildings file replaces its buildings."),
    "help.option.area": (
        "研究区域的面文件（代替 --osm；默认：--units 的并集）。",
        "Polygon file of the study area (instead of --osm; default: the union of --units)."),
    "help.option.area_name": (
        "配合 --osm：要规划的行政边界名称（如 'Liechtenstein'、'荥经县'）；区域取自 --area/--units 文件时，"
        "为计划、地图和报告所用的区域名称（默认：文件的 `name` 列或文件名）。",
        "With --osm: name of the admin boundary to plan (e.g. 'Liechtenstein', '荥经县'); with the area from an "
        "--area/--units file, the area's name on the plan, map and report (default: the file's `name` column or "
        "file name)."),
    "help.option.close_at_extract": (
        "配合 --osm：被数据范围边缘截断的边界关系沿其外包矩形闭合（无法闭合的会报告）。",
        "With --osm: close boundary relations cut by the extract's edge against its bounding box (those that "
        "cannot be closed are reported)."),
    "help.option.extract_area": ("配合 --osm：以数据的外包矩形为区域；--units-level 级的边界（如以 --close-at-extract "
                                 "闭合的乡镇）铺满矩形时即为单元，否则整个矩形为一个单元。",
                                 "With --osm: the area is the extract's bounding box; its units are the boundaries at "
                                 "--units-level when they tile it (e.g. townships closed with --close-at-extract), else "
                                 "the box is one unit."),
    "help.option.units_points": (
        "村（社区）点文件（带名称列）：在乡镇（配合 --osm 的 --parent-level、--units "
        "文件或区域）内围绕这些点生成单元，边界沿道路和河流。",
        "Points of villages/communities (name column): units are derived around them, borders on roads and "
        "rivers, inside the townships (--parent-level with --osm, --units FILE, or the area)."),
    "help.option.units_from_places": (
        "配合 --osm：由数据中这些种类的地名点生成单元（逗号分隔，如 `village,hamlet` 或 "
        "`neighbourhood,quarter`）。",
        "With --osm: derive units from the extract's place nodes of these kinds (comma-separated, e.g. "
        "village,hamlet or neighbourhood,quarter)."),
    "help.option.area_level": (
        "配合 --osm：区域的 admin_level。  [默认：--area-name 所指边界的层级；未给名称时为 2]",
        "With --osm: admin_level of the area.  [default: the level of the --area-name boundary; 2 without a name]"),
    "help.option.units_level": ("配合 --osm：单元的 admin_level。", "With --osm: admin_level of the units."),
    "help.option.parent_level": (
        "配合 --osm：单元上级（乡镇）的 admin_level。",
        "With --osm: admin_level of the units' parents (townships)."),
    "help.option.units": (
        "最低一级单元（村（社区）或乡镇）的面文件。不给它（也不给 --osm）时整个区域为一个单元。",
        "Polygon file of the lowest-level units (villages/communities or townships). Without it (and without "
        "--osm) the whole area is one unit."),
    "help.option.unit_id": (
        "--units 中的单元代码列（默认：`unit_id`、`code`、`id`、`GEOID`、`WARD`、代码、编码 或 区划代码 中第一个存在的；"
        "否则为 1..n）。代码不能为空。",
        "Column of unit ids in --units (default: the first of unit_id, code, id, GEOID, WARD, 代码, 编码 or 区划代码 "
        "present; else 1..n). No id may be empty."),
    "help.option.unit_name": (
        "--units 中的单元名称列（默认：`name`、`NAME`、`unit_name`、名称、村名 或 单元名称 中第一个存在的；否则用代码）。",
        "Column of unit names in --units (default: the first of name, NAME, unit_name, 名称, 村名 or 单元名称 "
        "present; else the id)."),
    "help.option.code_table": (
        "统计用区划代码文件夹（counties.csv、townships.csv、villages.csv，如 "
        "data/china）：按名称查找单元的 12 位代码并以之命名，网格得到 15 位编码。",
        "Folder of statistical division codes (counties.csv, townships.csv, villages.csv, e.g. data/china): "
        "units are named by their 12-digit codes, found by name, and grids get 15-digit codes."),
    "help.option.county_code": (
        "配合 --code-table：在其中查找单元的 6 位县级代码。",
        "With --code-table: the 6-digit county code to look the units up in."),
    "help.option.roads": (
        "道路线（可重复）；`highway` 列决定道路等级。",
        "Road lines (repeatable); a 'highway' column sets the class."),
    "help.option.waterways": ("河流、溪流线（可重复）。", "River/stream lines (repeatable)."),
    "help.option.railways": ("铁路线（可重复）。", "Railway lines (repeatable)."),
    "help.option.barriers": (
        "网格可以沿用的其他界线：山脊、围墙（可重复；面的外轮廓也算）。",
        "Other lines grids may follow: ridges, walls (repeatable; polygon outlines count)."),
    "help.option.households": (
        "住户点（每点一户，或每点 --households-column 户），或配合 "
        "--households-column 的普查面。住户点也可以是 CSV/XLSX 表（如户籍台账），每行一点，"
        "经纬度列为 经度/纬度、lon/lat、lng/lat、longitude/latitude 或 x/y（WGS 84 度数，配合 --gcj02 "
        "为 GCJ-02）。",
        "Household points (one each, or --households-column per point) or census polygons with "
        "--households-column. The points may be a CSV/XLSX table (a household register), a row each, with "
        "coordinate columns 经度/纬度, lon/lat, lng/lat, longitude/latitude or x/y in degrees (WGS 84, or "
        "GCJ-02 with --gcj02)."),
    "help.option.households_column": (
        "记录户数（或人口，配合 --households-divisor）的列。",
        "Column holding households (or persons, with --households-divisor)."),
    "help.option.households_divisor": (
        "该列除以此数（每户人口，如 2.3）。",
        "Divide the column by this (persons per household, e.g. 2.3)."),
    "help.option.buildings": ("用于估算户数的建筑物面。", "Building polygons to estimate households from."),
    "help.option.households_totals": (
        "已知户数合计：面（村、社区、普查区；--totals-column），或按代码或名称（村/社区、乡镇或全县）给出"
        "户数或人口的 CSV/XLSX 表，与单元关联。每个合计分配到有人居住的地方：建筑物或住户点足以承载时分配到它们"
        "，否则分配到建成区证据（居住用地、建筑轮廓、居住区街道、村庄点）；摘要逐个单元说明采用了哪种。",
        "Known household totals: polygons (villages, communities, census areas; --totals-column), or a CSV/XLSX "
        "table of code or name (村/社区, 乡镇, or the county) and households or persons, joined to the units. Each "
        "total is spread where people live: over the buildings or points when they can carry it, else over "
        "built-up evidence (residential landuse, footprints, residential streets, village points); the summary "
        "says which, unit by unit."),
    "help.option.totals_column": (
        "--households-totals 中记录户数（或人口，配合 --totals-divisor）的列。",
        "Column of --households-totals holding households (or persons, with --totals-divisor)."),
    "help.option.totals_divisor": (
        "--totals-column 除以此数（每户人口，如 2.8）。",
        "Divide --totals-column by this (persons per household, e.g. 2.8)."),
    "help.option.totals_factor": (
        "报告合计与建筑物/住户点估算相差超过此倍数的单元。",
        "Report units whose total and building/point estimate differ by more than this factor."),
    "help.option.census_county": (
        "6 位县级代码：该县 2020 年人口普查给出每户人口（用于 --households-totals "
        "中的人口，除非给出 --totals-divisor），以及住宅楼（公寓、居民楼）的户均住房面积。",
        "6-digit county code: the county's 2020 census gives persons per household (for persons in "
        "--households-totals, unless --totals-divisor is given) and the dwelling floor area per household for "
        "flats (apartments, residential buildings)."),
    "help.option.encoding": (
        "没有 .cpg 的 Shapefile 和 CSV 表的文字编码（如 `gbk`；默认：UTF-8 或 "
        "GB18030/GBK，按字节自动识别）。GeoPackage 和 GeoJSON 按其规范为 UTF-8，不受此项影响。",
        "Text encoding of Shapefiles without .cpg and of CSV tables (e.g. gbk; default: UTF-8 or GB18030/GBK, "
        "detected from the bytes). GeoPackage and GeoJSON are UTF-8 by their specifications: it does not apply "
        "to them."),
    "help.option.drop_outside": ("丢弃区域外的住户点，而不是报错。", "Drop household points outside the area instead of failing."),
    "help.option.gcj02": (
        "这些输入文件使用 GCJ-02 坐标（高德、腾讯地图）：读取时转换为 WGS 84（可重复；`all` "
        "表示所有文件）。",
        "These input files hold GCJ-02 coordinates (AMap/Gaode, Tencent): shift them to WGS 84 on reading "
        "(repeatable; 'all' for every file)."),
    "help.option.bd09": (
        "这些输入文件使用 BD-09 坐标（百度地图）：读取时转换为 WGS 84（可重复；`all` 表示所有文件）。",
        "These input files hold BD-09 coordinates (Baidu Maps): shift them to WGS 84 on reading "
        "(repeatable; 'all' for every file)."),
    "help.option.band": (
        "城镇网格的户数范围 MIN MAX。  [默认：300 500]",
        "MIN MAX households per urban grid.  [default: 300 500]"),
    "help.option.urban": (
        "哪些单元为城镇（按户数划分）：`all` 全部、`none` 无，或 `density` "
        "按密度：每个单元中密集的聚落按户数范围划分，其余按农村规则。单元名称优先：名称含社区、居委会或街道的为城镇，"
        "以村或嘎查结尾的为农村（规则文件 [plan.urban] 的 urban_pattern、rural_pattern；设为 \"\" 即不按名称）。"
        "  [默认：`density`]",
        "Which units are urban (partitioned by households): all, none, or by density: each unit's dense "
        "settlements by the band, the rest by the rural rule. Unit names decide first: names containing 社区, 居委会 or 街道 are "
        "urban, names ending in 村 or 嘎查 rural (urban_pattern and rural_pattern of the rules file's [plan.urban]; "
        "\"\" turns them off).  [default: density]"),
    "help.option.urban_density": (
        "配合 `--urban density`：聚落所在地块的户数密度（户/km²）达到此值即为密集（按户数范围划分；"
        "单元其余部分按农村规则）。  [默认：100]",
        "With --urban density: households per km² of the atoms a settlement lives in from which it is dense "
        "(split by the band; the rest of its unit by the rural rule).  [default: 100]"),
    "help.option.urban_pattern": (
        "属于城镇的单元名称正则表达式（如 '街道|社区'）。",
        "Regex of unit names that are urban (e.g. '街道|社区')."),
    "help.option.rural_grids": (
        "农村单元整村一个网格（`village`），或每个自然村一个网格（`settlement`）。  "
        "[默认：`village`]",
        "A rural unit is one grid (village), or one grid per natural settlement.  [default: village]"),
    "help.option.settlement_gap": (
        "同一自然村内房屋之间的距离，米。  [默认：150]",
        "Metres between houses of one settlement.  [default: 150]"),
    "help.option.settlement_min": (
        "户数低于此值的自然村并入相邻自然村。  [默认：50]",
        "Households under which a settlement joins its neighbour.  [default: 50]"),
    "help.option.split_large": (
        "把户数高于上限的自然村拆分为户数范围内的网格。  [默认：否]",
        "Split settlements over the band's top into grids in the band.  [default: no]"),
    "help.option.crs": (
        "计算所用的米制坐标系（如 EPSG:4547）。  [默认：自动，UTM 或 CGCS2000 高斯-克吕格]",
        "Metric CRS to compute in (e.g. EPSG:4547).  [default: auto, UTM or CGCS2000 GK]"),
    "help.option.jobs": (
        "并行切分和划分单元的进程数；gridmap run 还用它们为网格配色并定标注位置、搜索网格驻点、绘制服务范围、校验、"
        "绘制地图和写出 grids.xlsx（计划和文件与进程数无关）。",
        "Processes that cut and partition the units in parallel; gridmap run also colours the grids and places "
        "their labels, searches the bases, draws the service areas, validates, draws the map and writes grids.xlsx "
        "on them (the plan and files are the same for any number)."),
    "help.option.verbose": ("输出更多信息：各步骤用时（-vv：调试日志）。", "Say more: step timings (-vv: debug log)."),
    "help.partition.short": ("把区域划分为户数范围内、嵌套在单元中的网格。", "Partition an area into grids nested in its units."),
    "help.partition": (
        "把区域划分为每个 MIN..MAX 户、嵌套在其单元内的网格。\n"
        "\n"
        "写出 OUT/plan.gpkg（图层 `grids`、`units`、`atoms`、`households`"
        "、`area`、`roads`、\n"
        "`waterways`、`railways`、`meta`）、OUT/summary.json 和 "
        "OUT/manifest.json，要么全部写出、要么都不写；\n"
        "OUT 中此前命令写出、本次不再写的输出（地图、报告、网格员名册）会被删除。其间另一个\n"
        "写入 OUT 的命令会被拒绝。\n"
        "\n"
        "\b\n"
        "示例：\n"
        "  gridmap partition --osm data/liechtenstein.osm.pbf "
        "--area-name Liechtenstein --out out/demo\n"
        "  gridmap partition --area county.gpkg --units "
        "villages.gpkg --roads roads.gpkg \\\n"
        "      --households households.gpkg --band 300 500 --out "
        "out/county",
        "Partition an area into grids of MIN..MAX households, nested in its units.\n"
        "\n"
        "Writes OUT/plan.gpkg (layers grids, units, atoms, households, area, roads, waterways,\n"
        "railways, meta), OUT/summary.json and OUT/manifest.json, all or nothing; outputs of\n"
        "an earlier command in OUT that this one does not write again (map, report, roster)\n"
        "are removed. A second command writing into OUT meanwhile is refused.\n"
        "\n"
        "\b\n"
        "Examples:\n"
        "  gridmap partition --osm data/liechtenstein.osm.pbf --area-name Liechtenstein --out out/demo\n"
        "  gridmap partition --area county.gpkg --units villages.gpkg --roads roads.gpkg \\\n"
        "      --households households.gpkg --band 300 500 --out out/county"),
    "help.partition.option.lock": (
        "把此网格标记为锁定（可重复）：`gridmap adjust` 和 `gridmap update` "
        "会保留其地块、形状和编码。",
        "Mark this grid locked (repeatable): adjust and update keep its atoms, geometry and code."),
    "help.partition.option.lock_file": (
        "要锁定的网格 ID：每行一个，或带 grid_id 列的 CSV/GeoPackage。",
        "Grid ids to lock: one a line, or a CSV/GeoPackage with a grid_id column."),
    "help.presets.short": ("列出内置预设，或打印其中一个。", "List the bundled presets, or print one."),
    "help.presets": (
        "列出内置预设，或把其中一个（NAME）打印为 TOML，以便复制修改。\n"
        "\n"
        "\b\n"
        "使用预设：  gridmap run --preset yingjing --osm FILE ... "
        "--out DIR\n"
        "修改预设：  gridmap presets yingjing > my_county.toml\n"
        "            gridmap run --config my_county.toml ...",
        "List the bundled presets, or print one (NAME) as TOML to copy and edit.\n"
        "\n"
        "\b\n"
        "Use one with:  gridmap run --preset yingjing --osm FILE ... --out DIR\n"
        "Or edit it:    gridmap presets yingjing > my_county.toml\n"
        "               gridmap run --config my_county.toml ..."),
    "help.reach.short": ("测算各网格驻点在响应时间内覆盖的住户。", "Measure which households each base reaches in time."),
    "help.reach": (
        "测算每个网格的驻点在响应时间内能到达哪些住户。\n"
        "\n"
        "读取计划 PLAN（plan.gpkg），在其道路网上出行（步行 4.5 km/h；电动车 15-25、驾车\n"
        "20-60 km/h，按道路等级；驾车遵守单行道），并写回图层 "
        "`bases`、`service_areas`（沿可到达\n"
        "街道的服务范围）和 `unreached`（响应时间外住户），grids.share_reached 以及 "
        "reach.csv\n"
        "（按单元）。\n"
        "\n"
        "\b\n"
        "示例：\n"
        "  gridmap reach out/demo/plan.gpkg\n"
        "  gridmap reach out/demo/plan.gpkg --mode ebike "
        "--minutes-rural 20 --bases offices.gpkg",
        "Measure which households each grid's base reaches within the response time.\n"
        "\n"
        "Reads PLAN (a plan.gpkg), travels on its road network (walk 4.5 km/h; e-bike 15-25,\n"
        "car 20-60 km/h by road class; one-way streets for cars), and writes back the layers\n"
        "bases, service_areas (bands along the reached streets) and unreached (households\n"
        "beyond the response time), grids.share_reached and reach.csv (per unit).\n"
        "\n"
        "\b\n"
        "Examples:\n"
        "  gridmap reach out/demo/plan.gpkg\n"
        "  gridmap reach out/demo/plan.gpkg --mode ebike --minutes-rural 20 --bases offices.gpkg"),
    "help.reach.option.roads": (
        "代替计划中道路图层的出行道路线（可重复）；`highway` 列决定道路等级（否则全部为 "
        "`residential`），有 `oneway` 和 `maxspeed` 列时会使用。",
        "Road lines to travel on instead of the plan's roads layer (repeatable); a 'highway' column sets the "
        "class (else all 'residential'), 'oneway' and 'maxspeed' are used when present."),
    "help.report.short": ("生成计划的报告（HTML、Markdown 或 PDF）。", "Report a plan (HTML, Markdown or PDF)."),
    "help.report": (
        "按乡镇和全县生成计划 PLAN（plan.gpkg）的报告：网格总图和各乡镇网格图，按层级和类型\n"
        "统计的网格，网格户数与户数范围的对比，标记的例外情况和校验问题；计划已配员并已测算\n"
        "服务圈时，还有按类型统计的网格员、按薪酬构成统计的每月和每年经费（元），以及服务圈\n"
        "覆盖住户比例。可打印：A4、页码、标题、发文单位和日期。\n"
        "\n"
        "\b\n"
        "示例：\n"
        "  gridmap report out/demo/plan.gpkg --out "
        "out/demo/report.html\n"
        "  gridmap report out/demo/plan.gpkg --out "
        "out/demo/report.pdf --pdf --office \"某某县委政法委\"\n"
        "  gridmap report out/demo/plan.gpkg --out "
        "out/demo/report.md --markdown --lang en",
        "Report PLAN (a plan.gpkg) per township and for the county: a map of the grids and\n"
        "one per township, grids by level and regime, households per grid against the band,\n"
        "flagged exceptions and validation faults, and, when the plan has been staffed and\n"
        "reached, workers by type, monthly and yearly budget by pay component (yuan), and the\n"
        "share of households inside the service circle. Printable: A4, page numbers, title,\n"
        "issuing office and date.\n"
        "\n"
        "\b\n"
        "Examples:\n"
        "  gridmap report out/demo/plan.gpkg --out out/demo/report.html\n"
        "  gridmap report out/demo/plan.gpkg --out out/demo/report.pdf --pdf --office \"某某县委政法委\"\n"
        "  gridmap report out/demo/plan.gpkg --out out/demo/report.md --markdown --lang en"),
    "help.report.option.out": (
        "报告文件（.html；配合 --markdown 为 .md；配合 --pdf 为 .pdf），原子写入。",
        "Report file (.html; .md with --markdown; .pdf with --pdf), written atomically."),
    "help.report.option.markdown": (
        "写出 Markdown，地图和图表为旁边的 SVG 文件，而不是一个自包含的 HTML 文件。",
        "Write Markdown with the maps and plots as SVG files beside it instead of one self-contained HTML file."),
    "help.report.option.pdf": (
        "用无界面 Chromium 把报告打印为 A4 PDF（离线；若浏览器不在 PATH 中，由 "
        "GRIDMAP_CHROMIUM 指定）。",
        "Print the report to an A4 PDF with headless Chromium (offline; GRIDMAP_CHROMIUM names the browser if it "
        "is not on the PATH)."),
    "help.report.option.no_validate": (
        "例外情况一节中不列校验问题。",
        "Leave the validation faults out of the exceptions section."),
    "help.report.option.no_maps": (
        "不绘制网格总图和各乡镇网格图（每幅约一秒）。",
        "Leave out the map of the grids and the map per township (about a second a map)."),
    "help.report.option.config": (
        "规则文件，其 [report] 表给出发文单位、日期（YYYY-MM-DD）和标题。",
        "Rules file whose [report] table names the issuing office, the date (YYYY-MM-DD) and a title."),
    "help.report.option.office": (
        "印在标题下的发文单位（优先于规则文件中的）。",
        "Issuing office printed under the title (overrides the rules file's)."),
    "help.run.short": ("对一个区域依次运行所有步骤。", "Run every step on one area."),
    "help.run": (
        "对一个区域依次运行所有步骤：划分、配员、服务圈、校验、地图、报告。\n"
        "\n"
        "写入 OUT：plan.gpkg（全部图层）、summary.json、roster.csv、budget.cs"
        "v、grids.csv 和\n"
        "grids.xlsx（每个网格一行；工作簿还含网格员名册和经费）、faults.gpkg、map.html、\n"
        "report.html、report.pdf 和 manifest.json，要么全部写出、要么都不写（OUT "
        "中此前命令的输出\n"
        "被替换；其间另一个写入 OUT 的命令会被拒绝）；文字和表头使用 --lang 的语言。规则取自\n"
        "--config 或 --preset（含 [plan]、[staffing]、[reach] 和 "
        "[validate] 表的 TOML 文件）；\n"
        "此处给出的选项优先于 [plan] 表，--mode 优先于 [reach] 表。\n"
        "\n"
        "\b\n"
        "示例：\n"
        "  gridmap run --osm data/liechtenstein.osm.pbf "
        "--area-name Liechtenstein --urban all --out out/demo",
        "Run every step on one area: partition, staff, reach, validate, map, report.\n"
        "\n"
        "Writes into OUT: plan.gpkg (every layer), summary.json, roster.csv, budget.csv,\n"
        "grids.csv and grids.xlsx (one row per grid; the workbook also holds the roster and\n"
        "budget), faults.gpkg, map.html, report.html, report.pdf and manifest.json, all or nothing\n"
        "(outputs of an earlier command in OUT are replaced; a second command into OUT\n"
        "meanwhile is refused); words and headers in --lang. Rules come from --config or --preset (a TOML file "
        "with [plan], [staffing],\n"
        "[reach] and [validate] tables); options given here override the [plan] table, and\n"
        "--mode the [reach] table.\n"
        "\n"
        "\b\n"
        "Example:\n"
        "  gridmap run --osm data/liechtenstein.osm.pbf --area-name Liechtenstein --urban all --out out/demo"),
    "help.run.option.preset": (
        "内置预设的名称（见 `gridmap presets`），代替 --config。",
        "Name of a bundled preset (see `gridmap presets`) instead of --config."),
    "help.run.option.mode": (
        "网格员的出行方式（`walk` 步行、`ebike` 电动车、`car` 驾车）。  "
        "[默认：规则文件中的值，`walk`]",
        "Travel mode of the workers.  [default: the config's, walk]"),
    "help.run.option.basemap": (
        "地图底图：`none`、`osm`、`tianditu`（天地图）、`gaode`（高德）或瓦片 URL "
        "模板（`none` 可离线使用）。",
        "Map background: none, osm, tianditu, gaode or a tile URL template (none works offline)."),
    "help.run.option.strict": ("校验发现错误级问题时以退出码 3 退出。", "Exit 3 when validation finds an error-level fault."),
    "help.run.option.pdf": (
        "同时用无界面 Chromium 把报告打印为 report.pdf（未安装 Chromium "
        "时跳过并给出警告）。",
        "Also print the report to report.pdf with headless Chromium (skipped with a warning when no Chromium is "
        "installed)."),
    "help.staff.short": ("为网格配备网格员：驻点、网格员名册和经费。", "Staff the grids: workers, bases, roster and budget."),
    "help.staff": (
        "为计划 PLAN 的网格配员：每个网格的网格员、驻点、网格员名册和经费。\n"
        "\n"
        "规则取自 --config 的 [staffing] 表（默认：每个城镇网格一名专职网格员，每月 1,000 "
        "元；\n"
        "每个农村网格一名兼职网格员，每月基本报酬 250 元 + 绩效 200 元 + 通讯补贴 50 元）。驻点为\n"
        "给定的（--bases），或在道路网上计算为按户数加权出行时间最短的节点（--mode、\n"
        "--objective）；--minutes-* 只在 --objective max_reached "
        "时起作用。\n"
        "\n"
        "把图层 `workers`、`bases` 和 `grids.workers` 写入计划，在其旁写出 "
        "roster.csv 和 budget.csv\n"
        "（带 BOM 的 UTF-8，便于 Excel 打开；表头和文字使用 --lang 的语言），并打印经费。\n"
        "\n"
        "\b\n"
        "示例：\n"
        "  gridmap staff out/demo/plan.gpkg\n"
        "  gridmap staff out/demo/plan.gpkg --config "
        "county_rules.toml --bases workrooms.gpkg",
        "Staff the grids of PLAN: workers per grid, their bases, roster and budget.\n"
        "\n"
        "Rules come from the [staffing] table of --config (default: one full-time worker,\n"
        "1,000 yuan/month, per urban grid; one part-time worker, 250 base + 200 performance\n"
        "+ 50 phone yuan/month, per rural grid). Bases are given (--bases) or computed on the\n"
        "road network as the node with the least household-weighted travel time (--mode,\n"
        "--objective); --minutes-* matter only for --objective max_reached.\n"
        "\n"
        "Writes the layers workers and bases and grids.workers into the plan, roster.csv\n"
        "and budget.csv beside it (UTF-8 with BOM, for Excel; headers and words in --lang),\n"
        "and prints the budget.\n"
        "\n"
        "\b\n"
        "Examples:\n"
        "  gridmap staff out/demo/plan.gpkg\n"
        "  gridmap staff out/demo/plan.gpkg --config county_rules.toml --bases workrooms.gpkg"),
    "help.update.short": ("地块在网格间移动后重建计划的网格。", "Rebuild a plan's grids after atoms changed grid."),
    "help.update": (
        "地块在网格之间移动后，重建计划 PLAN 的网格。\n"
        "\n"
        "重新统计户数，保留 ID 不变的网格的编码（新网格取所在村（社区）下一个空闲序号），按计划\n"
        "的规则重新配员并测算服务圈，进行校验，然后写出 OUT/plan.gpkg、summary.json、\n"
        "update.json（变动内容）、roster.csv、budget.csv、faults.gpkg、map."
        "html 和 report.html。\n"
        "违反规则的编辑（网格跨村（社区）边界、不连通、超出户数范围，或锁定的网格被改动）会连同\n"
        "网格和规则一并报告；除非给出 --allow-faults，否则什么也不写。\n"
        "\n"
        "\b\n"
        "示例：\n"
        "  gridmap update out/demo/plan.gpkg --atoms edits.gpkg "
        "--out out/edited\n"
        "  gridmap update out/demo/plan.gpkg --grids "
        "redrawn.gpkg --lock osm1155945-001 --out out/edited",
        "Rebuild the grids of PLAN after atoms were moved between grids.\n"
        "\n"
        "Recounts households, keeps the code of every grid that keeps its id (new grids get\n"
        "the next free serial of their village/community), staffs the grids and measures\n"
        "their reach again under the plan's rules, validates, and writes OUT/plan.gpkg,\n"
        "summary.json, update.json (what changed), roster.csv, budget.csv, faults.gpkg,\n"
        "map.html and report.html. An edit that breaks a rule (a grid across a\n"
        "village/community border, in pieces, out of the band, or a locked grid changed) is\n"
        "reported with the grid and the rule; nothing is written unless --allow-faults.\n"
        "\n"
        "\b\n"
        "Examples:\n"
        "  gridmap update out/demo/plan.gpkg --atoms edits.gpkg --out out/edited\n"
        "  gridmap update out/demo/plan.gpkg --grids redrawn.gpkg --lock osm1155945-001 --out out/edited"),
    "help.update.option.lock": (
        "锁定此网格（可重复）：它保留其地块、形状和编码。",
        "Lock this grid (repeatable): it keeps its atoms, geometry and code."),
    "help.update.option.lock_file": (
        "要锁定的网格 ID：每行一个，或带 grid_id 列的 CSV/GeoPackage。",
        "Grid ids to lock: one a line, or a CSV/GeoPackage with a grid_id column."),
    "help.update.option.atoms": (
        "编辑文件：每个地块的 `atom_id`、`grid_id`［、`locked`］（在 QGIS "
        "中编辑过的计划地块图层，或 `gridmap edit` 的导出）；新的 grid_id 文本即新建网格。",
        "Edits file: atom_id, grid_id [, locked] per atom (the plan's atoms layer edited in QGIS, or the export "
        "of `gridmap edit`); a new grid_id text makes a new grid."),
    "help.update.option.grids": (
        "重绘的网格面（grid_id 或 code 列；没有的为新网格）：每个地块归入覆盖其面积最多的面。",
        "Redrawn grid polygons (grid_id or code column; polygons without one are new grids): each atom goes to "
        "the polygon covering most of its area."),
    "help.update.option.allow_faults": (
        "编辑违反规则时仍写出计划（相关网格被标记）；默认什么也不写，退出码为 3。",
        "Write the plan even when an edit breaks a rule (the grids are flagged); by default nothing is written "
        "and the exit code is 3."),
    "help.validate.short": ("校验计划或任意网格图层；有错误时退出码为 3。", "Check a plan or any grid layer; exit 3 on errors."),
    "help.validate": (
        "校验 PLAN_OR_LAYER 的网格：plan.gpkg，或任意网格图层（手绘的、从其他系统导出的；\n"
        "GeoPackage、GeoJSON、Shapefile）。\n"
        "\n"
        "\b\n"
        "问题（未注明的为错误级）：区域内的空隙、区域外的网格、重叠、\n"
        "网格分为多块（农村网格为警告）、网格跨村或乡镇边界、\n"
        "户数超出户数范围（农村网格、飞地和单个地块的网格为警告）、空网格、\n"
        "编码重复或格式错误（12 位村级代码 + 3 位序号，或 UNIT-NNN）、\n"
        "无网格的网格员、无网格员的网格、驻点在所属网格外。\n"
        "\n"
        "打印问题表，并把带位置的问题写入 GeoPackage。没有错误级问题时退出码为 0，有则为 3，\n"
        "输入有误为 2。\n"
        "\n"
        "\b\n"
        "示例：\n"
        "  gridmap validate out/demo/plan.gpkg\n"
        "  gridmap validate township_grids.shp --grid-id WGBM "
        "--units villages.gpkg \\\n"
        "      --households-column HS --band 300 500 --out "
        "faults.gpkg",
        "Check the grids of PLAN_OR_LAYER: a plan.gpkg, or any grid layer (drawn by hand, exported\n"
        "from another system; GeoPackage, GeoJSON, Shapefile).\n"
        "\n"
        "\b\n"
        "Faults (level error unless said): gaps inside the area, grids outside it, overlaps,\n"
        "grids in several parts (warning for rural grids), grids crossing a village or township\n"
        "border, households out of band (warning for rural and island grids and grids of one\n"
        "atom), empty grids,\n"
        "duplicate or malformed codes (12-digit village code + 3-digit serial, or UNIT-NNN),\n"
        "workers without a grid, grids without a worker, bases outside their grid.\n"
        "\n"
        "Prints a table and writes the faults, located, to a GeoPackage. Exit code 0 when no\n"
        "error-level fault exists, 3 when one does, 2 on bad input.\n"
        "\n"
        "\b\n"
        "Examples:\n"
        "  gridmap validate out/demo/plan.gpkg\n"
        "  gridmap validate township_grids.shp --grid-id WGBM --units villages.gpkg \\\n"
        "      --households-column HS --band 300 500 --out faults.gpkg"),
    "help.validate.option.rules": (
        "TOML 规则：计划规则（其户数范围），可含 [validate] "
        "表（`band`、`tolerance_m2`、`levels = {fault = "
        "'error'|'warning'|'off'}`）。",
        "TOML rules: a plan config (its band) with an optional [validate] table (band, tolerance_m2, levels = "
        "{fault = 'error'|'warning'|'off'})."),
    "help.validate.option.layer": (
        "PLAN_OR_LAYER 中存放网格的图层（没有 `grids` 图层的多图层文件）。",
        "Layer of PLAN_OR_LAYER holding the grids (multi-layer files without a 'grids' layer)."),
    "help.validate.option.grid_id": (
        "网格图层中的网格 ID 列。  [默认：grid_id，否则 code，否则行号]",
        "Column of grid ids in the grid layer.  [default: grid_id, else code, else row number]"),
    "help.validate.option.area": (
        "网格必须覆盖的区域面文件（代替计划中的区域）。  [默认：计划的区域，否则各单元的并集]",
        "Polygon file of the area the grids must cover (replaces the plan's).  [default: the plan's area, else "
        "the union of the units]"),
    "help.validate.option.units": (
        "网格必须嵌套其中的村（社区）或乡镇面文件（`level` 列为 1-3 时逐级检查）。",
        "Polygon file of villages/communities or townships the grids must nest in (a 'level' column 1-3 checks "
        "each level)."),
    "help.validate.option.unit_id": (
        "--units 中的单元代码列。  [默认：`unit_id`/`code`/`id`/`GEOID`/`WARD`/代码/编码/区划代码 中第一个存在的]",
        "Column of unit ids in --units.  [default: the first of unit_id/code/id/GEOID/WARD/代码/编码/区划代码 "
        "present]"),
    "help.validate.option.households": (
        "按网格计数的住户点（或配合 --households-column 的普查面；或带 经度/纬度、lon/lat 列的 CSV/XLSX 表）。",
        "Household points (or census polygons with --households-column; or a CSV/XLSX table with 经度/纬度, "
        "lon/lat columns) to count per grid."),
    "help.validate.option.households_column": (
        "--households 中每个要素的户数；不给 --households 时，为网格图层自身的每格户数列。",
        "Households per feature in --households, or, without --households, the grid layer's own column of "
        "households per grid."),
    "help.validate.option.band": (
        "城镇网格的户数范围 MIN MAX。  [默认：规则中的，否则计划中的]",
        "MIN MAX households per urban grid.  [default: the rules', else the plan's]"),
    "help.validate.option.tolerance": (
        "不超过此面积（m²）的空隙、重叠、零碎部分和跨界视为误差。  [默认：1]",
        "Gaps, overlaps, stray parts and crossings up to this area are noise (m²).  [default: 1]"),
    "help.validate.option.gcj02": (
        "这些文件使用 GCJ-02 坐标（在高德或腾讯地图上绘制的网格）：读取时转换为 WGS 84（可重复）。",
        "These files hold GCJ-02 coordinates (grids drawn on AMap/Gaode or Tencent maps): shift them to WGS 84 "
        "on reading (repeatable)."),
    "help.validate.option.bd09": (
        "这些文件使用 BD-09 坐标（在百度地图上绘制的网格）：读取时转换为 WGS 84（可重复）。",
        "These files hold BD-09 coordinates (grids drawn on Baidu Maps): shift them to WGS 84 on reading "
        "(repeatable)."),
    "help.validate.option.out": (
        "问题的 GeoPackage（图层 faults、fault_points、fault_summary），原子写"
        "入。  [默认：PLAN_OR_LAYER 旁的 faults.gpkg]",
        "GeoPackage of the faults (layers faults, fault_points, fault_summary), written atomically.  [default: "
        "faults.gpkg beside PLAN_OR_LAYER]"),
    "help.validate.option.max_rows": (
        "终端上列出的问题条数（全部问题写入 --out）。",
        "Faults listed on the terminal (all of them go to --out)."),
}


#: click's own messages (usage errors: an unknown option, a bad value, a missing argument), by
#: click's message id (its English, with its placeholders), in Chinese: shown through
#: :mod:`gridmap.cli._click_words` when gridmap's command runs in Chinese. A message click adds
#: later stays in English.
CLICK_ZH: dict[str, str] = {
    "Did you mean {possibility}?": "是否想用 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否想用其中之一：{possibilities}？）",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少 {param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。",
    "unknown error": "未知错误",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "用 '{command} {option}' 查看帮助。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Invalid start character for option ({option})": "选项的开头字符无效（{option}）",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Got unexpected extra argument ({args})": "多出了参数（{args}）",
    "Got unexpected extra arguments ({args})": "多出了参数（{args}）",
    "Value must be an iterable.": "值必须是一组值。",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，只给了 1 个。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值，给了 {len} 个。",
    "Aborted!": "已中止！",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是 {choices} 之一。",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "{value!r} 不符合格式 {formats} 中的任何一个。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是有效的是/否值。可用的值：{states}",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数（{number_type}）。",
    "{value!r} is not a valid UUID.": "{value!r} 不是有效的 UUID。",
    "{len_type} values are required, but {len_value} was given.": "需要 {len_type} 个值，只给了 {len_value} 个。",
    "{len_type} values are required, but {len_value} were given.": "需要 {len_type} 个值，给了 {len_value} 个。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 不可执行。",
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
    """The word or sentence ``key`` in ``lang``, its template filled with ``params``; with ``n``
    = 1, the words ``key.one`` when the vocabulary has them (the singular).

    Raises KeyError for a key the vocabulary lacks (a bug: add it to both languages).
    """
    if key not in _WORDS:
        raise KeyError(f"i18n: no word {key!r}")
    if params.get("n") == 1 and f"{key}.one" in _WORDS:  # English says "1 unit", not "1 units"
        key = f"{key}.one"
    words = _pick(key, lang)
    return words.format(**params) if params else words


class Phrase:
    """Words ``key`` with ``params``, rendered in whatever language the message holding them is
    (a piece of a refusal that is there or not: the file, the row)."""

    def __init__(self, key: str, /, **params):
        self.key, self.params = key, params

    def text(self, lang: str) -> str:
        return text(self.key, lang, **self.params)


def role(what: str, lang: str) -> str:
    """An input's role in messages (``units``, ``households (a.gpkg)``) in ``lang``: the role
    named by the vocabulary's ``role.*`` words, what follows it in brackets kept."""
    what = str(what)
    name, _, rest = what.partition(" (")
    word = term("role", name, lang)
    if not rest:
        return word
    return f"{word}（{rest[:-1] if rest.endswith(')') else rest}）" if check_lang(lang) == "zh" else f"{word} ({rest}"


def error_text(key: str, lang: str, /, **params) -> str:
    """The refusal ``error.<key>`` in ``lang``, its template filled with ``params``; ``what``
    (the input's role) is named in ``lang`` (:func:`role`)."""
    # an error or a phrase within the error: in the same language
    params = {name: value.text(lang) if hasattr(value, "text") and hasattr(value, "key") else value
              for name, value in params.items()}
    if "what" in params:
        params = dict(params, what=role(params["what"], lang))
    return text(f"error.{key}", lang, **params)


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


def outcome_text(parts, lang: str) -> str:
    """Reasons stored as data (``[[code, params], ...]``, or its JSON; see gridmap.outcomes.outcome_parts) in ``lang``."""
    import json

    if isinstance(parts, str):
        parts = json.loads(parts) if parts.strip() else []
    sep = "；" if lang == "zh" else "; "
    return sep.join(message(code, lang, **params) for code, params in parts)


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
