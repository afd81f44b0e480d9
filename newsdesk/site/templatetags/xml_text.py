import re

from django import template

register = template.Library()

# What XML 1.0 cannot hold at all, even escaped: C0 controls but tab, newline and carriage
# return, lone surrogates, and U+FFFE/U+FFFF. A headline with one would break the whole file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@register.filter
def xml_text(value):
    """Text that an XML file can hold; the template's autoescaping still escapes <, & and quotes."""
    return _NOT_XML.sub("", str(value))
