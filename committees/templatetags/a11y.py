"""Form fields tied to their help and errors for screen readers: `{{ field|described }}` renders the widget with
aria-describedby naming the ids the form template gives the help text and the error list (which exist only when
shown), and aria-invalid on a field in error."""

from django import template

register = template.Library()


@register.filter
def described(field):
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_errors")
    attrs = {"aria-describedby": " ".join(ids)} if ids and field.auto_id else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)
