"""The operating characteristic of the stochastic claims under the rule of commit 5d90314.

Prints the Markdown table of docs/operating-characteristic.md's "Before" section: the decision
functions of runners/stats.py at that commit (read with git), the tolerances the specs then had,
the reference spreads of claims/dlwp2/references.yaml, 2,000 simulated runs per cell.
Run from the repository root: python scripts/oc-before.py
"""
import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

COMMIT = "5d90314"
# claim, stated value, tolerance (None: "beats dense", a test of the gap > 0), reference sd, seeds
ROWS = [
    ("dense.test_acc.printed", "0.9785", 0.003, 0.001894, 5),
    ("dense.test_acc.prose", "97.8%", 0.003, 0.001894, 5),
    ("dense.train_acc", "0.989", 0.003, 0.0002497, 5),
    ("convnet.test_acc.printed", "0.991", 0.002, 0.000638, 5),
    ("convnet.test_acc.notes", "0.992", 0.002, 0.000638, 5),
    ("convnet.error-reduction", "60%", 0.10, 0.05476, 5),
    ("convnet.beats-dense (> 0)", "0", None, 0.002174, 5),
    ("scratch.test_acc", "69.5%", 0.03, 0.02524, 3),
    ("augmented.test_acc", "83.5%", 0.03, 0.02488, 3),
    ("vgg16.fast_features.val_acc", "97%", 0.01, 0.00216, 3),
    ("vgg16.fine_tuning.test_acc", "98.5%", 0.01, 0.003215, 3),
]


def old_stats():
    source = subprocess.run(["git", "show", f"{COMMIT}:runners/stats.py"], capture_output=True, text=True,
                            check=True).stdout
    path = Path(tempfile.mkdtemp()) / "old_stats.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("old_stats", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["old_stats"] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def main() -> None:
    S = old_stats()
    rng = np.random.default_rng(0)
    print("| claim | seeds | 0 sd | 1 sd | 2 sd | 4 sd | 6 sd | 8 sd |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, text, tol, sd, n in ROWS:
        stated = S.parse_stated(text)
        cells = []
        for delta in (0, 1, 2, 4, 6, 8):
            counts = {"passed": 0, "failed": 0, "inconclusive": 0}
            for row in rng.normal(0, sd, size=(2000, n)):
                if tol is None:  # the true gap delta sd above 0; the claim: the gap is > 0
                    decision = S.decide_sign(S.summarize(list(row + delta * sd)), "greater", "gap")
                else:  # the true mean delta sd below the stated value
                    decision = S.decide_band(S.summarize(list(row + stated.value - delta * sd)),
                                             stated.low - tol, stated.high + tol)
                counts[decision.status] += 1
            cells.append(" / ".join(f"{counts[k] / 2000:.2f}" for k in ("passed", "failed", "inconclusive")))
        print(f"| {name} | {n} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    sys.exit(main())
