#!/usr/bin/env bash
# Record a finished CI run (.ci/run) in docs/results/: copy the outputs of every environment and of
# the matrix, and write docs/results/README.md stating the date, the commit and the commands.
#
#   .ci/run                      # the full CI run (about an hour on 2 cores)
#   scripts/record-results.sh    # then this; [BUILD_DIR] (default build/) if the outputs are elsewhere
#
# build/verify/       -> docs/results/cpu-tensorflow/   (tox -e verify; tests/test_errata.py reads it)
# build/verify-NAME/  -> docs/results/verify-NAME/      (verify-printed, verify-keras2, verify-jax, verify-torch)
# build/matrix/       -> docs/results/matrix/           (tox -e matrix)
# Only results.json, report.html, errata.md (and the matrix's matrix.html, matrix.json, errata.md) are
# copied. The hand-written analyses (each folder's README.md) are left as they are: they name the
# run they describe. Nothing is committed; review `git status docs/results` and commit.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
dest=docs/results

[ -f "$build/verify/results.json" ] || { echo "no $build/verify/results.json: run .ci/run (or tox -e verify) first" >&2; exit 2; }
[ -f "$build/matrix/matrix.json" ] || { echo "no $build/matrix/matrix.json: run .ci/run (or tox -e matrix) first" >&2; exit 2; }

copy() {  # copy SRC_DIR DEST_DIR FILE...
  local src=$1 to=$2; shift 2
  mkdir -p "$to"
  for f in "$@"; do
    [ -f "$src/$f" ] || { echo "missing $src/$f" >&2; exit 2; }
    cp "$src/$f" "$to/$f"
  done
  echo "$src -> $to"
}

folders=()
for src in "$build"/verify "$build"/verify-*; do
  [ -f "$src/results.json" ] || continue
  name=$(basename "$src")
  to=$dest/$name
  [ "$name" = verify ] && to=$dest/cpu-tensorflow
  copy "$src" "$to" results.json report.html errata.md
  folders+=("$to")
done
copy "$build/matrix" "$dest/matrix" matrix.html matrix.json errata.md

commit=$(git rev-parse --short=12 HEAD)
git diff --quiet HEAD -- runners reports claims tox.ini pyproject.toml || commit="$commit (with uncommitted changes)"
python3 - "$dest" "$(date -u +%Y-%m-%d)" "$commit" "${folders[@]}" <<'PY'
import json
import sys
from pathlib import Path

dest, today, commit, folders = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
COMMANDS = {"cpu-tensorflow": "tox -e verify", "verify-printed": "tox -e verify-printed",
            "verify-keras2": "tox -e verify-keras2", "verify-jax": "tox -e verify-jax -- --tier static",
            "verify-torch": "tox -e verify-torch -- --tier static"}
STATUSES = ("passed", "failed", "inconclusive", "known-erratum", "error", "skipped")
rows = []
for folder in map(Path, folders):
    run = json.loads((folder / "results.json").read_text())["run"]
    counts = ", ".join(f"{run['counts'][s]} {s}" for s in STATUSES if run["counts"].get(s))
    env = run["environment"]
    stack = ", ".join(f"{k} {env[k]}" for k in ("keras", "tensorflow", "jax", "torch") if env.get(k))
    rows.append(f"| [`{folder.name}/`]({folder.name}/) | `{COMMANDS.get(folder.name, '.ci/run')}` | "
                f"{run['label']} ({stack}) | {run['tier']} | {run['started'][:10]} | `{run.get('commit')}` | "
                f"{counts} | {run['seconds']:.0f} |")
envs = json.loads((dest / "matrix/matrix.json").read_text())["environments"]
(dest / "README.md").write_text(f"""# Recorded results

The outputs of one full CI run (`.ci/run`), recorded on {today} from commit `{commit}` by

```sh
scripts/record-results.sh
```

(run after `.ci/run` has finished; it copies `build/verify*/` and `build/matrix/` here and writes
this file). The date and commit of each run are those its `results.json` records.

| folder | command | environment | tier | date | commit | claims | seconds |
| --- | --- | --- | --- | --- | --- | --- | --- |
{chr(10).join(rows)}
| [`matrix/`](matrix/) | `tox -e matrix` | {", ".join(envs)} | | {today} | `{commit}` | the claims x environments | |

Each folder holds `results.json`, `report.html` and `errata.md` (the matrix: `matrix.html`,
`matrix.json`, `errata.md`). A folder's own `README.md`, where there is one, is an analysis
written by hand and names the run it describes.
""")
print(f"wrote {dest / 'README.md'}")
PY
