"""Running callbacks' pumps concurrently: asyncio tasks for the async SDK, threads for the sync one.

The async source uses ``AsyncTaskGroup`` and ``AsyncCallbackLock``; the generated sync code gets
``TaskGroup`` and ``CallbackLock`` by the ``Async(X) -> X`` rename. Both groups share one
contract: :meth:`wait` returns when every task is done, or raises the first task error at once
(abandoning the others), so a failing user callback surfaces without waiting for the command.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Generic, TypeVar

__all__ = [
    "AsyncTaskGroup",
    "TaskGroup",
    "AsyncTaskHandle",
    "TaskHandle",
    "AsyncCallbackLock",
    "CallbackLock",
]

T = TypeVar("T")


class AsyncTaskHandle(Generic[T]):
    """A task started by :class:`AsyncTaskGroup`."""

    def __init__(self, task: asyncio.Task[T]) -> None:
        self._task = task

    def result(self) -> T:
        """The task's return value (only once it is done)."""
        return self._task.result()


class AsyncTaskGroup:
    """Coroutines run as asyncio tasks; :meth:`wait` fails fast."""

    def __init__(self) -> None:
        self._tasks: list[asyncio.Task[Any]] = []
        self.cancelled = False

    def start(self, fn: Callable[..., Awaitable[T]], *args: Any) -> AsyncTaskHandle[T]:
        """Starts ``fn(*args)`` in the background."""

        async def run() -> T:
            return await fn(*args)

        task = asyncio.get_running_loop().create_task(run())
        self._tasks.append(task)
        return AsyncTaskHandle(task)

    async def wait(self) -> None:
        """Waits for every task; on the first error cancels the others and raises it."""
        pending = {task for task in self._tasks if not task.done()}
        for task in self._tasks:
            if task.done() and not task.cancelled() and task.exception() is not None:
                await self.cancel()
                raise task.exception()  # type: ignore[misc]
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_EXCEPTION)
            for task in done:
                if not task.cancelled() and task.exception() is not None:
                    await self.cancel()
                    raise task.exception()  # type: ignore[misc]

    async def cancel(self) -> None:
        """Cancels every task still running and waits until they have stopped."""
        self.cancelled = True
        running = [task for task in self._tasks if not task.done()]
        for task in running:
            task.cancel()
        if running:
            await asyncio.wait(running)


class TaskHandle(Generic[T]):
    """A task started by :class:`TaskGroup` (a daemon thread)."""

    def __init__(self) -> None:
        self._value: T | None = None
        self._done = False

    def result(self) -> T:
        """The task's return value (only once it is done)."""
        if not self._done:
            raise RuntimeError("the task has not finished")
        return self._value  # type: ignore[return-value]


class TaskGroup:
    """Functions run on daemon threads; :meth:`wait` fails fast.

    Threads cannot be interrupted: :meth:`cancel` sets :attr:`cancelled`, which the pumps check
    between chunks, and stops waiting for them.
    """

    def __init__(self) -> None:
        self._finished: queue.Queue[BaseException | None] = queue.Queue()
        self._count = 0
        self._failure: BaseException | None = None
        self.cancelled = False

    def start(self, fn: Callable[..., T], *args: Any) -> TaskHandle[T]:
        """Starts ``fn(*args)`` on a daemon thread."""
        handle: TaskHandle[T] = TaskHandle()

        def run() -> None:
            try:
                handle._value = fn(*args)
                handle._done = True
            except BaseException as exc:
                self._finished.put(exc)
            else:
                self._finished.put(None)

        self._count += 1
        threading.Thread(target=run, name="runloop-sdk-pump", daemon=True).start()
        return handle

    def wait(self) -> None:
        """Waits for every thread; on the first error stops waiting and raises it."""
        if self._failure is not None:
            raise self._failure
        while self._count:
            error = self._finished.get()
            self._count -= 1
            if error is not None:
                self._failure = error
                self.cancel()
                raise error

    def cancel(self) -> None:
        """Tells the threads to stop delivering and stops waiting for them."""
        self.cancelled = True


class AsyncCallbackLock:
    """Async callbacks all run on the event loop thread, so they need no lock: a no-op."""

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None


class CallbackLock:
    """Serialises callbacks called from several pump threads (``output=`` sees both streams)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        self._lock.acquire()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._lock.release()
