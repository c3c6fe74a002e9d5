# ruff: noqa  (a measurement helper of issue 17, kept as it was run; see docs/BENCHMARKS.md)
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
DB = sys.argv[3] if len(sys.argv) > 3 else "bench_load"  # optional third argument: bench_crackdown
os.environ["TEST_DB_NAME"] = DB
import django

django.setup()
from django.conf import settings

from bench.load import server_env

settings.DATABASES["default"]["NAME"] = DB
code = Path(sys.argv[1])
open(sys.argv[2], "w").write(json.dumps(server_env(code, DB, Path(__file__).resolve().parents[2] / ".local" / f"bench-static-{code.name}")))
