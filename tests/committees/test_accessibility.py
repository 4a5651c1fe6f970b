"""Accessibility: form errors tied to their fields (aria-describedby naming ids that exist), phone fields that
bring up the number pad, text colours with a contrast of at least 4.5:1 on their backgrounds."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "site.css"


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.described, self.inputs = set(), [], {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if "aria-describedby" in attrs:
            self.described.append((attrs.get("name"), attrs["aria-describedby"].split()))
        if tag == "input" and attrs.get("name"):
            self.inputs[attrs["name"]] = attrs


def test_form_errors_are_tied_to_their_fields_and_the_phone_brings_up_the_number_pad(
    client, two_streets, liaison_of
):
    client.force_login(liaison_of(two_streets["school"], two_streets["minan"]))
    page = client.post(reverse("record_create", args=["needs"]), {"title": "", "contact_phone": "12"})
    assert page.status_code == 200
    parsed = _Ids()
    parsed.feed(page.content.decode())
    described = dict(parsed.described)
    assert "title" in described and "contact_phone" in described  # both in error
    for name, ids in parsed.described:
        for ref in ids:
            assert ref in parsed.ids, (name, ref)
    phone = parsed.inputs["contact_phone"]
    assert phone["type"] == "tel" and phone["inputmode"] == "tel"
    assert parsed.inputs["title"].get("aria-invalid") == "true"


def _luminance(hex_colour: str) -> float:
    hex_colour = hex_colour.lstrip("#")
    if len(hex_colour) == 3:
        hex_colour = "".join(c * 2 for c in hex_colour)
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_text_colour_of_the_site_reads_at_4_5_to_1():
    rules = re.findall(r"([^{}]+)\{([^}]*)\}", CSS.read_text())
    checked = 0
    for selector, body in rules:
        colour = re.search(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})", body)
        if not colour:
            continue
        background = re.search(r"background(?:-color)?:\s*(#[0-9a-fA-F]{3,6})", body)
        # Text without its own background sits on a card (#fff) or the page (#f5f5f5): the darker one counts.
        grounds = [background.group(1)] if background else ["#ffffff", "#f5f5f5"]
        if ".topbar" in selector and not background:
            grounds = ["#b71c1c"]
        for ground in grounds:
            assert contrast(colour.group(1), ground) >= 4.5, (selector.strip(), colour.group(1), ground)
            checked += 1
    assert checked > 10
