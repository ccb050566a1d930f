"""PyTorch side of bench/train.ts: trains the reference shapes on one CPU thread.

Usage: /usr/bin/python3 bench/torch_reference.py --steps N [--chunk K] [--models dense-ae,conv-ae,conv-vae]
Prints one JSON line per model: {"model", "samples_per_s" (median over chunks), "best_samples_per_s", "loss"}.
The shapes mirror bench/train.ts: 3x3 stride-2 ReLU convs mirrored by transposed convs,
sigmoid output, binary cross-entropy, Adam (lr 1e-3), batch 128.
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


def load_images(limit):
    with gzip.open(IMAGES, "rb") as f:
        data = np.frombuffer(f.read(), dtype=np.uint8, offset=16)
    images = data.reshape(-1, 1, 28, 28)[:limit].astype(np.float32) / 255.0
    return torch.from_numpy(images)


class DenseAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 32))
        self.decoder = nn.Sequential(nn.Linear(32, 256), nn.ReLU(), nn.Linear(256, 784))

    def forward(self, x):
        logits = self.decoder(self.encoder(x))
        return F.binary_cross_entropy_with_logits(logits, x.flatten(1), reduction="sum") / x.shape[0]


def conv_encoder():
    # 28x28x1 -> 14x14x16 -> 7x7x32 ('same' padding, stride 2)
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
        nn.Flatten(),
    )


def conv_decoder(latent):
    return nn.Sequential(
        nn.Linear(latent, 7 * 7 * 32), nn.ReLU(), nn.Unflatten(1, (32, 7, 7)),
        nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
        nn.ConvTranspose2d(16, 1, 3, stride=2, padding=1, output_padding=1),
    )


class ConvAE(nn.Module):
    def __init__(self, latent=16):
        super().__init__()
        self.encoder = nn.Sequential(conv_encoder(), nn.Linear(7 * 7 * 32, latent))
        self.decoder = conv_decoder(latent)

    def forward(self, x):
        logits = self.decoder(self.encoder(x))
        return F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / x.shape[0]


class ConvVAE(nn.Module):
    def __init__(self, latent=16):
        super().__init__()
        self.encoder = conv_encoder()
        self.mean = nn.Linear(7 * 7 * 32, latent)
        self.log_var = nn.Linear(7 * 7 * 32, latent)
        self.decoder = conv_decoder(latent)

    def forward(self, x):
        h = self.encoder(x)
        mean, log_var = self.mean(h), self.log_var(h)
        z = mean + torch.exp(0.5 * log_var) * torch.randn_like(mean)
        logits = self.decoder(z)
        reconstruction = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
        kl = -0.5 * torch.sum(1 + log_var - mean.pow(2) - log_var.exp())
        return (reconstruction + kl) / x.shape[0]


MODELS = {"dense-ae": DenseAE, "conv-ae": ConvAE, "conv-vae": ConvVAE}


def bench(name, images, steps, chunk, warmup=3):
    """Median throughput over chunks of `chunk` steps (robust to other load on the machine)."""
    torch.manual_seed(0)
    model = MODELS[name]()
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
    parser.add_argument("--models", default=",".join(MODELS))
    args = parser.parse_args()
    torch.set_num_threads(1)
    images = load_images(BATCH * 100)
    for name in args.models.split(","):
        print(json.dumps(bench(name, images, args.steps, args.chunk)), flush=True)


if __name__ == "__main__":
    main()
