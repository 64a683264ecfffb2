#!/usr/bin/env bash
# The nightly tier's MNIST claims on a GPU machine with no network: a smoke test of the GPU path.
#
# Installs only what is carried beside the checkout: the wheels in .whl/ (keras, claimcheck's
# own needs and theirs: the list is REQUIRED below and in docs/gpu-tier.md), with --no-index
# --no-deps into a folder of its own. It checks that every module keras and claimcheck import is
# then importable, and where one is not, lists the missing distributions and the `pip download`
# that fetches them, and stops (exit 2) before anything runs. claimcheck itself runs from the
# tree (no install). MNIST
# comes from $CLAIMCHECK_DATA_DIR, default smoke-data/ in the tree (mnist/ with the four IDX files
# and SHA256SUMS, copied there). It runs the dense and convnet test-accuracy claims at the gpu
# tier's 10 seeds, K worker processes per GPU, on a fresh cache, and prints the device the
# results record, the seconds of each training run, the wall time and the GPU's utilisation.
#
# usage: scripts/gpu-smoke.sh [--allow-cpu] [--jobs-per-gpu K] [--seeds N] [--out DIR]
#                             [--cache-dir DIR] [-k PATTERN]...
#   --allow-cpu   run on the CPU where there is no GPU (tests do, with --seeds 2)
set -euo pipefail
cd "$(dirname "$0")/.."

out=build/smoke
jobs_per_gpu=4
extra=()
patterns=()
cache=""
while [ $# -gt 0 ]; do
  case "$1" in
    --allow-cpu) extra+=(--allow-cpu); shift ;;
    --jobs-per-gpu) jobs_per_gpu="$2"; shift 2 ;;
    --seeds) extra+=(--seeds "$2"); shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --cache-dir) cache="$2"; shift 2 ;;
    -k) patterns+=(-k "$2"); shift 2 ;;
    *) echo "gpu-smoke: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ ${#patterns[@]} -gt 0 ] || patterns=(-k dlwp2.ch02.dense.test_acc.printed -k dlwp2.ch08.convnet.test_acc.printed)
mkdir -p "$out"
out=$(cd "$out" && pwd)
cache=${cache:-$out/cache}

# what is carried: wheels, installed with no index into a folder of their own
site="$out/site"
if compgen -G ".whl/*.whl" > /dev/null; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target "$site" .whl/*.whl
fi
# every module keras and claimcheck import, with the distribution that provides it: checked
# before anything runs (the GPU machine brings its own numpy, and JAX or PyTorch)
REQUIRED="keras:keras absl:absl-py rich:rich markdown_it:markdown-it-py mdurl:mdurl pygments:pygments
h5py:h5py ml_dtypes:ml-dtypes namex:namex optree:optree packaging:packaging typing_extensions:typing-extensions
numpy:numpy yaml:pyyaml jinja2:jinja2 markupsafe:markupsafe pandas:pandas dateutil:python-dateutil six:six
tzdata:tzdata scipy:scipy PIL:pillow filelock:filelock pebble:pebble"
case "${KERAS_BACKEND:-jax}" in
  jax) REQUIRED="$REQUIRED jax:jax jaxlib:jaxlib" ;;
  torch) REQUIRED="$REQUIRED torch:torch" ;;
  tensorflow) REQUIRED="$REQUIRED tensorflow:tensorflow" ;;
esac
missing=$(PYTHONPATH="$site${PYTHONPATH:+:$PYTHONPATH}" python3 - $REQUIRED <<'PY'
import importlib.util, sys
for pair in sys.argv[1:]:
    module, dist = pair.split(":")
    try:
        found = importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        print(dist)
PY
)
if [ -n "$missing" ]; then
  {
    echo "gpu-smoke: these distributions are neither installed here nor in .whl/:"
    echo "$missing" | sed 's/^/  /'
    echo "fetch them on a machine with network, for this machine's Python ($(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')):"
    echo "  pip download --no-deps --only-binary=:all: --python-version $(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])') \\"
    echo "      --platform manylinux_2_17_x86_64 -d .whl $(echo $missing | tr '\n' ' ')"
    echo "(docs/gpu-tier.md has the whole set)"
  } >&2
  exit 2
fi
# claimcheck from the tree: the import namespace claimcheck.* over runners/ and reports/
shim="$out/shim/claimcheck"
mkdir -p "$shim"
ln -sfn "$PWD/runners" "$shim/runners"
ln -sfn "$PWD/reports" "$shim/reports"
export PYTHONPATH="$out/shim:$site${PYTHONPATH:+:$PYTHONPATH}"
export CLAIMCHECK_DATA_DIR="${CLAIMCHECK_DATA_DIR:-$PWD/smoke-data}"
export KERAS_BACKEND="${KERAS_BACKEND:-jax}"
export TF_CPP_MIN_LOG_LEVEL=2 PYTHONUNBUFFERED=1
if [ ! -d "$CLAIMCHECK_DATA_DIR/mnist" ]; then
  echo "gpu-smoke: no MNIST at $CLAIMCHECK_DATA_DIR/mnist (copy shared/datasets/mnist there)" >&2
  exit 2
fi

sampler=""
if command -v nvidia-smi > /dev/null 2>&1; then
  nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv,noheader,nounits -l 1 > "$out/gpu-util.csv" &
  sampler=$!
fi
start=$(date +%s.%N)
status=0
python3 -m claimcheck.runners.cli verify --tier gpu --jobs-per-gpu "$jobs_per_gpu" "${patterns[@]}" \
  "${extra[@]}" --cache-dir "$cache" --out "$out/verify" --no-history --claims claims || status=$?
end=$(date +%s.%N)
[ -z "$sampler" ] || kill "$sampler" 2> /dev/null || true

python3 - "$out" "$start" "$end" <<'PY'
import json, statistics, sys
from pathlib import Path

out, start, end = Path(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
doc = json.loads((out / "verify/results.json").read_text())
env = doc["run"]["environment"]
print(f"device recorded: {env.get('device')} ({env.get('backend')} backend, Keras {env.get('keras')})")
if env.get("gpu"):
    g = env["gpu"]
    print(f"gpu: {g.get('count')} x {g.get('name')}, driver {g.get('driver')}, CUDA {g.get('cuda')}, cuDNN {g.get('cudnn')}")
print(f"wall: {end - start:.1f} s for the whole run")
for r in doc["results"]:
    runs = r.get("details", {}).get("runs") or []
    secs = [x["seconds"] for x in runs if isinstance(x, dict) and x.get("seconds") is not None]
    if secs:
        print(f"{r['id']}: {r['status']}, {len(secs)} runs, seconds per run: min {min(secs):.1f}, "
              f"median {statistics.median(secs):.1f}, max {max(secs):.1f}; mean {r.get('observed')}")
    else:
        print(f"{r['id']}: {r['status']} ({r.get('reason', '')[:200]})")
util = out / "gpu-util.csv"
if util.is_file() and util.read_text().strip():
    rows = [list(map(float, line.split(","))) for line in util.read_text().splitlines() if line.strip()]
    used = [r[0] for r in rows]
    print(f"gpu utilisation: mean {statistics.mean(used):.0f}%, max {max(used):.0f}% over {len(rows)} s; "
          f"memory used max {max(r[1] for r in rows):.0f} MiB")
else:
    print("gpu utilisation: n/a (no nvidia-smi on this machine)")
PY
exit $status
