"""``AsyncColonies``: the asyncio client, composed of the same area mixins as ``Colonies``."""

from __future__ import annotations

from ..client.attributes import AttributesMixin
from ..client.blueprints import BlueprintsMixin
from ..client.channels import ChannelsMixin
from ..client.colonies import ColoniesMixin
from ..client.crons import CronsMixin
from ..client.executor_admin import ExecutorAdminMixin
from ..client.executors import ExecutorsMixin
from ..client.extras import ExtrasMixin
from ..client.files import FilesMixin
from ..client.functions import FunctionsMixin
from ..client.generators import GeneratorsMixin
from ..client.keys import KeysMixin
from ..client.locations import LocationsMixin
from ..client.logs import LogsMixin
from ..client.processes import ProcessesMixin
from ..client.scheduling import SchedulingMixin
from ..client.server import ServerMixin
from ..client.snapshots import SnapshotsMixin
from ..client.users import UsersMixin
from ..client.workflows import WorkflowsMixin
from .base import AsyncClientBase
from .websocket import AsyncWebsocketMixin

__all__ = ["AsyncColonies"]


class AsyncColonies(
    ColoniesMixin,
    ExecutorsMixin,
    ProcessesMixin,
    WorkflowsMixin,
    FunctionsMixin,
    AttributesMixin,
    LogsMixin,
    SnapshotsMixin,
    CronsMixin,
    GeneratorsMixin,
    UsersMixin,
    BlueprintsMixin,
    FilesMixin,
    ChannelsMixin,
    AsyncWebsocketMixin,
    SchedulingMixin,
    ExecutorAdminMixin,
    LocationsMixin,
    ExtrasMixin,
    KeysMixin,
    ServerMixin,
    AsyncClientBase,
):
    """Asyncio client of a Colonies server: ``AsyncColonies(host, port, tls=False, native_crypto=False)``.

    The methods of ``Colonies`` with the same signatures, as coroutines (``await client.assign(...)``),
    plus ``subscribe_channel_iter``; all but ``subscribe_processes`` (blocking client only).
    Use it inside one event loop, ideally as ``async with``. Needs aiohttp: ``pip install pycolonies-fast[async]``.
    """
