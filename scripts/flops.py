"""Counting a model's forward FLOPs from its layer configs, for time estimates.

``python scripts/flops.py`` prints the count for each model of chapter 8 and the estimate of
each trained claim's time on one GPU (docs/gpu-tier.md explains the assumptions).
"""
from __future__ import annotations

import math

import keras


def layer_flops(layer) -> int:
    """Multiply-adds x 2 of one forward pass of one example (convolutions and dense layers)."""
    name = type(layer).__name__
    if name in ("Conv1D", "Conv2D", "Conv3D"):
        cfg = layer.get_config()
        out = [int(d) for d in layer.output.shape[1:]]
        cin = int(layer.input.shape[-1])
        window = math.prod(cfg["kernel_size"]) * cin // cfg.get("groups", 1)
        return 2 * math.prod(out) * window
    if name == "Dense":
        return 2 * int(layer.input.shape[-1]) * int(layer.output.shape[-1])
    if hasattr(layer, "layers"):  # a nested model: VGG16 inside the augmented model
        return model_flops(layer)
    return 0


def model_flops(model) -> int:
    return sum(layer_flops(layer) for layer in model.layers)


def chapter8_models() -> dict[str, int]:
    from keras import layers

    def small_convnet(size, channels, filters, dense, dropout=False):
        inputs = keras.Input((size, size, channels))
        x = inputs
        for i, f in enumerate(filters):
            x = layers.Conv2D(f, 3, activation="relu")(x)
            if i < len(filters) - 1:
                x = layers.MaxPooling2D(2)(x)
        x = layers.Flatten()(x)
        return keras.Model(inputs, layers.Dense(dense)(x))

    vgg = keras.applications.vgg16.VGG16(weights=None, include_top=False, input_shape=(180, 180, 3))
    block5 = sum(layer_flops(layer) for layer in vgg.layers if layer.name.startswith("block5"))
    head_in = keras.Input((5, 5, 512))
    head = keras.Model(head_in, layers.Dense(1)(layers.Dense(256)(layers.Flatten()(head_in))))
    return {
        "mnist_convnet": model_flops(small_convnet(28, 1, [32, 64, 128], 10)),
        "mnist_dense": 2 * (784 * 512 + 512 * 10),
        "dogs_convnet": model_flops(small_convnet(180, 3, [32, 64, 128, 256, 256], 1)),
        "vgg16_base": model_flops(vgg),
        "vgg16_block5": block5,
        "dense_head": model_flops(head),
    }


def training_flops(f: dict[str, int]) -> dict[str, float]:
    """FLOPs of each trained pipeline with the book's settings (a training step ~ 3 forward passes)."""
    train, val, test = 2000, 1000, 2000
    conv, vgg, head, b5 = f["dogs_convnet"], f["vgg16_base"], f["dense_head"], f["vgg16_block5"]
    frozen_epoch = train * (vgg + 3 * head) + val * (vgg + head)
    return {
        "mnist convnet, 5 epochs": 5 * 60000 * 3 * f["mnist_convnet"] + 10000 * f["mnist_convnet"],
        "mnist dense, 5 epochs": 5 * 60000 * 3 * f["mnist_dense"] + 10000 * f["mnist_dense"],
        "8.2 from scratch, 30 epochs": 30 * (train * 3 * conv + val * conv) + test * conv,
        "8.2 augmented, 100 epochs": 100 * (train * 3 * conv + val * conv) + test * conv,
        "8.3 fast feature extraction": (train + val + test) * vgg + 20 * (train * 3 + val) * head,
        "8.3 feature extraction + augmentation, 50 epochs": 50 * frozen_epoch + test * (vgg + head),
        "8.3 fine-tuning (after the above), 30 epochs": 50 * frozen_epoch
        + 30 * (train * (vgg + 2 * (b5 + head)) + val * (vgg + head)) + test * (vgg + head),
    }


def main() -> None:
    f = chapter8_models()
    print("forward FLOPs per example:")
    for name, value in f.items():
        print(f"  {name:28} {value / 1e9:10.3f} GFLOP")
    print("training FLOPs per run (one seed):")
    for name, value in training_flops(f).items():
        print(f"  {name:50} {value / 1e15:10.3f} PFLOP")


if __name__ == "__main__":
    main()
