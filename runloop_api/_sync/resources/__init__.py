# Generated from runloop_api/_async/resources/__init__.py by scripts/unasync.py. Do not edit.
"""Resource classes of the async raw client."""

from .agents import AgentsResource
from .benchmark_jobs import BenchmarkJobsResource
from .benchmark_runs import BenchmarkRunsResource
from .benchmarks import BenchmarksResource
from .benchmarks_runs import BenchmarksRunsResource
from .blueprints import BlueprintsResource
from .devboxes import DevboxesResource
from .devboxes_computers import ComputersResource
from .devboxes_disk_snapshots import DiskSnapshotsResource
from .devboxes_executions import ExecutionsResource
from .devboxes_logs import LogsResource
from .network_policies import NetworkPoliciesResource
from .objects import ObjectsResource
from .pty import PtyResource
from .scenarios import ScenariosResource
from .scenarios_runs import ScenariosRunsResource
from .scenarios_scorers import ScorersResource
from .secrets import SecretsResource

__all__ = [
    "AgentsResource",
    "BenchmarkJobsResource",
    "BenchmarkRunsResource",
    "BenchmarksResource",
    "BenchmarksRunsResource",
    "BlueprintsResource",
    "DevboxesResource",
    "ComputersResource",
    "DiskSnapshotsResource",
    "ExecutionsResource",
    "LogsResource",
    "NetworkPoliciesResource",
    "ObjectsResource",
    "PtyResource",
    "ScenariosResource",
    "ScenariosRunsResource",
    "ScorersResource",
    "SecretsResource",
]
