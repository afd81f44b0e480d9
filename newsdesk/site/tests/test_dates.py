"""Every page shows a moment the same way: the time for today, the date and time before, in the site's zone."""

from datetime import date, datetime, timezone as dt_timezone

from django.template import Context, Template
from django.test import override_settings

from newsdesk.site.templatetags.dates import when_label


def render(moment):
    return Template("{% load dates %}{{ moment|when }}").render(Context({"moment": moment}))


@override_settings(TIME_ZONE="Europe/Moscow")
def test_today_is_the_time_alone_and_earlier_days_the_date_and_time_in_the_sites_zone():
    today = date(2025, 4, 4)
    assert when_label(datetime(2025, 4, 4, 7, 5, tzinfo=dt_timezone.utc), today) == "10:05"
    assert when_label(datetime(2025, 4, 3, 22, 30, tzinfo=dt_timezone.utc), today) == "01:30"  # the 4th in Moscow
    assert when_label(datetime(2025, 4, 3, 20, 30, tzinfo=dt_timezone.utc), today) == "3 Apr, 23:30"
    assert when_label(datetime(2024, 12, 31, 9, 0, tzinfo=dt_timezone.utc), today) == "31 Dec 2024, 12:00"


@override_settings(TIME_ZONE="Europe/Moscow")
def test_the_filter_gives_a_time_element_with_the_exact_moment():
    html = render(datetime(2024, 12, 31, 9, 0, tzinfo=dt_timezone.utc))

    assert html == '<time datetime="2024-12-31T12:00:00+0300">31 Dec 2024, 12:00</time>'
    assert render(None) == ""
