"""Controlled vocabularies of the ledger (DOMAIN.md §2): code → Chinese label.

Labels are plain strings marked with N_ for extraction; label() translates at render
time, and imports match the Chinese text people type. A label that names the network's
maker says %(maker)s (one deployment hosts several makers); its code never changes.
"""
from flask_babel import gettext


def N_(text: str) -> str:
    return text


CUSTOMER_KINDS = {"unit": N_("单位"), "individual": N_("个人")}
SEGMENTS = {"own_old": N_("本品老客户"), "rival_old": N_("竞品老客户"), "new": N_("新客户")}
CLASSES = {"industry_major": N_("行业性大客户"), "key_major": N_("重点性大客户"),
           "general_major": N_("一般性大客户"), "retail": N_("一般客户")}
TRANSPORT_TYPES = {"long_haul": N_("长途"), "medium_short": N_("中短途"), "earthwork": N_("土石方运输"),
                   "cement_mixing": N_("水泥搅拌")}
NATURES = {"state": N_("国有"), "joint_stock": N_("股份"), "private": N_("私有"), "jv": N_("合资(独资)"),
           "individual": N_("个体")}
USES = {"city_services": N_("城市保障"), "city_construction": N_("城市建设"), "city_transport": N_("城市运输"),
        "mining": N_("矿用运输"), "special": N_("专用类")}
SOURCES = {
    "sales_system": N_("实销系统"), "service_system": N_("%(maker)s服务及配件系统"), "rival_network": N_("竞品销售服务"),
    "repair_shop": N_("社会服务站/配件店"), "transport_office": N_("运管站"), "fleet": N_("车队/挂靠公司"),
    "insurer": N_("保险公司"), "informant": N_("信息员"), "broker": N_("车托儿"), "leader": N_("行业带头人/官员"),
    "walk_in": N_("客户来店"), "referral": N_("朋友介绍"), "reputation": N_("慕名而来"), "phone_in": N_("主动电话咨询"),
    "visit": N_("上门走访"), "advertising": N_("广告/大黄页"),
}
INTENT_LEVELS = {1: N_("1级（3个月内）"), 2: N_("2级（6个月内）"), 3: N_("3级（12个月内）")}
INFLUENCE = {"high": N_("高"), "medium": N_("中"), "low": N_("低")}
STAKEHOLDER_ROLES = {
    "general_manager": N_("总经理"), "fleet_captain": N_("车队长"), "finance_head": N_("财务负责人"),
    "business_head": N_("业务负责人"), "driver": N_("司机"), "owner": N_("车主"), "friend": N_("陪同朋友"),
    "spouse": N_("车主配偶"), "other": N_("其他"),
}


MAKER = "%(maker)s"


def label(vocab: dict, code, maker="") -> str:
    """The translated label; maker (a name, or a function giving it, asked only when the
    label names the maker) fills %(maker)s."""
    if code not in vocab:
        return code or ""
    if MAKER not in vocab[code]:
        return gettext(vocab[code])
    return gettext(vocab[code], maker=maker() if callable(maker) else maker)


def chinese(vocab: dict, code, maker: str = "") -> str:
    """The Chinese label as people type it (imports, error messages about them)."""
    return vocab[code].replace(MAKER, maker)


def code_for(vocab: dict, text: str, makers=()) -> str | None:
    """The code whose Chinese label (or the code itself) is text; None when unknown.
    A label naming the maker matches with any of the names in makers."""
    text = (text or "").strip()
    if not text:
        return ""
    for code in vocab:
        names = [chinese(vocab, code, m) for m in makers] if MAKER in vocab[code] else [vocab[code]]
        if text == str(code) or text in names:
            return code
    return None


# Callbacks (slides 32, 35-39) and follow-up (slides 40-44).
CALLBACK_METHODS = {"sms": N_("发送慰问短信"), "phone": N_("电话回访"), "home_callback": N_("上门回访"),
                    "visit": N_("上门拜访"), "thank_you_party": N_("答谢会"), "promotion_meeting": N_("推广会")}
CALLBACK_GROUPS = {"recent": N_("近期购车客户"), "middle": N_("中期购车客户"), "old_own": N_("早期已购本品客户"),
                   "old_rival": N_("早期已购竞品客户"), "own_major": N_("本品大客户"), "rival_major": N_("竞品大客户"),
                   "new": N_("新客户（未购车）")}
WHEN = {"3m": N_("3个月内"), "6m": N_("6个月内"), "12m": N_("12个月内"), "later": N_("12个月以后"), "none": N_("暂无计划")}
PAYMENTS = {"full": N_("全款"), "mortgage": N_("按揭"), "installment": N_("分期"), "lease": N_("融资租赁")}
BIG_STEPS = {"appointment": N_("电话预约"), "time_place": N_("约定地点、时间"), "visit": N_("上门拜访（门卫、车队长、主管、经理）"),
             "gift": N_("赠送礼品（按公司规定）"), "situation": N_("交流，了解现状"), "needs": N_("了解购车需求"),
             "doubts": N_("了解客户的疑虑"), "strengths": N_("介绍本品优势"), "compare": N_("突出与竞品的优势"),
             "answers": N_("重点介绍疑虑的解决措施"), "accepts": N_("客户认同本品优势"),
             "recommend": N_("推荐车型、设计物流方案"), "agrees": N_("得到客户认同"), "contract_date": N_("确定合同签订时间")}
ORDINARY_STEPS = {"phone": N_("电话回访"), "invite": N_("邀请来店看车"), "receive": N_("接见客户"),
                  "situation": N_("交流，了解现状"), "needs": N_("了解购车需求"), "doubts": N_("了解客户的疑虑"),
                  "strengths": N_("介绍本品优势"), "compare": N_("突出与竞品的优势对比"),
                  "answers": N_("重点介绍疑虑的解决措施"), "accepts": N_("客户认同本品优势"),
                  "recommend": N_("推荐车型、设计物流方案"), "agrees": N_("得到客户认同"),
                  "contract_date": N_("确定合同签订时间"), "help": N_("介绍我们可以为客户提供的帮助")}
STAGES = {"following": N_("跟进中"), "negotiating": N_("洽谈中"), "give_up_pending": N_("放弃待批"), "won": N_("已成交"),
          "lost": N_("未成交")}
TASK_KINDS = {"delivery": N_("交车"), "word_of_mouth": N_("口碑传播"), "service_tracking": N_("服务跟踪回访")}
PREPARATION_ITEMS = {"staff": N_("人员到位"), "office": N_("办公场所到位"), "vehicles": N_("硬件（车辆）到位"),
                     "relations": N_("公关到位"), "budget": N_("费用到位"), "mechanism": N_("管理机制到位")}
SCORE_RULES = {
    "target_attainment": N_("目标达成率"), "ledger_completeness": N_("台帐完整率"),
    "callback_completion": N_("回访计划完成率"), "callback_timeliness": N_("回访及时率"),
    "coverage": N_("老客户回访覆盖率"), "level1_followup": N_("一级意向跟进及时率"), "conversion": N_("成交转化率"),
    "rival_conversion": N_("竞品客户转化率"), "post_delivery": N_("售后跟踪完成率"),
    "verification": N_("回访核实确认率"), "preparation": N_("前期准备（人工评分）"), "training": N_("培训（人工评分）")}
EVALUATION_KINDS = {"month": N_("月度"), "quarter": N_("季度"), "year": N_("年度")}
APPEAL_STATUSES = {"open": N_("待处理"), "upheld": N_("已采纳"), "rejected": N_("已驳回")}
EVIDENCE_RECORDS = {"customer": N_("客户"), "callback_item": N_("计划回访"), "callback": N_("回访记录"),
                    "opportunity": N_("商机"), "task": N_("售后任务"), "check": N_("核实")}
EVALUATION_STATUSES = {"queued": N_("排队中"), "computing": N_("计算中"), "issued": N_("已签发"), "failed": N_("失败")}
JOB_STATUSES = {"queued": N_("排队中"), "running": N_("运行中"), "done": N_("完成"), "failed": N_("失败")}
TEMPLATE_STATUSES = {"draft": N_("草稿"), "published": N_("使用中"), "retired": N_("已停用")}
REPAIR_KINDS = {"maintenance": N_("保养"), "repair": N_("维修"), "accident": N_("事故车"), "warranty": N_("索赔")}
SERVICE_METHODS = {"phone": N_("电话"), "sms": N_("短信"), "letter": N_("信函")}
ALERT_STATUSES = {"open": N_("待处理"), "resolved": N_("已处理待确认"), "closed": N_("已关闭")}
SURVEY_LABELS = {"overall": N_("总体"), "timeliness": N_("及时性"), "quality": N_("维修质量"), "price": N_("价格"),
                 "attitude": N_("服务态度"), "facility": N_("环境设施")}
VEHICLE_TYPES = {"tanker": N_("罐式车"), "mixer": N_("搅拌车"), "dump": N_("自卸车"), "refrigerated": N_("冷藏车"),
                 "van": N_("厢式车"), "sanitation": N_("环卫车"), "crane": N_("随车起重"), "other": N_("其他")}
PROJECT_STAGES = {"proposal": N_("立项"), "design": N_("设计"), "prototype": N_("样车"), "applied": N_("公告申报"),
                  "published": N_("公告发布"), "small_batch": N_("小批量"), "series": N_("批量生产"), "stopped": N_("终止")}
EVENT_KINDS = {"thanks": N_("答谢会"), "promotion": N_("推介会"), "roadshow": N_("巡展"), "test_drive": N_("试乘试驾"),
               "launch": N_("新品发布会"), "seminar": N_("技术交流会")}
SCORE_RULES.update({"service_callback_completion": N_("维修回访完成率"), "service_callback_timeliness": N_("维修回访及时率"),
                    "service_satisfaction": N_("客户满意率"), "complaints_closed_in_time": N_("投诉按期关闭率")})
EVIDENCE_RECORDS.update({"service_callback": N_("维修回访"), "alert": N_("热点预警"), "survey": N_("客户问卷")})
SURVEY_EVENTS = {"delivery": N_("交车"), "repair": N_("维修")}
