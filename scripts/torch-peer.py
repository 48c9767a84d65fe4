#!/usr/bin/env python3
"""PyTorch-CPU peer of the 12-bit training protocol, for `bitplane bench-train` (src/bench/train.ts).

The same work as bitplane's trainers: 12-10-7-5-4-3-2 on 3,277 training samples of 12 inputs, batch 256
(13 steps an epoch, the last one partial), R replicas trained together, batched over replicas (one bmm
per layer), each replica shuffling its own order every epoch, Adam (eps 1e-7). Networks:
  bnn — binary weights (sign, straight-through), batch normalization with batch statistics, ste_sign
        (gradient passed where |x| <= 1), latent weights clipped to [-1, 1] after each step
  dnn — float weights and biases, tanh
Prints one JSON object per replica count: {"net", "replicas", "epochs", "rates": [replica-epochs/s, ...]},
each rate from `epochs` epochs after one warm-up epoch. Without torch it prints {"skipped": why}.
"""
import argparse
import json
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError as e:  # the benchmark reports the peer as skipped
    print(json.dumps({"skipped": f"PyTorch is not installed ({e}); apt-get install python3-torch"}))
    sys.exit(0)

N_TRAIN, D, C, BATCH = 3277, 12, 2, 256
WIDTHS = [10, 7, 5, 4, 3]


class SteSign(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.where(x >= 0, 1.0, -1.0)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (x.abs() <= 1).to(g.dtype)


def build(net, R, gen):
    sizes = [D, *WIDTHS, C]
    layers = []
    for i, (k, n) in enumerate(zip(sizes[:-1], sizes[1:])):
        w = (torch.randn(R, k, n, generator=gen) / k**0.5).clamp(-2 / k**0.5, 2 / k**0.5)
        layer = {"w": w.requires_grad_()}
        last = i == len(sizes) - 2
        if net == "bnn" and not last:
            layer["gamma"] = torch.ones(R * n, requires_grad=True)
            layer["beta"] = torch.zeros(R * n, requires_grad=True)
            layer["rm"] = torch.zeros(R * n)
            layer["rv"] = torch.ones(R * n)
        else:
            layer["b"] = torch.zeros(R, 1, n, requires_grad=True)
        layers.append(layer)
    return layers


def forward(net, layers, x):
    R, B, _ = x.shape
    a = x
    for i, L in enumerate(layers):
        w = L["w"]
        if net == "bnn":
            w = w + (torch.sign(w) - w).detach()  # sign(W), gradient straight through
        z = torch.bmm(a, w)
        if "gamma" in L:
            n = z.shape[2]
            flat = z.transpose(0, 1).reshape(B, R * n)
            flat = F.batch_norm(flat, L["rm"], L["rv"], L["gamma"], L["beta"], True, 0.1, 1e-5)
            z = flat.reshape(B, R, n).transpose(0, 1)
        else:
            z = z + L["b"]
        if i < len(layers) - 1:
            a = SteSign.apply(z) if net == "bnn" else torch.tanh(z)
        else:
            a = z
    return a


def run(net, R, epochs):
    gen = torch.Generator().manual_seed(1)
    x_all = (torch.rand(N_TRAIN, D, generator=gen) < 0.5).float()
    y_all = (x_all.sum(1) > D / 2).long()
    layers = build(net, R, gen)
    params = [p for L in layers for k, p in L.items() if k in ("w", "b", "gamma", "beta")]
    opt = torch.optim.Adam(params, lr=4e-4, eps=1e-7)

    def epoch():
        order = torch.argsort(torch.rand(R, N_TRAIN, generator=gen), dim=1)
        for start in range(0, N_TRAIN, BATCH):
            idx = order[:, start : start + BATCH]
            x, y = x_all[idx], y_all[idx]
            logits = forward(net, layers, x)
            loss = F.cross_entropy(logits.reshape(-1, C), y.reshape(-1)) * R  # Σ over replicas of each mean
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if net == "bnn":
                with torch.no_grad():
                    for L in layers:
                        L["w"].clamp_(-1, 1)

    epoch()  # warm-up
    t0 = time.perf_counter()
    for _ in range(epochs):
        epoch()
    return R * epochs / (time.perf_counter() - t0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--net", choices=["bnn", "dnn"], required=True)
    ap.add_argument("--replicas", required=True, help="comma-separated replica counts")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--samples", type=int, default=3)
    args = ap.parse_args()
    for R in [int(r) for r in args.replicas.split(",")]:
        rates = [run(args.net, R, args.epochs) for _ in range(args.samples)]
        info = {"net": args.net, "replicas": R, "epochs": args.epochs, "rates": rates,
                "torch": torch.__version__, "threads": torch.get_num_threads()}
        print(json.dumps(info), flush=True)


if __name__ == "__main__":
    main()
