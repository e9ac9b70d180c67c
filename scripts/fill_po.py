"""Fill msgstr values in a .po catalogue from a JSON file of {"[context|]msgid": "msgstr"}.

Usage: python scripts/fill_po.py locale/az/LC_MESSAGES/django.po translations.json
A plural entry takes a list of forms. Existing translations are overwritten only
when the JSON names them.
"""

import json
import sys

import polib


def main(po_path, json_path):
    catalogue = polib.pofile(po_path)
    with open(json_path, encoding="utf-8") as handle:
        wanted = json.load(handle)
    for entry in catalogue:
        key = f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid
        if key not in wanted:
            continue
        value = wanted[key]
        if entry.msgid_plural:
            forms = value if isinstance(value, list) else [value, value]
            entry.msgstr_plural = dict(enumerate(forms))
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    catalogue.save(po_path)


if __name__ == "__main__":
    main(*sys.argv[1:3])
