"""SageMaker script-mode training script (PyTorch) for the Hyperband example.

The same file runs in a SageMaker PyTorch training container (deployed tuner), under
``npx hpo local tuning.local.json`` (local mode) and by hand (``python3 train.py --epochs 2``).

What the tuner relies on (SageMaker's script-mode contract):

* hyperparameters arrive as ``--name value`` arguments: ``--lr`` (tuned), ``--epochs`` (the
  Hyperband resource: train until this many epochs *in total*), ``--batch-size``, ``--seed``;
* the checkpoint folder is ``SM_CHECKPOINT_DIR`` (default ``/opt/ml/checkpoints``: SageMaker
  restores it from ``CheckpointConfig.S3Uri`` before the job and uploads it afterwards). A
  promoted trial's next job finds the checkpoint its previous rung left and trains only the
  missing epochs, never starting over;
* the model goes to ``--model-dir`` (default ``SM_MODEL_DIR``, ``/opt/ml/model`` in the cloud);
  run by hand without SM_* variables or /opt/ml, both folders default to ``./.local-run/``;
* metrics are read from stdout. Every epoch prints a dict line like the Hugging Face Trainer's,
  ``{'eval_loss': 0.3012, 'eval_accuracy': 0.9123, 'epoch': 3}``, which the article's regex
  ``'eval_accuracy': ([0-9\\.]+)`` matches;
* SageMaker stops a job with SIGTERM: the script finishes the batch it is on and exits 143,
  leaving the checkpoint of the last finished epoch.

Data: Fashion-MNIST or MNIST in torchvision's folder layout, from the ``training`` (or
``train``) channel; if torchvision or the data is missing, a synthetic but learnable data set
generated with a fixed seed (the output says so). No download is ever attempted: training
containers often have no internet access.

The model is a small CNN trained with AdamW (the Hugging Face Trainer's default optimizer, as
in the article). CUDA is used when available.
"""

import argparse
import json
import math
import os
import signal
import sys
import time

import torch
from torch import nn
from torch.nn import functional as F

CHECKPOINT_FILE = "checkpoint.pt"
CHECKPOINT_FORMAT = "hpo-pytorch-sagemaker-cnn/1"
# Seed of the synthetic data set: fixed, so every trial sees the same data whatever --seed is.
DATA_SEED = 20221101

# Set by the SIGTERM handler; the training loop checks it after every batch.
STOP_SIGNAL = None


class UsageError(Exception):
    """A problem the user must fix (e.g. a checkpoint of another configuration): exit code 2."""


def default_dir(variable, name):
    """SM_* variable if set; else /opt/ml/<name> inside a SageMaker container; else ./.local-run/<name>."""
    if os.environ.get(variable):
        return os.environ[variable]
    if os.path.isdir("/opt/ml"):
        return f"/opt/ml/{name}"
    return os.path.abspath(os.path.join(".local-run", name))


def metrics_line(values):
    """A dict-style line like the Hugging Face Trainer's, with fixed-point numbers.

    Formatted by hand rather than print(dict): repr() would write a tiny loss as 1e-05, which
    a regex like ([0-9\\.]+) would read as 1.
    """
    parts = [f"'{k}': {v}" if isinstance(v, int) else f"'{k}': {v:.4f}" for k, v in values.items()]
    return "{" + ", ".join(parts) + "}"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lr", type=float, default=1e-3, help="AdamW learning rate (tuned)")
    parser.add_argument("--epochs", type=int, default=8, help="train until this many epochs in total (the Hyperband resource)")
    parser.add_argument("--batch-size", "--batch_size", dest="batch_size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=1, help="weight initialisation and shuffling")
    parser.add_argument("--model-dir", default=default_dir("SM_MODEL_DIR", "model"))
    parser.add_argument("--checkpoint-dir", default=default_dir("SM_CHECKPOINT_DIR", "checkpoints"))
    parser.add_argument(
        "--data-dir",
        default=os.environ.get("SM_CHANNEL_TRAINING", os.environ.get("SM_CHANNEL_TRAIN")),
        help="a torchvision FashionMNIST/MNIST root folder (default: the training channel)",
    )
    parser.add_argument("--num-workers", type=int, default=None, help="DataLoader worker processes (default: 2 on a GPU, else 0)")
    # Like the article: ignore hyperparameters this script does not know (e.g. ones the
    # SageMaker SDK adds), but say so.
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        print(f"ignoring unknown arguments: {' '.join(unknown)}", flush=True)
    if not (args.lr > 0 and math.isfinite(args.lr)):
        raise UsageError(f"invalid --lr {args.lr}: expected a number > 0")
    if args.epochs < 1:
        raise UsageError(f"invalid --epochs {args.epochs}: expected an integer >= 1")
    if args.batch_size < 1:
        raise UsageError(f"invalid --batch-size {args.batch_size}: expected an integer >= 1")
    return args


# ----------------------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------------------


def load_torchvision(data_dir):
    """FashionMNIST or MNIST from data_dir (torchvision's layout, e.g. <dir>/FashionMNIST/raw), or None."""
    if not data_dir or not os.path.isdir(data_dir):
        return None
    try:
        from torchvision import datasets, transforms
    except ImportError:
        print("torchvision is not installed: cannot read the training channel", flush=True)
        return None
    to_tensor = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
    for name in ("FashionMNIST", "MNIST"):
        cls = getattr(datasets, name)
        try:
            train = cls(data_dir, train=True, download=False, transform=to_tensor)
            test = cls(data_dir, train=False, download=False, transform=to_tensor)
        except RuntimeError:  # torchvision raises RuntimeError when the files are not there
            continue
        return train, test, f"{name} from {data_dir} ({len(train)} training, {len(test)} evaluation images)"
    print(f"no FashionMNIST or MNIST data found in {data_dir}", flush=True)
    return None


def synthetic_data(train_size=6000, eval_size=1000, classes=10, side=28):
    """A learnable stand-in for MNIST, the same on every machine.

    Each class has a fixed random "prototype" image of smooth blobs, 60% of it shared by all
    classes and 40% its own; an example is its class prototype shifted by up to 2 pixels,
    scaled in contrast, plus strong pixel noise (std 2.5). Even the ideal template matcher
    gets only about 90% right (measured with a NumPy replica of this generator), so the
    learning rate visibly matters.
    """
    g = torch.Generator().manual_seed(DATA_SEED)
    shared = torch.rand(1, 1, 7, 7, generator=g)
    own = torch.rand(classes, 1, 7, 7, generator=g)
    coarse = 0.6 * shared + 0.4 * own
    prototypes = F.interpolate(coarse, size=(side, side), mode="bilinear", align_corners=False)
    prototypes = (prototypes - prototypes.mean()) / prototypes.std()

    def make(n):
        labels = torch.randint(0, classes, (n,), generator=g)
        images = prototypes[labels].clone()
        shifts = torch.randint(-2, 3, (n, 2), generator=g)
        for i in range(n):
            images[i] = torch.roll(images[i], shifts=(int(shifts[i, 0]), int(shifts[i, 1])), dims=(1, 2))
        contrast = 0.5 + torch.rand(n, 1, 1, 1, generator=g)
        noise = 2.5 * torch.randn(n, 1, side, side, generator=g)
        return torch.utils.data.TensorDataset(contrast * images + noise, labels)

    train, test = make(train_size), make(eval_size)
    return train, test, f"SYNTHETIC data (fixed seed {DATA_SEED}; {train_size} training, {eval_size} evaluation images): torchvision or the training channel's data is missing"


# ----------------------------------------------------------------------------------------
# Model
# ----------------------------------------------------------------------------------------


class SmallCnn(nn.Module):
    """28x28x1 -> conv(16) -> pool -> conv(32) -> pool -> 128 -> 10."""

    def __init__(self, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, kernel_size=3, padding=1)
        self.fc1 = nn.Linear(32 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.fc1(torch.flatten(x, 1)))
        return self.fc2(x)


# ----------------------------------------------------------------------------------------
# Checkpoints
# ----------------------------------------------------------------------------------------


def configuration(args):
    """What identifies the trial: every hyperparameter except the resource (--epochs)."""
    return {"lr": args.lr, "batch_size": args.batch_size, "seed": args.seed}


def save_checkpoint(checkpoint_dir, state):
    """Atomic: write a temporary file, then rename, so the next job never sees half a checkpoint."""
    os.makedirs(checkpoint_dir, exist_ok=True)
    path = os.path.join(checkpoint_dir, CHECKPOINT_FILE)
    tmp = f"{path}.{os.getpid()}.tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)


def torch_load(path, device):
    try:
        # weights_only: load tensors and plain containers only, never arbitrary pickled code.
        return torch.load(path, map_location=device, weights_only=True)
    except TypeError:  # torch < 1.13 has no weights_only
        return torch.load(path, map_location=device)


def load_checkpoint(checkpoint_dir, args, data_description, device):
    path = os.path.join(checkpoint_dir, CHECKPOINT_FILE)
    if not os.path.exists(path):
        return None
    state = torch_load(path, device)
    if state.get("format") != CHECKPOINT_FORMAT:
        raise UsageError(f"{path} has format {state.get('format')!r}, expected {CHECKPOINT_FORMAT!r}: delete it to start over")
    saved = state["hyperparameters"]
    wanted = configuration(args)
    diffs = [f"--{k.replace('_', '-')} {saved.get(k)} in the checkpoint, {v} now" for k, v in wanted.items() if saved.get(k) != v]
    if diffs:
        raise UsageError(
            f"checkpoint {path} (epoch={state['epoch']}) was trained with different hyperparameters: {'; '.join(diffs)}. "
            "Only --epochs may change between the jobs of one trial; use another checkpoint folder for a new configuration"
        )
    if state["data"] != data_description:
        raise UsageError(f"checkpoint {path} was trained on other data ({state['data']}), now {data_description}: delete it to start over")
    return state


# ----------------------------------------------------------------------------------------
# Training
# ----------------------------------------------------------------------------------------


def evaluate(model, loader, device):
    model.eval()
    loss_sum, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            logits = model(x)
            loss_sum += F.cross_entropy(logits, y, reduction="sum").item()
            correct += (logits.argmax(dim=1) == y).sum().item()
            count += y.numel()
    return loss_sum / count, correct / count


def on_sigterm(signum, _frame):
    global STOP_SIGNAL
    STOP_SIGNAL = signum


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, on_sigterm)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    torch.manual_seed(args.seed)
    print(f"hyperparameters: {json.dumps(vars(args), sort_keys=True)}", flush=True)
    print(f"device: {device}; checkpoints: {args.checkpoint_dir}; model: {args.model_dir}", flush=True)

    real = load_torchvision(args.data_dir)
    train_set, eval_set, description = real or synthetic_data()
    print(f"data: {description}", flush=True)
    pin = device.type == "cuda"
    # Worker processes help decode images for a GPU; for in-memory tensors on a CPU they only cost.
    workers = args.num_workers if args.num_workers is not None else (2 if pin and real else 0)
    eval_loader = torch.utils.data.DataLoader(eval_set, batch_size=512, num_workers=workers, pin_memory=pin)

    model = SmallCnn().to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr)
    start_epoch = 0
    state = load_checkpoint(args.checkpoint_dir, args, description, device)
    if state is not None:
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        start_epoch = state["epoch"]
        print(f"resumed from epoch={start_epoch} ({os.path.join(args.checkpoint_dir, CHECKPOINT_FILE)})", flush=True)
    else:
        print(f"no checkpoint in {args.checkpoint_dir}: starting at epoch 1", flush=True)

    if start_epoch >= args.epochs:
        # Nothing left to train (e.g. a retried job): still report metrics so the job has a result.
        eval_loss, eval_accuracy = evaluate(model, eval_loader, device)
        print(f"nothing to train: the checkpoint is at epoch={start_epoch}, --epochs is {args.epochs}", flush=True)
        print(metrics_line({"eval_loss": eval_loss, "eval_accuracy": eval_accuracy, "epoch": start_epoch}), flush=True)

    for epoch in range(start_epoch + 1, args.epochs + 1):
        started = time.time()
        model.train()
        # The shuffle order depends only on (seed, epoch), so a resumed trial sees the same
        # order as one trained without interruption.
        order = torch.Generator().manual_seed(args.seed * 100_003 + epoch)
        train_loader = torch.utils.data.DataLoader(
            train_set, batch_size=args.batch_size, shuffle=True, generator=order, num_workers=workers, pin_memory=pin
        )
        loss_sum, count = 0.0, 0
        for x, y in train_loader:
            x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
            optimizer.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * y.numel()
            count += y.numel()
            if STOP_SIGNAL is not None:
                # Stopped mid-epoch: this epoch is not saved; the checkpoint holds the last full one.
                print(f"received SIGTERM: stopping; the checkpoint holds epoch={epoch - 1}", flush=True)
                sys.exit(143)

        eval_loss, eval_accuracy = evaluate(model, eval_loader, device)
        save_checkpoint(
            args.checkpoint_dir,
            {
                "format": CHECKPOINT_FORMAT,
                "epoch": epoch,
                "hyperparameters": configuration(args),
                "data": description,
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
            },
        )
        train_loss = loss_sum / max(count, 1)
        print(f"epoch={epoch} train_loss={train_loss:.4f} seconds={time.time() - started:.1f}", flush=True)
        print(metrics_line({"loss": train_loss, "epoch": epoch}), flush=True)
        print(metrics_line({"eval_loss": eval_loss, "eval_accuracy": eval_accuracy, "epoch": epoch}), flush=True)
        if STOP_SIGNAL is not None:
            print(f"received SIGTERM: stopping; the checkpoint holds epoch={epoch}", flush=True)
            sys.exit(143)

    os.makedirs(args.model_dir, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(args.model_dir, "model.pt"))
    print(f"saved model to {os.path.join(args.model_dir, 'model.pt')}", flush=True)


if __name__ == "__main__":
    try:
        main()
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr, flush=True)
        sys.exit(2)
