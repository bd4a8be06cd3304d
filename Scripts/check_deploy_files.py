#!/usr/bin/env python3
"""Checks the cluster files under deploy/ with a real YAML parser and prints one line per check.

The Kubernetes Job must be an Indexed Job whose pods run `advcli evaluate ... --shard K/N` with K
from JOB_COMPLETION_INDEX + 1 and N equal to `completions`, writing to a mounted volume; the
Slurm script must take the shard from SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT. Exits 1 on
the first failed check. Needs python3-yaml (installed by `make setup`).
"""
import re
import sys

import yaml


def check(condition, message):
    print(("ok   " if condition else "FAIL ") + message)
    if not condition:
        sys.exit(1)


def main(root):
    with open(f"{root}/deploy/k8s/evaluate-job.yaml") as file:
        job = yaml.safe_load(file)
    check(job["apiVersion"] == "batch/v1" and job["kind"] == "Job", "k8s: a batch/v1 Job")
    spec = job["spec"]
    check(spec["completionMode"] == "Indexed", "k8s: completionMode Indexed")
    completions = spec["completions"]
    check(isinstance(completions, int) and completions >= 1, "k8s: completions is a count")
    check(spec["parallelism"] <= completions, "k8s: parallelism <= completions")
    pod = spec["template"]["spec"]
    check(pod["restartPolicy"] in ("Never", "OnFailure"), "k8s: restartPolicy of a Job")
    container = pod["containers"][0]
    env = {item["name"]: item["value"] for item in container.get("env", [])}
    check(env.get("SHARDS") == str(completions), "k8s: SHARDS equals completions")
    command = " ".join(container["command"] + container["args"])
    check("advcli evaluate" in command, "k8s: runs advcli evaluate")
    check('--shard "$((JOB_COMPLETION_INDEX + 1))/${SHARDS}"' in command,
          "k8s: shard K/N from JOB_COMPLETION_INDEX + 1 and SHARDS")
    out = re.search(r"--out-dir (\S+)", command)
    mounts = [mount["mountPath"] for mount in container["volumeMounts"]]
    check(out is not None and any(out.group(1).startswith(m) for m in mounts),
          "k8s: --out-dir is on a mounted volume")
    volumes = {volume["name"] for volume in pod["volumes"]}
    check({mount["name"] for mount in container["volumeMounts"]} <= volumes,
          "k8s: every mount has a volume")

    with open(f"{root}/deploy/slurm/evaluate.sbatch") as file:
        sbatch = file.read()
    check('--shard "${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}"' in sbatch,
          "slurm: shard K/N from the array task")
    check("advcli}\" evaluate" in sbatch and "--out-dir" in sbatch,
          "slurm: runs advcli evaluate into a folder")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
