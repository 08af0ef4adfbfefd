"""Vietnamese names of the rollup metrics: no raw key (`activities.tvpb.done`) reaches a person."""

from cms.records.models import Activity, MemberOrganisation

_MEASURES = {
    "count": "số hoạt động",
    "done": "đã hoàn thành",
    "participants": "lượt người tham dự",
    "copies": "số bản",
    "entries": "giải pháp dự thi",
    "prizes": "số giải",
    "national_entries": "giải pháp gửi dự thi toàn quốc",
    "quantity": "số lượng",
}
_PLAIN = {
    "members": "Hội viên",
    "site.visits": "Lượt truy cập trang",
    "site.news": "Tin bài đăng",
    "contests.entries": "Cuộc thi: giải pháp dự thi (theo danh sách)",
    "contests.prizes": "Cuộc thi: giải pháp đoạt giải",
    "contests.national_entries": "Cuộc thi: giải pháp gửi dự thi toàn quốc",
}


def metric_label(metric: str) -> str:
    """ "activities.tvpb.done" → "Tư vấn, phản biện và giám định xã hội: đã hoàn thành"."""
    if metric in _PLAIN:
        return _PLAIN[metric]
    group, _, rest = metric.partition(".")
    if group == "organisations" and rest in MemberOrganisation.Kind.values:
        return f"Tổ chức thành viên: {MemberOrganisation.Kind(rest).label}"
    if group == "activities":
        kind, _, measure = rest.partition(".")
        if kind in Activity.Kind.values and measure in _MEASURES:
            return f"{Activity.Kind(kind).label}: {_MEASURES[measure]}"
    return "Chỉ tiêu khác"


def metric_order(metric: str) -> tuple:
    """Members first, then organisations and activities in the order of their kinds."""
    group, _, rest = metric.partition(".")
    kind, _, measure = rest.partition(".")
    if metric == "members":
        return (0,)
    if group == "organisations":
        values = MemberOrganisation.Kind.values
        return (1, values.index(kind) if kind in values else 99)
    if group == "activities":
        kinds, measures = Activity.Kind.values, list(_MEASURES)
        return (
            2,
            kinds.index(kind) if kind in kinds else 99,
            measures.index(measure) if measure in measures else 99,
        )
    return (3, metric)


def labelled(metrics: dict[str, int]) -> list[tuple[str, int]]:
    return [(metric_label(m), metrics[m]) for m in sorted(metrics, key=metric_order)]
