"""The Runloop SDK: devboxes and friends as Python objects, sync and async.

Example:
    >>> from runloop_sdk import RunloopSDK
    >>> with RunloopSDK.local() as sdk, sdk.devbox.create() as devbox:
    ...     print(devbox.cmd.exec("echo hi").stdout())
"""

from runloop_api import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    NotFoundError,
    RunloopError,
)

from ._async.agent import AsyncAgent
from ._async.benchmark import AsyncBenchmark
from ._async.benchmark_run import AsyncBenchmarkRun
from ._async.blueprint import AsyncBlueprint
from ._async.client import AsyncRunloopSDK
from ._async.computer import AsyncComputer
from ._async.devbox import AsyncDevbox
from ._async.execution import AsyncExecution
from ._async.network_policy import AsyncNetworkPolicy
from ._async.pty import AsyncPtySession
from ._async.result import AsyncExecutionResult
from ._async.scenario import AsyncScenario
from ._async.scenario_run import AsyncScenarioRun
from ._async.scorer import AsyncScorer
from ._async.secret import AsyncSecret
from ._async.snapshot import AsyncSnapshot
from ._async.storage_object import AsyncStorageObject
from ._base.errors import (
    BenchmarkRunFailedError,
    BuildFailedError,
    DevboxFailedError,
    PollingTimeoutError,
    ScenarioRunFailedError,
    SDKError,
    SnapshotFailedError,
)
from ._base.output import OutputLine
from ._base.polling import PollingConfig
from ._base.progress import Progress
from ._sync.agent import Agent
from ._sync.benchmark import Benchmark
from ._sync.benchmark_run import BenchmarkRun
from ._sync.blueprint import Blueprint
from ._sync.client import RunloopSDK
from ._sync.computer import Computer
from ._sync.devbox import Devbox
from ._sync.execution import Execution
from ._sync.network_policy import NetworkPolicy
from ._sync.pty import PtySession
from ._sync.result import ExecutionResult
from ._sync.scenario import Scenario
from ._sync.scenario_run import ScenarioRun
from ._sync.scorer import Scorer
from ._sync.secret import Secret
from ._sync.snapshot import Snapshot
from ._sync.storage_object import StorageObject

__version__ = "0.1.0"

__all__ = [
    "Agent",
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncAgent",
    "AsyncBenchmark",
    "AsyncBenchmarkRun",
    "AsyncBlueprint",
    "AsyncComputer",
    "AsyncDevbox",
    "AsyncExecution",
    "AsyncExecutionResult",
    "AsyncNetworkPolicy",
    "AsyncPtySession",
    "AsyncRunloopSDK",
    "AsyncScenario",
    "AsyncScenarioRun",
    "AsyncScorer",
    "AsyncSecret",
    "AsyncSnapshot",
    "AsyncStorageObject",
    "Benchmark",
    "BenchmarkRun",
    "BenchmarkRunFailedError",
    "Blueprint",
    "BuildFailedError",
    "Computer",
    "Devbox",
    "DevboxFailedError",
    "Execution",
    "ExecutionResult",
    "NetworkPolicy",
    "NotFoundError",
    "OutputLine",
    "PollingConfig",
    "PollingTimeoutError",
    "Progress",
    "PtySession",
    "RunloopError",
    "RunloopSDK",
    "Scenario",
    "ScenarioRun",
    "ScenarioRunFailedError",
    "Scorer",
    "SDKError",
    "Secret",
    "Snapshot",
    "SnapshotFailedError",
    "StorageObject",
]
