"""Does TensorFlow's op determinism change the chapter 2 dense network's values on this CPU?

usage: python scripts/op-determinism.py DATA_DIR {plain,det}

Trains the book's dense network (512 relu, 10 softmax, rmsprop, 5 epochs, batch 128) on the real
MNIST files in DATA_DIR/mnist with seed 0, with (``det``) or without (``plain``) TensorFlow's op
determinism and TF32 off, and prints the test accuracy and the training seconds. Run each twice
to see whether a setting repeats. Measured 2026-12-01 (TF 2.21, 2 cores): plain 0.9793999791145325
twice, det 0.9799000024795532 twice (environment/numerics.py cites it).
"""
import gzip
import struct
import sys
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf


def idx(path: Path) -> np.ndarray:
    data = gzip.open(path).read()
    n = data[3]
    dims = struct.unpack(">" + "I" * n, data[4:4 + 4 * n])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * n).reshape(dims)


def main(data_dir: str, mode: str) -> None:
    if mode == "det":
        tf.config.experimental.enable_op_determinism()
        tf.config.experimental.enable_tensor_float_32_execution(False)
    keras.utils.set_random_seed(0)
    root = Path(data_dir) / "mnist"
    x_train = idx(root / "train-images-idx3-ubyte.gz").reshape(60000, 784).astype("float32") / 255
    y_train = idx(root / "train-labels-idx1-ubyte.gz")
    x_test = idx(root / "t10k-images-idx3-ubyte.gz").reshape(10000, 784).astype("float32") / 255
    y_test = idx(root / "t10k-labels-idx1-ubyte.gz")
    model = keras.Sequential([keras.layers.Dense(512, activation="relu"), keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(x_train, y_train, epochs=5, batch_size=128, verbose=0)
    print(mode, repr(model.evaluate(x_test, y_test, verbose=0)[1]), round(time.perf_counter() - start, 1))


if __name__ == "__main__":
    main(*sys.argv[1:3])
