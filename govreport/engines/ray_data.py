"""The Ray engine: a batch on a Ray cluster, through Ray Data.

The reports still to do become a dataset of one row each (``index``, source
path, output path), one block per row so that a lost block is one report.
``map_batches`` runs them through a fixed pool of :class:`ExtractActor`
(``jobs`` actors, one report per call, one call in flight per actor): each
actor builds one Pipeline, with as many onnxruntime threads as the CPUs Ray
gave it, and writes each report's JSON itself, atomically, into the output
folder, exactly as a local worker does (:func:`govreport.worker.extract_one`).
Inputs and output must therefore be paths every node sees (a shared
filesystem); they are made absolute before they leave the driver.

Faults: a report that raises gets its error output inside the actor and the
batch goes on. An actor that dies (killed, out of memory, its node lost) is
restarted by Ray and its report retried once (``max_task_retries=1``); if it
dies again, Ray Data drops that block (``max_errored_blocks=-1``) and the
driver writes the report's error output when the dataset is done. Writes
are atomic, so a lost node leaves no half-written file.

Without ``ray_address`` a local Ray instance is started for the batch and
stopped after it; with one, the driver joins that cluster (``auto``,
``ray://host:10001``). A process already connected to Ray (``ray.init``
called before) keeps its connection. There is no per-report timeout here.
The run sets the driver's current ``DataContext`` (errored blocks allowed,
no progress bars) and quiets the ``ray.data`` logger for the process.
"""
from __future__ import annotations

import json
import logging
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from ..inputs import Unit
from ..results import BatchError
from ..settings import Settings
from ..worker import DIE_ON_ENV, extract_one, fail_unit, load_pipeline, result_from
from . import Record, Workers, available_cores, threads_per_job

if TYPE_CHECKING:
    from ..batch import BatchOptions

INSTALL_HINT = "pip install 'govreport[ray]'"

LOCAL_OBJECT_STORE_BYTES = 256 * 1024 * 1024
"""Object store of a Ray instance started here: rows and numbers are all it holds."""

LOST_MESSAGE = ("the Ray worker reading this file died, and died again when the file was "
                "retried (killed, out of memory, or its node was lost); the file was skipped "
                "and the batch went on")


def _import_ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401  (Ray without its Data library cannot run this)
    except ImportError:
        raise BatchError(f"--engine ray needs Ray Data, which is not installed: {INSTALL_HINT}") \
            from None
    return ray


class ExtractActor:
    """One Ray actor: one Pipeline, loaded once, for every report it is handed."""

    def __init__(self, settings: Settings, debug_dir: Path | None):
        import ray

        cpus = ray.get_runtime_context().get_assigned_resources().get("CPU", 1.0)
        self.pipeline = load_pipeline(settings, max(1, int(cpus)), debug_dir)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        """Extract the batch's reports; their numbers as JSON text, by index."""
        import numpy as np

        numbers = [json.dumps(extract_one(self.pipeline, Path(str(path)), Path(str(output))))
                   for path, output in zip(batch["path"], batch["output"])]
        return {"index": np.asarray(batch["index"]), "numbers": np.asarray(numbers, dtype=object)}


def _connect(ray: Any, address: str | None) -> bool:
    """Join the cluster at ``address`` or start a local instance; True if we started one."""
    if ray.is_initialized():
        return False
    common = {"logging_level": logging.WARNING, "log_to_driver": False}
    try:
        if address:
            ray.init(address=address, **common)
        else:
            ray.init(num_cpus=available_cores(), include_dashboard=False,
                     object_store_memory=LOCAL_OBJECT_STORE_BYTES, **common)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = f"the Ray cluster at {address}" if address else "a local Ray instance"
        raise BatchError(f"could not start or join {where}: {exc}") from None
    return True


def run(units: Sequence[Unit], todo: Sequence[int], options: "BatchOptions",
        settings: Settings, record: Record) -> Workers:
    """Extract the ``todo`` units on Ray; record each as its row comes back."""
    ray = _import_ray()
    from ray.data import ActorPoolStrategy, DataContext

    started = _connect(ray, options.ray_address)
    try:
        cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
        jobs = max(1, min(options.jobs or cpus, len(todo)))
        threads = threads_per_job(jobs, cpus)
        context = DataContext.get_current()
        context.max_errored_blocks = -1  # a lost report is recorded below, not fatal
        context.enable_progress_bars = False  # the batch has its own
        context.print_on_execution_start = False
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        out_dir = options.out_dir.resolve()
        rows = [{"index": i, "path": str(units[i].path.resolve()),
                 "output": str(out_dir / units[i].output_file)} for i in todo]
        env = {DIE_ON_ENV: os.environ[DIE_ON_ENV]} if os.environ.get(DIE_ON_ENV) else None
        with warnings.catch_warnings():
            # Ray Data names no parameter for the actors' restarts and retries
            # yet; the extra pins Ray below the release that drops the kwargs.
            warnings.filterwarnings("ignore", message="`ray_remote_args` is deprecated")
            dataset = ray.data.from_items(rows, override_num_blocks=len(rows)).map_batches(
                ExtractActor,
                fn_constructor_args=(settings, options.debug_dir),
                batch_size=1,
                batch_format="numpy",
                compute=ActorPoolStrategy(size=jobs, max_tasks_in_flight_per_actor=1),
                num_cpus=threads,
                runtime_env={"env_vars": env} if env else None,
                max_restarts=-1,  # a dead actor is replaced ...
                max_task_retries=1,  # ... and its report tried once more
            )
        done: set[int] = set()
        try:
            for row in dataset.iter_rows():
                index = int(row["index"])
                done.add(index)
                record(index, result_from(units[index], json.loads(str(row["numbers"]))))
        except ray.exceptions.RayError as exc:
            # Reports are failed inside the actors and lost blocks are skipped,
            # so what stops the dataset is the actors not starting at all.
            raise BatchError(f"the Ray batch stopped (the actors could not start): {exc}") \
                from None
        for index in todo:
            if index not in done:
                record(index, fail_unit(units[index], options.out_dir, LOST_MESSAGE))
        return Workers(jobs=jobs, threads=threads)
    finally:
        if started:
            ray.shutdown()
