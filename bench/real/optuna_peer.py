#!/usr/bin/python3
"""Optuna as a peer in the real-training benchmark (`npm run bench:real`).

Runs Optuna (Debian's python3-optuna) on the same problem, budget and seed as the tuner's
strategies, and asks the benchmark process for every epoch it trains: the benchmark answers
with the same model code the tuner's jobs run (bench/real/service.ts), so both sides train
identical models for identical configurations.

Protocol (JSON lines): the first line of stdin is the task; then this script writes requests
to stdout, {"op": "train", "config": {...}, "epochs": e}, and reads one answer line each,
{"eval_accuracy": v, "seconds": s}; it ends with {"op": "result", "traces": [...]}.

Methods:
- "tpe-hyperband": TPESampler(seed=seed) with HyperbandPruner(min_resource=r_min,
  max_resource=R, reduction_factor=eta): Optuna's stopping variant of Hyperband. A trial trains
  epoch after epoch in one process, reports eval_accuracy after every epoch
  (trial.report(value, epoch)) and stops when trial.should_prune() says so or at R.
- "random": RandomSampler(seed=seed), no pruning: every trial trains to R.

Budget accounting, the same as the tuner's: every epoch a trial trains counts once (a trial
never trains an epoch twice: it runs in one process). "tpe-hyperband" runs until its trials
have trained the epoch budget; "random" runs exactly `fifo_jobs` trials to R (= the budget).
Parallelism: `parallel` workers (4, like the tuner's MaxParallelTrainingJobs), simulated in
virtual time with ask-and-tell: each trial starts after `startup` seconds (a job's start-up),
each epoch takes the seconds the benchmark reports; events are processed in time order, ties by
worker number, so runs are deterministic. The incumbent is study.best_trial (complete trials).
"""
import heapq
import json
import sys
import warnings

import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.trial import TrialState

warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
optuna.logging.set_verbosity(optuna.logging.WARNING)


def distributions(ranges):
    """AMT ParameterRanges -> Optuna distributions (Auto scaling means Linear here: the problems spell it out)."""
    out = {}
    for r in ranges.get("IntegerParameterRanges", []):
        out[r["Name"]] = IntDistribution(int(r["MinValue"]), int(r["MaxValue"]), log=r.get("ScalingType") == "Logarithmic")
    for r in ranges.get("ContinuousParameterRanges", []):
        out[r["Name"]] = FloatDistribution(float(r["MinValue"]), float(r["MaxValue"]), log=r.get("ScalingType") == "Logarithmic")
    for r in ranges.get("CategoricalParameterRanges", []):
        out[r["Name"]] = CategoricalDistribution(list(r["Values"]))
    return out


def train(config, epochs):
    sys.stdout.write(json.dumps({"op": "train", "config": config, "epochs": epochs}) + "\n")
    sys.stdout.flush()
    line = sys.stdin.readline()
    if not line:
        raise SystemExit("the benchmark closed the pipe")
    return json.loads(line)


def run(task, method):
    problem = task["problem"]
    R = problem["maxResource"]
    if method == "tpe-hyperband":
        sampler = optuna.samplers.TPESampler(seed=task["seed"])
        pruner = optuna.pruners.HyperbandPruner(min_resource=problem["minResource"], max_resource=R, reduction_factor=problem["eta"])
    elif method == "random":
        sampler = optuna.samplers.RandomSampler(seed=task["seed"])
        pruner = optuna.pruners.NopPruner()
    else:
        raise SystemExit(f"unknown method {method}")
    study = optuna.create_study(
        study_name=f"bench-{problem['id']}-{task['seed']}", direction="maximize", sampler=sampler, pruner=pruner
    )
    dists = distributions(problem["ranges"])
    budget = problem["epochBudget"]
    max_trials = problem["fifoJobs"] if method == "random" else None
    events = []  # (time, worker)
    workers = {}
    for w in range(task["parallel"]):
        heapq.heappush(events, (0.0, w))
        workers[w] = None
    epochs_total = 0
    trials_started = 0
    completions = []
    while events:
        now, w = heapq.heappop(events)
        state = workers[w]
        if state is None:
            if max_trials is not None and trials_started >= max_trials:
                continue
            trial = study.ask(dists)
            trials_started += 1
            config = {k: (float(v) if isinstance(dists[k], CategoricalDistribution) else v) for k, v in trial.params.items()}
            workers[w] = state = {"trial": trial, "config": config, "epoch": 0, "seconds": None}
            answer = train(config, 1)
            state["answer"] = answer
            heapq.heappush(events, (now + task["startup"] + answer["seconds"], w))
            continue
        # An epoch of this worker's trial has ended at `now`.
        trial = state["trial"]
        state["epoch"] += 1
        epoch = state["epoch"]
        value = state["answer"]["eval_accuracy"]
        epochs_total += 1
        finished = False
        if epoch >= R:
            study.tell(trial, value)
            finished = True
            completions.append({"epochs": epochs_total, "seconds": now, "trialId": trial.number, "milestone": epoch, "objective": value, "config": state["config"]})
        else:
            trial.report(value, epoch)
            if trial.should_prune():
                study.tell(trial, state=TrialState.PRUNED)
                finished = True
        if max_trials is None and epochs_total >= budget:
            # The cut: epochs still running on other workers are neither counted nor reported.
            break
        if finished:
            workers[w] = None
            heapq.heappush(events, (now, w))
            continue
        answer = train(state["config"], epoch + 1)
        state["answer"] = answer
        heapq.heappush(events, (now + answer["seconds"], w))
    return {
        "method": method,
        "totalEpochs": epochs_total,
        "trials": len(study.trials),
        "complete": sum(1 for t in study.trials if t.state == TrialState.COMPLETE),
        "pruned": sum(1 for t in study.trials if t.state == TrialState.PRUNED),
        "completions": completions,
    }


def main():
    task = json.loads(sys.stdin.readline())
    traces = [run(task, m) for m in task["methods"]]
    sys.stdout.write(json.dumps({"op": "result", "optuna": optuna.__version__, "traces": traces}) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
