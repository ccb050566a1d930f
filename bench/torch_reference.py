"""PyTorch side of bench/train.ts: trains the reference shapes on N CPU threads.

Usage: /usr/bin/python3 bench/torch_reference.py --steps N [--chunk K] [--threads T] [--models dense-ae,conv-ae,...]
Prints one JSON line per model: {"model", "samples_per_s" (median over chunks), "best_samples_per_s", "loss"}.
The shapes mirror bench/reference-models.ts: 3x3 stride-2 ReLU convs (16,32 at 28x28 gray;
32,64,128 at 32x32 and 64x64 RGB) mirrored by transposed convs, sigmoid output, binary
cross-entropy, Adam (lr 1e-3), batch 128; engine-conv-ae is the engine's own conv-ae (4x4 kernels, batch norm). RGB images are Fashion-MNIST upscaled (nearest) with
the gray scaled by 1, 0.8, 0.6 per channel, as bench/train.ts makes them.
"""
import argparse
import gzip
import json
import os
import time

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

IMAGES = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"
BATCH = 128


def load_images(limit, size=28, channels=1):
    with gzip.open(IMAGES, "rb") as f:
        data = np.frombuffer(f.read(), dtype=np.uint8, offset=16)
    images = data.reshape(-1, 1, 28, 28)[:limit].astype(np.float32) / 255.0
    source = np.arange(size) * 28 // size
    images = images[:, :, source][:, :, :, source]
    if channels == 3:
        images = np.concatenate([images, images * 0.8, images * 0.6], axis=1)
    return torch.from_numpy(np.ascontiguousarray(images))


def shape_of(name):
    """(size, channels, filters) of a reference model's images and encoder."""
    if name.endswith("-32rgb"):
        return 32, 3, [32, 64, 128]
    if name.endswith("-64rgb"):
        return 64, 3, [32, 64, 128]
    return 28, 1, [16, 32]


class DenseAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 32))
        self.decoder = nn.Sequential(nn.Linear(32, 256), nn.ReLU(), nn.Linear(256, 784))

    def forward(self, x):
        logits = self.decoder(self.encoder(x))
        return F.binary_cross_entropy_with_logits(logits, x.flatten(1), reduction="sum") / x.shape[0]


def conv_encoder(channels, filters):
    # each 3x3 stride-2 conv ('same' padding) halves the side
    layers = []
    for width in filters:
        layers += [nn.Conv2d(channels, width, 3, stride=2, padding=1), nn.ReLU()]
        channels = width
    return nn.Sequential(*layers, nn.Flatten())


def conv_decoder(latent, size, channels, filters):
    side = size // 2 ** len(filters)
    layers = [nn.Linear(latent, side * side * filters[-1]), nn.ReLU(), nn.Unflatten(1, (filters[-1], side, side))]
    widths = list(reversed(filters[:-1])) + [channels]
    previous = filters[-1]
    for i, width in enumerate(widths):
        layers.append(nn.ConvTranspose2d(previous, width, 3, stride=2, padding=1, output_padding=1))
        if i < len(widths) - 1:
            layers.append(nn.ReLU())
        previous = width
    return nn.Sequential(*layers)


def code_units(size, filters):
    side = size // 2 ** len(filters)
    return side * side * filters[-1]


class ConvAE(nn.Module):
    def __init__(self, size, channels, filters, latent=16):
        super().__init__()
        self.encoder = nn.Sequential(conv_encoder(channels, filters), nn.Linear(code_units(size, filters), latent))
        self.decoder = conv_decoder(latent, size, channels, filters)

    def forward(self, x):
        logits = self.decoder(self.encoder(x))
        return F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / x.shape[0]


class ConvVAE(nn.Module):
    def __init__(self, size, channels, filters, latent=16):
        super().__init__()
        self.encoder = conv_encoder(channels, filters)
        self.mean = nn.Linear(code_units(size, filters), latent)
        self.log_var = nn.Linear(code_units(size, filters), latent)
        self.decoder = conv_decoder(latent, size, channels, filters)

    def forward(self, x):
        h = self.encoder(x)
        mean, log_var = self.mean(h), self.log_var(h)
        z = mean + torch.exp(0.5 * log_var) * torch.randn_like(mean)
        logits = self.decoder(z)
        reconstruction = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
        kl = -0.5 * torch.sum(1 + log_var - mean.pow(2) - log_var.exp())
        return (reconstruction + kl) / x.shape[0]


class EngineConvAE(nn.Module):
    """The engine's own conv-ae (engine/models/layers.ts) at 28x28 gray, filters 16,32, 16-D code: 4x4 stride-2
    convs without bias, each with batch norm and ReLU, a 3x3 conv on the smallest map, mirrored by 4x4
    stride-2 transposed convs. bench/train-epochs.ts compares `latent-lab train` with it."""

    def __init__(self, filters=(16, 32), latent=16, size=28):
        super().__init__()

        def block(conv):
            return [conv, nn.BatchNorm2d(conv.out_channels, momentum=0.1), nn.ReLU()]

        side, deepest = size // 2 ** len(filters), filters[-1]
        encoder, channels = [], 1
        for width in filters:
            encoder += block(nn.Conv2d(channels, width, 4, stride=2, padding=1, bias=False))
            channels = width
        encoder += block(nn.Conv2d(deepest, deepest, 3, padding=1, bias=False))
        self.encoder = nn.Sequential(*encoder, nn.Flatten(), nn.Linear(side * side * deepest, latent))
        decoder = [nn.Linear(latent, side * side * deepest, bias=False), nn.Unflatten(1, (deepest, side, side)),
                   nn.BatchNorm2d(deepest, momentum=0.1), nn.ReLU()]
        decoder += block(nn.Conv2d(deepest, deepest, 3, padding=1, bias=False))
        for width in reversed(filters[:-1]):
            decoder += block(nn.ConvTranspose2d(channels, width, 4, stride=2, padding=1, bias=False))
            channels = width
        decoder.append(nn.ConvTranspose2d(channels, 1, 4, stride=2, padding=1))
        self.decoder = nn.Sequential(*decoder)

    def forward(self, x):
        logits = self.decoder(self.encoder(x))
        return F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / x.shape[0]


MODELS = ["dense-ae", "conv-ae", "engine-conv-ae", "conv-vae", "conv-ae-32rgb", "conv-vae-32rgb", "conv-ae-64rgb", "conv-vae-64rgb"]


def build(name):
    if name == "dense-ae":
        return DenseAE()
    if name == "engine-conv-ae":
        return EngineConvAE()
    return (ConvVAE if name.startswith("conv-vae") else ConvAE)(*shape_of(name))


def bench(name, images, steps, chunk, warmup=3):
    """Median throughput over chunks of `chunk` steps (robust to other load on the machine)."""
    torch.manual_seed(0)
    model = build(name)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    batches = images.shape[0] // BATCH
    loss = None
    rates = []
    start = 0.0
    for step in range(warmup + steps):
        if step >= warmup and (step - warmup) % chunk == 0:
            start = time.perf_counter()
        i = step % batches
        x = images[i * BATCH:(i + 1) * BATCH]
        optimizer.zero_grad(set_to_none=True)
        loss = model(x)
        loss.backward()
        optimizer.step()
        if step >= warmup and (step - warmup) % chunk == chunk - 1:
            rates.append(chunk * BATCH / (time.perf_counter() - start))
    return {"model": name, "samples_per_s": float(np.median(rates)), "best_samples_per_s": float(max(rates)), "loss": float(loss), "blas": blas_in_use()}


def blas_in_use():
    """Debian's torch calls whichever libblas.so.3 the alternatives system points to: reference BLAS is ~10x slower than OpenBLAS."""
    target = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    return "openblas" if "openblas" in target else "blis" if "blis" in target else "reference BLAS" if "/blas/" in target else target


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--chunk", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--models", default=",".join(MODELS))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    for name in args.models.split(","):
        size, channels, _ = shape_of(name)
        images = load_images(BATCH * (100 if size == 28 else 10), size, channels)
        print(json.dumps(bench(name, images, args.steps, args.chunk)), flush=True)


if __name__ == "__main__":
    main()
