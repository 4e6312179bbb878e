"""`celery ...` for the reliability suite's workers, with a resolver that stays on this machine.

Reported addresses in the suite are IP literals (no DNS at all) except names
under `dns-fails.invalid`, whose every look-up times out, as a broken name
server would: the task that always fails. Every other name does not exist.
Nothing else about the worker changes; the children of the prefork pool
inherit the resolver.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reportsite.settings")

import django  # noqa: E402

django.setup()

import dns.exception  # noqa: E402
import dns.resolver  # noqa: E402

from enrichment import hosting  # noqa: E402


class LocalResolver:
    def resolve(self, qname, rdtype, **kwargs):
        if "dns-fails" in str(qname):
            raise dns.exception.Timeout()
        raise dns.resolver.NXDOMAIN()


hosting._default_resolver = LocalResolver

if __name__ == "__main__":
    from celery.__main__ import main

    sys.argv[0] = "celery"
    sys.exit(main())
