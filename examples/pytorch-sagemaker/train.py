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

Data: Fashion-MNIST (or MNIST) as distributed: the four IDX files
``{train,t10k}-{images-idx3,labels-idx1}-ubyte``, gzipped (``.gz``) or not, in the ``training``
(or ``train``) channel, directly or in torchvision's ``FashionMNIST/raw`` (``MNIST/raw``)
layout; Debian's ``dataset-fashion-mnist`` package installs them in
``/usr/share/datasets/fashion-mnist``. ``--train-size``/``--eval-size`` use the first n images
of each file. Without the files, a synthetic but learnable data set generated with a fixed
seed (the output says so). No download is ever attempted: training containers often have no
internet access. Neither torchvision nor NumPy is needed.

Checkpoints load with ``torch.load(weights_only=True)`` where the installed PyTorch has it
(1.13 and later; 2.6 makes it the default): they hold only tensors, integers and strings
(every float, e.g. the learning rate, is inside a JSON string), because PyTorch 1.13's
weights-only unpickler refuses Python floats.

The model is a small CNN trained with AdamW (the Hugging Face Trainer's default optimizer, as
in the article). CUDA is used when available.
"""

import argparse
import gzip
import inspect
import json
import math
import os
import signal
import struct
import sys
import time
import zlib

import torch
from torch import nn
from torch.nn import functional as F

CHECKPOINT_FILE = "checkpoint.pt"
CHECKPOINT_FORMAT = "hpo-pytorch-sagemaker-cnn/2"
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
        help="a folder with the Fashion-MNIST/MNIST IDX files, .gz or not (default: the training channel)",
    )
    parser.add_argument("--train-size", "--train_size", dest="train_size", type=int, default=0, help="use the first n training images (default 0: all)")
    parser.add_argument("--eval-size", "--eval_size", dest="eval_size", type=int, default=0, help="use the first n evaluation images (default 0: all)")
    parser.add_argument("--num-workers", type=int, default=0, help="DataLoader worker processes (default 0: the data is in memory)")
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
    for name in ("train_size", "eval_size"):
        if getattr(args, name) < 0:
            raise UsageError(f"invalid --{name.replace('_', '-')} {getattr(args, name)}: expected 0 (all) or a positive integer")
    return args


# ----------------------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------------------


IDX_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "eval_images": "t10k-images-idx3-ubyte",
    "eval_labels": "t10k-labels-idx1-ubyte",
}


def find_idx_files(data_dir):
    """The folder holding the four IDX files (gzipped or not), and each file's path; or None.

    Looks in data_dir itself, then in torchvision's layouts FashionMNIST/raw and MNIST/raw.
    """
    for folder in (data_dir, os.path.join(data_dir, "FashionMNIST", "raw"), os.path.join(data_dir, "MNIST", "raw")):
        paths = {}
        for key, name in IDX_FILES.items():
            for candidate in (os.path.join(folder, name), os.path.join(folder, name + ".gz")):
                if os.path.isfile(candidate):
                    paths[key] = candidate
                    break
        if len(paths) == len(IDX_FILES):
            return folder, paths
    return None


def read_idx(path, limit):
    """The first `limit` items (0: all) of an IDX file: a uint8 tensor ((n,) labels or (n, rows, cols) images) and its bytes."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        zero, dtype, dims = struct.unpack(">HBB", f.read(4))
        if zero != 0 or dtype != 0x08 or dims not in (1, 3):
            raise UsageError(f"{path} is not an IDX file of unsigned bytes with 1 or 3 dimensions (magic {zero:#x} {dtype:#x} {dims})")
        shape = list(struct.unpack(">" + "I" * dims, f.read(4 * dims)))
        if limit:
            shape[0] = min(shape[0], limit)
        size = 1
        for d in shape:
            size *= d
        data = f.read(size)
    if len(data) != size:
        raise UsageError(f"{path} is truncated: {len(data)} of {size} bytes")
    return torch.frombuffer(bytearray(data), dtype=torch.uint8).reshape(shape), data


def load_idx_data(data_dir, train_size, eval_size):
    """Fashion-MNIST or MNIST from the IDX files in data_dir (see find_idx_files), or None."""
    if not data_dir or not os.path.isdir(data_dir):
        return None
    found = find_idx_files(data_dir)
    if found is None:
        print(f"no Fashion-MNIST/MNIST IDX files ({', '.join(IDX_FILES.values())}, .gz or not) in {data_dir}", flush=True)
        return None
    folder, paths = found

    # The channel's folder differs from job to job (and SageMaker's is always the same), so
    # the data is identified by its content: a checkpoint refuses other data, not another path.
    checksum = 0

    def dataset(images_key, labels_key, limit):
        nonlocal checksum
        images, image_bytes = read_idx(paths[images_key], limit)
        labels, label_bytes = read_idx(paths[labels_key], limit)
        checksum = zlib.crc32(label_bytes, zlib.crc32(image_bytes, checksum))
        if images.shape[0] != labels.shape[0]:
            raise UsageError(f"{paths[images_key]} has {images.shape[0]} images but {paths[labels_key]} {labels.shape[0]} labels")
        return torch.utils.data.TensorDataset(images.float().div(255).sub(0.5).div(0.5).unsqueeze(1), labels.long())

    train = dataset("train_images", "train_labels", train_size)
    test = dataset("eval_images", "eval_labels", eval_size)
    real = os.path.realpath(folder).lower()
    name = "Fashion-MNIST" if "fashion" in real else "MNIST" if "mnist" in real else "MNIST-format images"
    print(f"data files: {folder}", flush=True)
    return train, test, f"{name} ({len(train)} training, {len(test)} evaluation images, crc32 {checksum:08x})"


def synthetic_data(train_size=0, eval_size=0, classes=10, side=28):
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

    train_size, eval_size = train_size or 6000, eval_size or 1000
    train, test = make(train_size), make(eval_size)
    return train, test, f"SYNTHETIC data (fixed seed {DATA_SEED}; {train_size} training, {eval_size} evaluation images): the training channel has no Fashion-MNIST/MNIST files"


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


def save_checkpoint(checkpoint_dir, epoch, args, data_description, model, optimizer):
    """Atomic: write a temporary file, then rename, so the next job never sees half a checkpoint.

    Only tensors, integers and strings go in (floats travel as JSON text), so that every
    PyTorch from 1.12 on loads it, with weights_only=True where that exists: 1.13's
    weights-only unpickler refuses Python floats.
    """
    os.makedirs(checkpoint_dir, exist_ok=True)
    path = os.path.join(checkpoint_dir, CHECKPOINT_FILE)
    tmp = f"{path}.{os.getpid()}.tmp"
    optimizer_state = optimizer.state_dict()
    state = {
        "meta": json.dumps({"format": CHECKPOINT_FORMAT, "epoch": epoch, "hyperparameters": configuration(args), "data": data_description}),
        "model": model.state_dict(),
        "optimizer_state": optimizer_state["state"],
        "optimizer_groups": json.dumps(optimizer_state["param_groups"]),
    }
    torch.save(state, tmp)
    os.replace(tmp, path)


def torch_load(path, device):
    if "weights_only" in inspect.signature(torch.load).parameters:
        # Tensors and plain containers only, never arbitrary pickled code (PyTorch >= 1.13).
        return torch.load(path, map_location=device, weights_only=True)
    return torch.load(path, map_location=device)


def load_checkpoint(checkpoint_dir, args, data_description, device):
    """The checkpoint's epoch, model state and optimizer state, or None when there is none."""
    path = os.path.join(checkpoint_dir, CHECKPOINT_FILE)
    if not os.path.exists(path):
        return None
    state = torch_load(path, device)
    meta = json.loads(state["meta"]) if isinstance(state, dict) and isinstance(state.get("meta"), str) else {}
    if meta.get("format") != CHECKPOINT_FORMAT:
        raise UsageError(f"{path} has format {meta.get('format')!r}, expected {CHECKPOINT_FORMAT!r}: delete it to start over")
    saved = meta["hyperparameters"]
    wanted = configuration(args)
    diffs = [f"--{k.replace('_', '-')} {saved.get(k)} in the checkpoint, {v} now" for k, v in wanted.items() if saved.get(k) != v]
    if diffs:
        raise UsageError(
            f"checkpoint {path} (epoch={meta['epoch']}) was trained with different hyperparameters: {'; '.join(diffs)}. "
            "Only --epochs may change between the jobs of one trial; use another checkpoint folder for a new configuration"
        )
    if meta["data"] != data_description:
        raise UsageError(f"checkpoint {path} was trained on other data ({meta['data']}), now {data_description}: delete it to start over")
    groups = json.loads(state["optimizer_groups"])
    for group in groups:
        if isinstance(group.get("betas"), list):
            group["betas"] = tuple(group["betas"])
    return {"epoch": meta["epoch"], "model": state["model"], "optimizer": {"state": state["optimizer_state"], "param_groups": groups}}


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

    real = load_idx_data(args.data_dir, args.train_size, args.eval_size)
    train_set, eval_set, description = real or synthetic_data(args.train_size, args.eval_size)
    print(f"data: {description}", flush=True)
    pin = device.type == "cuda"
    workers = args.num_workers
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
        save_checkpoint(args.checkpoint_dir, epoch, args, description, model, optimizer)
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
