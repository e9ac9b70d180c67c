"""URL converters for the archive: a month is written with two digits (/2024/07/)."""


class MonthConverter:
    regex = "[0-9]{1,2}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"
