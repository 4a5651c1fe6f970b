"""The default category taxonomy named in the lists issue; secretaries may add to it in the admin."""

DEFAULT_CATEGORIES = [
    ("venues", "阵地场地", "Venues and space"),
    ("volunteers", "人才志愿", "Volunteers and skills"),
    ("funds", "资金物资", "Funds and goods"),
    ("culture", "文化体育", "Culture and sport"),
    ("education", "教育培训", "Education"),
    ("health", "医疗卫生", "Health"),
    ("care", "养老托育", "Elderly and child care"),
    ("employment", "就业创业", "Employment"),
    ("legal", "法律服务", "Legal aid"),
    ("environment", "环境物业", "Environment and property"),
    ("safety", "平安应急", "Safety and emergency"),
    ("other", "其他", "Other"),
]


def ensure_defaults(category_model) -> None:
    """Create the default categories that are missing (takes the historical model in a migration)."""
    if category_model.objects.count() >= len(DEFAULT_CATEGORIES):
        return
    for position, (code, name, name_en) in enumerate(DEFAULT_CATEGORIES, start=1):
        category_model.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "position": position}
        )
