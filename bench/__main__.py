"""`python -m bench` lists the benchmarks; `python -m bench NAME [args]` runs bench/NAME.py."""

import pkgutil
import runpy
import sys
from pathlib import Path


def main():
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if not m.name.startswith("_"))
    if len(sys.argv) < 2 or sys.argv[1] not in names:
        print("可运行的基准测试：" + ("、".join(names) if names else "（无）"))
        print("用法：make bench BENCH_ARGS=<名称>")
        return 0 if len(sys.argv) < 2 else 2
    name = sys.argv.pop(1)
    sys.argv[0] = f"bench/{name}.py"
    runpy.run_module(f"bench.{name}", run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
