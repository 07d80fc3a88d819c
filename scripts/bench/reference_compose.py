"""What an editor might write instead of `newsletter build`: Python-Markdown for the items,
Jinja2 for the email template, lxml (libxml2) for DTD validation through the XML catalog.
Usage: reference_compose.py ITEMS_DIR OUT_FILE"""
import pathlib
import sys

import jinja2
import markdown
import yaml
from lxml import etree

TEMPLATE = jinja2.Template(
    """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>{{ subject }}</title></head>
<body><table width="600" border="0" cellpadding="0" cellspacing="0">
{% for item in items %}<tr><td><h2>{{ item.title }}</h2><p>{{ item.date }}</p>{{ item.html }}
{% if item.link %}<p><a href="{{ item.link }}">Read the full article</a></p>{% endif %}</td></tr>
{% endfor %}</table></body></html>""",
    autoescape=True,
)


def read_item(path):
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    fields = yaml.safe_load(front)
    html = markdown.markdown(body, extensions=["tables"], output_format="xhtml")
    return {**fields, "html": jinja2.utils.markupsafe.Markup(html)}


def main():
    items = [read_item(path) for path in sorted(pathlib.Path(sys.argv[1]).glob("*.md"))]
    document = TEMPLATE.render(subject="Benchmark issue", items=items)
    parser = etree.XMLParser(dtd_validation=True, load_dtd=True, no_network=True)
    etree.fromstring(document.encode("utf-8"), parser)
    pathlib.Path(sys.argv[2]).write_text(document, encoding="utf-8")


main()
