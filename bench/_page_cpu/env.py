# ruff: noqa  (a measurement helper of issue 17, kept as it was run; see docs/BENCHMARKS.md)
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
os.environ["TEST_DB_NAME"] = "bench_load"
import django

django.setup()
from django.conf import settings

from bench.load import server_env

settings.DATABASES["default"]["NAME"] = "bench_load"
code = Path(sys.argv[1])
open(sys.argv[2], "w").write(json.dumps(server_env(code, "bench_load", Path(__file__).resolve().parents[2] / ".local" / f"bench-static-{code.name}")))
