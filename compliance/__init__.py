"""Compliance and enforcement: what is on the extranet without approval, and isolating it.

``scan`` (collection through the drivers), ``reconcile`` (pure: facts + plan +
requests + filings → findings), ``service`` (scans, findings, acknowledgement),
``enforce`` (isolate/restore as access jobs), ``cli``.
"""
