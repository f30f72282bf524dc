"""Format modules for FORMAT_MODULE_PATH: ``id`` and ``en`` write dates dd-mm-yyyy and times HH.MM.

The helpers that write dates from Python are ``central.formats`` (the bottom layer uses them too).
"""
