from django import template

register = template.Library()


@register.simple_tag
def bars(items) -> list[tuple[str, int, int]]:
    """(label, value, percent of the largest) for a CSS bar chart; accepts a dict or pairs."""
    pairs = list(items.items()) if hasattr(items, "items") else [(str(k), v) for k, v in items]
    largest = max((value for _label, value in pairs), default=0) or 1
    return [(label, value, round(100 * value / largest)) for label, value in pairs]
