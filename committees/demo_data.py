"""Beijing's districts and the demo streets, communities and units (names real; community codes illustrative)."""

DISTRICTS = [
    ("110101", "东城区"),
    ("110102", "西城区"),
    ("110105", "朝阳区"),
    ("110106", "丰台区"),
    ("110107", "石景山区"),
    ("110108", "海淀区"),
    ("110109", "门头沟区"),
    ("110111", "房山区"),
    ("110112", "通州区"),
    ("110113", "顺义区"),
    ("110114", "昌平区"),
    ("110115", "大兴区"),
    ("110116", "怀柔区"),
    ("110117", "平谷区"),
    ("110118", "密云区"),
    ("110119", "延庆区"),
]

# (street code, street name, [community names]); a community's code is the street's plus 001, 002, ...
STREETS = [
    (
        "110101005",
        "北新桥街道",
        ["民安社区", "九道湾社区", "北官厅社区", "门楼社区", "草园社区", "海运仓社区"],
    ),
    ("110101008", "建国门街道", ["赵家楼社区", "东总布社区", "西总布社区"]),
    ("110101010", "和平里街道", ["和平里东街社区", "青年湖社区", "地坛社区"]),
    ("110102010", "德胜街道", ["六铺炕社区", "新康社区", "德胜里社区"]),
    ("110102014", "天桥街道", ["虎坊路社区", "永安路社区", "福长街社区"]),
    ("110108007", "北下关街道", ["交大东路社区", "南二社区", "皂君庙社区"]),
]

BEIXINQIAO = "110101005"

# The Beixinqiao committee's 54 member units: (name, kind). Central units from the seeds come first.
BEIXINQIAO_UNITS = [
    ("中国石油天然气集团有限公司", "central"),
    ("中国红十字会总会", "central"),
    ("中国民用航空局机关服务局", "central"),
    ("中国地震局地球物理研究所", "central"),
    ("国家开发银行北京分行", "central"),
    ("北京市档案馆", "municipal"),
    ("北京市第二中级人民法院东城服务站", "municipal"),
    ("北京市公安局公交保卫总队", "municipal"),
    ("北京市自来水集团东城营业所", "municipal"),
    ("东城区卫生健康委员会", "district"),
    ("东城区文化馆", "district"),
    ("东城区第一图书馆", "district"),
    ("东城区教育委员会", "district"),
    ("东城区城市管理委员会", "district"),
    ("东城区民政局", "district"),
    ("北新桥派出所", "dispatched"),
    ("北新桥市场监督管理所", "dispatched"),
    ("北新桥税务所", "dispatched"),
    ("北新桥司法所", "dispatched"),
    ("东城消防救援支队北新桥站", "dispatched"),
    ("国网北京市电力公司东城供电公司", "state_owned"),
    ("北京燃气集团东城分公司", "state_owned"),
    ("中国工商银行北新桥支行", "state_owned"),
    ("中国邮政北新桥邮电局", "state_owned"),
    ("北京公交集团第一客运分公司", "state_owned"),
    ("北京首都旅游集团簋街餐饮公司", "state_owned"),
    ("北京雍和宫文化发展有限公司", "non_public"),
    ("北京簋街餐饮协会", "social"),
    ("北京海运仓物业服务有限公司", "non_public"),
    ("北京东直门科技有限公司", "non_public"),
    ("北京九道湾家政服务有限公司", "non_public"),
    ("北京民安药房连锁有限公司", "non_public"),
    ("北京北新桥律师事务所", "non_public"),
    ("北京胡同印象文化传媒有限公司", "non_public"),
    ("北京簋街小吃店有限公司", "non_public"),
    ("北京新太仓建筑修缮有限公司", "non_public"),
    ("北京东四环保科技有限公司", "non_public"),
    ("北京青龙胡同文创有限公司", "non_public"),
    ("北新桥社会工作服务中心", "social"),
    ("东城区北新桥志愿者协会", "social"),
    ("北新桥养老照料中心", "social"),
    ("北京春晖儿童发展中心", "social"),
    ("东城区北新桥商会", "social"),
    ("北新桥街道退役军人服务站", "social"),
    ("北京市第一七一中学", "public_institution"),
    ("北京市东城区府学胡同小学", "public_institution"),
    ("北京市东城区北新桥幼儿园", "public_institution"),
    ("北京中医医院", "public_institution"),
    ("北京市东城区北新桥社区卫生服务中心", "public_institution"),
    ("北京市东城区第一人民医院", "public_institution"),
    ("东城区青少年科技馆", "public_institution"),
    ("北京市东城区职业大学", "public_institution"),
    ("北京东直门医院", "public_institution"),
    ("北京市东城区体育运动学校", "public_institution"),
]

# A few units of other streets, so that scoping shows: (street code, name, kind).
OTHER_UNITS = [
    ("110102014", "北京天桥艺术中心", "state_owned"),
    ("110102014", "北京友谊医院", "public_institution"),
    ("110102014", "天桥派出所", "dispatched"),
    ("110102014", "北京市第十五中学", "public_institution"),
    ("110102010", "德胜科技园管理有限公司", "non_public"),
    ("110102010", "西城区德胜社会工作事务所", "social"),
    ("110102010", "中国石化销售北京石油分公司德胜加油站", "state_owned"),
    ("110101010", "和平里医院", "public_institution"),
    ("110101010", "中国煤炭地质总局", "central"),
    ("110101008", "北京站地区管理委员会", "municipal"),
    ("110108007", "北京交通大学", "public_institution"),
    ("110108007", "中国气象局气象探测中心", "central"),
]

DEMO_PASSWORD = "Dangjian@2026"  # 13 characters: the demo keeps the 12-character rule too

# username, name, (committee code, role, unit name or None, position)
DEMO_PEOPLE = [
    ("dongcheng_secretary", "王丽华", [("110101", "secretary", None, "东城区委组织部党建工作科")]),
    ("dongcheng_overseer", "赵建国", [("110101", "overseer", None, "东城区委组织部督导组")]),
    ("bxq_secretary", "李秀英", [("110101005", "secretary", None, "北新桥街道党建工作协调委员会秘书")]),
    ("bxq_chair", "刘志强", [("110101005", "chair", None, "北新桥街道党工委书记")]),
    (
        "bxq_vice_chair",
        "陈卫东",
        [("110101005", "vice_chair", "中国石油天然气集团有限公司", "机关党委副书记")],
    ),
    ("bxq_member", "杨敏", [("110101005", "member", "北京市东城区第一人民医院", "党委书记")]),
    ("bxq_member_rep", "黄建华", [("110101005", "member", None, "在职党员代表")]),
    ("tq_secretary", "周静", [("110102014", "secretary", None, "天桥街道党建工作协调委员会秘书")]),
    ("liaison_petro", "孙浩", [("110101005", "liaison", "中国石油天然气集团有限公司", "党建联络员")]),
    ("liaison_hospital", "吴芳", [("110101005", "liaison", "北京市东城区第一人民医院", "党建联络员")]),
    ("liaison_tianqiao", "郑磊", [("110102014", "liaison", "北京天桥艺术中心", "党建联络员")]),
    ("liaison_eldercare", "钱秀兰", [("110101005", "liaison", "北新桥养老照料中心", "党建联络员")]),
    # 民安社区's secretary: residents' submissions reach their inbox (民事民提)
    ("minan_secretary", "马红梅", [("110101005001", "secretary", None, "民安社区党委书记、协调委员会秘书")]),
]

# Published needs and resources of Beixinqiao units, so that matching has something to pair in the demo:
# (unit name, community index or None for the street, category code, title, description, quantity, measure)
DEMO_NEEDS = [
    (
        "北京市东城区府学胡同小学",
        0,
        "education",
        "课后托管志愿者",
        "放学后为双职工家庭学生提供课后托管和作业辅导",
        6,
        "people",
    ),
    (
        "北新桥养老照料中心",
        1,
        "health",
        "老年人健康义诊",
        "为社区60岁以上老人提供血压血糖检测和用药咨询",
        4,
        "sessions",
    ),
    ("北新桥社会工作服务中心", 2, "care", "独居老人助餐", "为独居老人每日配送午餐", 20, "people"),
    (
        "北京海运仓物业服务有限公司",
        5,
        "environment",
        "胡同厕所修缮",
        "海运仓胡同两座公厕需要修缮",
        2,
        "items",
    ),
    ("东城区北新桥志愿者协会", None, "safety", "防汛应急物资", "汛期需要沙袋、雨衣等应急物资", 50, "items"),
]
DEMO_RESOURCES = [
    (
        "北京市东城区第一人民医院",
        None,
        "health",
        "医院志愿者健康义诊",
        "医护志愿者每月到社区义诊，测血压血糖",
        6,
        "sessions",
    ),
    ("北京东直门医院", None, "health", "中医理疗进社区", "中医专家社区坐诊和理疗", 4, "sessions"),
    (
        "北京市第一七一中学",
        3,
        "education",
        "学生志愿者课后辅导",
        "高中生志愿者为小学生辅导作业",
        10,
        "people",
    ),
    (
        "北京首都旅游集团簋街餐饮公司",
        2,
        "care",
        "社区食堂助餐配送",
        "食堂为老人配送午餐，每日20份",
        20,
        "people",
    ),
    (
        "北京新太仓建筑修缮有限公司",
        None,
        "environment",
        "房屋修缮施工队",
        "可承接胡同公厕、院落修缮",
        3,
        "items",
    ),
    ("中国红十字会总会", None, "safety", "应急救援物资", "雨衣、沙袋、急救包等应急物资", 100, "items"),
]

DEMO_ROUND = "2027年度需求资源征集"


# --- Plausible units for the scale generator and the benchmarks (no Faker at run time) --------------------------

UNIT_SUFFIXES = {
    "central": ["总公司", "研究院", "总会"],
    "municipal": ["市政管理中心", "市属医院", "市档案馆"],
    "district": ["区卫生健康委员会", "区文化馆", "区图书馆"],
    "dispatched": ["派出所", "市场监管所", "税务所", "司法所"],
    "state_owned": ["供电公司", "燃气集团分公司", "银行支行"],
    "non_public": ["科技有限公司", "商贸有限公司", "物业服务有限公司"],
    "social": ["社会工作服务中心", "志愿者协会", "养老服务中心"],
    "public_institution": ["小学", "中学", "社区卫生服务中心", "医院"],
}
_PREFIXES = "东华 京隆 安和 同仁 永定 和平 新华 光明 长安 兴业 宏远 金台 德胜 朝阳 海岳 春晖".split()
_SURNAMES = "王 李 张 刘 陈 杨 赵 黄 周 吴 徐 孙 马 朱 胡 郭".split()
_GIVEN = "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 霞 平".split()
_STREETS = "东四 交道口 安定门 和平里 建国门 朝阳门 景山 东华门 天坛 体育馆路".split()


def sample_unit(rng, serial: int) -> dict:
    """The fields of a plausible member unit (its credit code is the caller's), varied by `rng`."""
    kind = rng.choice(list(UNIT_SUFFIXES))
    name = f"北京{rng.choice(_PREFIXES)}{rng.choice(UNIT_SUFFIXES[kind])}{serial}"
    return {
        "name": name,
        "kind": kind,
        "party_org_name": f"{name}党支部",
        "party_member_count": rng.randint(3, 300),
        "address": f"{rng.choice(_STREETS)}大街{rng.randint(1, 300)}号",
        "contact_name": rng.choice(_SURNAMES) + rng.choice(_GIVEN),
        "contact_phone": f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}",
    }
