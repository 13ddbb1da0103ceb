"""Device configuration templates, one folder per platform (Jinja2, ``<name>.j2``).

A package only so that a wheel installs the templates with the code and
``access.render`` finds them through ``importlib.resources``; it holds no code.
"""
