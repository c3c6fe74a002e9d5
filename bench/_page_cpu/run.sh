#!/bin/bash
# Per-page CPU and wall time in one process, production settings (DJANGO_DEBUG=0), the bench_load database,
# through the test client (issue 17).  Build the database and the collected static files first with one
# `python -m bench load` run (with `--code DIR` for another checkout).
#   bench/_page_cpu/env.py CHECKOUT ENVFILE [DB]     # the environment bench/load.py gives gunicorn
#   bench/_page_cpu/run.sh ENVFILE CHECKOUT N PAGE…   # PROF_USER=xz_staff PROF=file.prof DUMP=file.pkl QUERIES=1
#   SCRIPT=/abs/bench/_page_cpu/sample.py [FOCUS=path:function] run.sh ENVFILE CHECKOUT N PAGE…  # sampled profile
#   bench/_page_cpu/cmp.py USER…                     # /tmp/i17b/{a,b}-USER.pkl: identical apart from CSRF/nonce
#   SCRIPT=/abs/bench/_page_cpu/list_pages.py run.sh ENVFILE CHECKOUT OUT.pkl USER   # every list page (i17f)
#   bench/_page_cpu/cmp_lists.py DIR USER…          # DIR/{a,b}-USER.pkl of list_pages.py: pages and filter forms
#   bench/_page_cpu/instructions.sh ENVFILE CHECKOUT OUTDIR PAGE…   # instructions a request under callgrind
here=$(cd "$(dirname "$0")" && pwd); venv=$here/../../.venv/bin/python
envfile=$1; code=$2; shift 2
cd "$code" && env -i HOME="$HOME" PATH="$PATH" $("$venv" -c "import json,shlex,sys;print(' '.join(f'{k}={shlex.quote(v)}' for k,v in json.load(open(sys.argv[1])).items() if k not in ('PATH','HOME')))" "$envfile") PROF=$PROF DUMP=$DUMP QUERIES=$QUERIES FOCUS=$FOCUS TOP=$TOP DEPTH=$DEPTH COLLAPSE=$COLLAPSE PROF_USER=${PROF_USER:-xz_staff} "$venv" "${SCRIPT:-$here/prof.py}" "$@"
