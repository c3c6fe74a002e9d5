#!/bin/bash
# Instructions per request of each page under callgrind (bench/_page_cpu/instructions.py; issue 17):
#   bench/_page_cpu/instructions.sh ENVFILE CHECKOUT OUTDIR PAGE…     # PROF_USER=xz_staff (as run.sh)
here=$(cd "$(dirname "$0")" && pwd); venv=$here/../../.venv/bin/python
envfile=$1; code=$2; out=$(mkdir -p "$3" && cd "$3" && pwd); shift 3
rm -f "$out"/cg.out*
cd "$code" && env -i HOME="$HOME" PATH="$PATH" $("$venv" -c "import json,shlex,sys;print(' '.join(f'{k}={shlex.quote(v)}' for k,v in json.load(open(sys.argv[1])).items() if k not in ('PATH','HOME')))" "$envfile") CALLGRIND_DIR="$out" PROF_USER=${PROF_USER:-xz_staff} valgrind --tool=callgrind --dump-before=time_process_time --callgrind-out-file="$out/cg.out" "$venv" "$here/instructions.py" "$@"
