"""The API areas: every RPC method of both clients, one module per area of the server's API.

Each area's methods are sans-IO ``@rpc`` steps (core/steps.py), so one composition, ``ApiAreas``,
serves ``Colonies`` (client/) and ``AsyncColonies`` (aio/); only the websocket methods and the
base (blocking or asyncio I/O) differ between them. Methods upstream pycolonies lacks sit in
their area beside upstream's, and say so in their docstring.
"""

from __future__ import annotations

from pycolonies_fast.api.attributes import AttributesMixin
from pycolonies_fast.api.blueprints import BlueprintsMixin
from pycolonies_fast.api.channels import ChannelsMixin
from pycolonies_fast.api.colonies import ColoniesMixin
from pycolonies_fast.api.crons import CronsMixin
from pycolonies_fast.api.executors import ExecutorsMixin
from pycolonies_fast.api.file_records import FileRecordsMixin
from pycolonies_fast.api.files import FilesMixin
from pycolonies_fast.api.functions import FunctionsMixin
from pycolonies_fast.api.generators import GeneratorsMixin
from pycolonies_fast.api.keys import KeysMixin
from pycolonies_fast.api.locations import LocationsMixin
from pycolonies_fast.api.logs import LogsMixin
from pycolonies_fast.api.private import UpstreamPrivateMixin
from pycolonies_fast.api.processes import ProcessesMixin
from pycolonies_fast.api.server import ServerMixin
from pycolonies_fast.api.snapshots import SnapshotsMixin
from pycolonies_fast.api.users import UsersMixin
from pycolonies_fast.api.workflows import WorkflowsMixin

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
    FileRecordsMixin,
    ChannelsMixin,
    LocationsMixin,
    KeysMixin,
    ServerMixin,
    UpstreamPrivateMixin,
):
    """The RPC methods of both clients: colonies, executors, processes, workflows, functions,
    attributes, logs, snapshots, crons, generators, users, blueprints, files (and their records alone),
    channels (read and append), locations, keys and server; and upstream's private helpers."""
