#!/usr/bin/env bash
# Regenerate the locks (an upgrade is a reviewed change of these files; `tox -e matrix` shows what it
# does to the verdicts). Needs uv (pip install uv) and the package index; run from the repository root.
#   locks/keras3.txt: Keras 3 on TensorFlow, JAX and PyTorch (CPU), the test tools, every book's libraries
#   locks/keras2.txt: TensorFlow 2.15 with its Keras 2, every book's libraries
set -euo pipefail
cd "$(dirname "$0")/.."
books=locks/books.in  # every book's requirements.txt, joined (written here: the locks name it)
cat claims/*/requirements.txt | sed 's/#.*//; s/[[:space:]]*$//' | grep -v '^$' | sort -u > "$books"
common=(--python-version 3.11 --python-platform x86_64-manylinux_2_28 --constraint constraints.txt
        --find-links /opt/wheels --index-strategy unsafe-best-match --no-header --annotation-style line)
uv pip compile pyproject.toml "$books" --extra tensorflow --extra jax --extra torch --extra test "${common[@]}" \
    -o locks/keras3.txt
uv pip compile pyproject.toml "$books" --extra keras2 "${common[@]}" -o locks/keras2.txt
