"""The project's date and time formats for Indonesian pages (``FORMAT_MODULE_PATH``).

One convention for every page, the admin and the messages written from Python: dates dd-mm-yyyy, times
HH.MM (WIB is written by the text around them). Django's own Indonesian formats ("3 Des 2026", "G.i") are
replaced so that a template's ``|date`` or ``|time`` and ``django.utils.formats.date_format`` all agree.
"""

DATE_FORMAT = "d-m-Y"
SHORT_DATE_FORMAT = "d-m-Y"
TIME_FORMAT = "H.i"
DATETIME_FORMAT = "d-m-Y H.i"
SHORT_DATETIME_FORMAT = "d-m-Y H.i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1  # Monday

# What the operator may type: dd-mm-yyyy first (the form shows it), the ISO date a browser's date picker or a
# pasted export gives, and dd/mm/yyyy. Django appends its ISO formats when a list here lacks them.
DATE_INPUT_FORMATS = ["%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y"]
TIME_INPUT_FORMATS = ["%H.%M", "%H:%M", "%H.%M.%S", "%H:%M:%S"]
DATETIME_INPUT_FORMATS = [
    "%d-%m-%Y %H.%M",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y %H.%M.%S",
    "%d-%m-%Y %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%d-%m-%Y",
    "%Y-%m-%d",
]
