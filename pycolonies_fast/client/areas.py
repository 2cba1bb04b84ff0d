"""``ApiAreas``: every API area of the client, one mixin each, composed once for both clients.

Each area's methods are sans-IO ``@rpc`` steps (``_steps.py``), so the same composition serves
``Colonies`` (client/__init__.py) and ``AsyncColonies`` (aio/client.py); only the websocket
methods and the base (blocking or asyncio I/O) differ between them.
"""

from __future__ import annotations

from .attributes import AttributesMixin
from .blueprints import BlueprintsMixin
from .channels import ChannelsMixin
from .colonies import ColoniesMixin
from .crons import CronsMixin
from .executor_admin import ExecutorAdminMixin
from .executors import ExecutorsMixin
from .extras import ExtrasMixin
from .files import FilesMixin
from .functions import FunctionsMixin
from .generators import GeneratorsMixin
from .keys import KeysMixin
from .locations import LocationsMixin
from .logs import LogsMixin
from .processes import ProcessesMixin
from .scheduling import SchedulingMixin
from .server import ServerMixin
from .snapshots import SnapshotsMixin
from .users import UsersMixin
from .workflows import WorkflowsMixin

__all__ = ["ApiAreas"]


class ApiAreas(
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
    SchedulingMixin,
    ExecutorAdminMixin,
    LocationsMixin,
    ExtrasMixin,
    KeysMixin,
    ServerMixin,
):
    """The RPC methods of both clients: colonies, executors, processes, workflows, functions,
    attributes, logs, snapshots, crons, generators, users, blueprints, files, channels (read and
    append), scheduling, executor administration, locations, extras, keys and server."""
