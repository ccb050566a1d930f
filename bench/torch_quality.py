"""PyTorch peer of the engine's recommended conv-ae, for bench/quality.ts.

Usage: python3 bench/torch_quality.py DIR --size S --channels C --latent L --filters 32,64,128
                                      --epochs E --batch B --lr LR --threads T
DIR holds train.f32 / val.f32 (pixels in [0, 1], NHWC float32) and train.labels / val.labels
(one label per line). The network is the engine's: batch-norm conv blocks (4x4 stride-2
convs, a 3x3 conv on the smallest map), a dense code, mirrored by 4x4 stride-2 transposed
convs to a sigmoid output; Adam with linear warm-up and cosine decay.
Prints one JSON line: val_mse, knn5, seconds, threads.
"""
import argparse
import json
import math
import time

import numpy as np
import torch
from torch import nn

p = argparse.ArgumentParser()
p.add_argument("dir")
for name, kind in [("size", int), ("channels", int), ("latent", int), ("filters", str), ("epochs", int), ("batch", int), ("lr", float), ("threads", int)]:
    p.add_argument("--" + name, type=kind, required=True)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(1)


def load(split):
    x = np.fromfile(f"{a.dir}/{split}.f32", dtype=np.float32).reshape(-1, a.size, a.size, a.channels)
    labels = open(f"{a.dir}/{split}.labels").read().split("\n")[: len(x)]
    return torch.from_numpy(x).permute(0, 3, 1, 2).contiguous(), labels


xtr, ltr = load("train")
xva, lva = load("val")
filters = [int(f) for f in a.filters.split(",")]


def block(cin, cout, k, s, transpose=False):
    conv = (nn.ConvTranspose2d(cin, cout, k, s, padding=1) if transpose else nn.Conv2d(cin, cout, k, s, padding=(k - s) // 2 if s == 2 else 1))
    conv.bias = None
    return [conv, nn.BatchNorm2d(cout, momentum=0.1), nn.ReLU()]


class ConvAE(nn.Module):
    def __init__(self):
        super().__init__()
        enc, c = [], a.channels
        for f in filters:
            enc += block(c, f, 4, 2)
            c = f
        enc += block(c, c, 3, 1)
        self.enc = nn.Sequential(*enc, nn.Flatten())
        side = a.size // 2 ** len(filters)
        self.code = nn.Linear(side * side * c, a.latent)
        dec = [nn.Linear(a.latent, side * side * c, bias=False), nn.Unflatten(1, (c, side, side)), nn.BatchNorm2d(c), nn.ReLU()]
        dec += block(c, c, 3, 1)
        for i in range(len(filters) - 1, 0, -1):
            dec += block(filters[i], filters[i - 1], 4, 2, transpose=True)
        self.dec = nn.Sequential(*dec, nn.ConvTranspose2d(filters[0], a.channels, 4, 2, padding=1), nn.Sigmoid())

    def encode(self, x):
        return self.code(self.enc(x))

    def forward(self, x):
        return self.dec(self.encode(x))


started = time.perf_counter()
model = ConvAE()
opt = torch.optim.Adam(model.parameters(), lr=a.lr)
steps_per_epoch = math.ceil(len(xtr) / a.batch)
total = a.epochs * steps_per_epoch
warmup = max(1, min(300, round(0.05 * total)))


def rate(step):
    if step < warmup:
        return a.lr * (step + 1) / warmup
    progress = min(1, (step - warmup) / max(1, total - warmup))
    return a.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * progress)))


step = 0
for epoch in range(a.epochs):
    model.train()
    order = torch.randperm(len(xtr))
    for b in range(0, len(xtr), a.batch):
        x = xtr[order[b : b + a.batch]]
        for g in opt.param_groups:
            g["lr"] = rate(step)
        loss = ((model(x) - x) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1

model.eval()
with torch.no_grad():
    recon = torch.cat([model(xva[i : i + 256]).clamp(0, 1) for i in range(0, len(xva), 256)])
    val_mse = ((recon - xva) ** 2).mean().item()
    ztr = torch.cat([model.encode(xtr[i : i + 256]) for i in range(0, len(xtr), 256)])
    zva = torch.cat([model.encode(xva[i : i + 256]) for i in range(0, len(xva), 256)])
    nearest = torch.cdist(zva, ztr).topk(5, largest=False).indices.numpy()
right = 0
for i, row in enumerate(nearest):
    votes = {}
    for j in row:
        votes[ltr[j]] = votes.get(ltr[j], 0) + 1
    right += max(votes.items(), key=lambda kv: kv[1])[0] == lva[i]
print(json.dumps({"val_mse": val_mse, "knn5": right / len(lva), "seconds": time.perf_counter() - started, "threads": a.threads}))
