"""Dates in each language's own form, the same on every page.

Azerbaijani writes month names in lower case ("27 sentyabr 2023"); Django's az
catalogue capitalises them and Python's lower() mangles "İyul". English uses the
day-first form the committee uses ("27 September 2023").
"""

from django.utils import timezone

MONTHS = {
    "az": [
        "yanvar",
        "fevral",
        "mart",
        "aprel",
        "may",
        "iyun",
        "iyul",
        "avqust",
        "sentyabr",
        "oktyabr",
        "noyabr",
        "dekabr",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}


def month_name(month, language):
    return MONTHS.get(language, MONTHS["en"])[month - 1]


def format_date(value, language):
    """ "27 sentyabr 2023" / "27 September 2023", in Baku time for aware datetimes."""
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return format_local_date(value, language)


def format_local_date(value, language):
    """format_date for a date or time already in Baku time: no conversion."""
    return f"{value.day} {month_name(value.month, language)} {value.year}"


def time_attribute(value):
    """An aware datetime as a <time datetime> value in its own zone, as the templates'
    `date:'Y-m-d\\TH:i:sO'` writes it ("2023-09-27T14:05:00+0400")."""
    return value.strftime("%Y-%m-%dT%H:%M:%S%z")


def format_month(year, month, language):
    return f"{month_name(month, language)} {year}"
