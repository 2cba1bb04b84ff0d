"""Upstream's name-mangled ``Colonies`` helpers (contract §d.0): present, and doing what upstream's did.

User code and user tests reached into them: ``_Colonies__rpc`` for msgtypes the SDK lacked, and
replacing it (a mock, a subclass) to intercept every call; the file helpers for their own uploads.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import uuid
from unittest import mock

import pytest

from pycolonies_fast.aio import AsyncColonies
from pycolonies_fast.client import Colonies
from pycolonies_fast.colonyfs import storage as fs

DEAD = ("127.0.0.1", 1)  # nothing listens here: a real request would fail


def test_a_patched_rpc_sees_every_call_as_upstreams_did():
    client = Colonies(*DEAD)
    with mock.patch.object(Colonies, "_Colonies__rpc", return_value={"name": "mocked"}) as rpc:
        assert client.get_colony("dev", "key") == {"name": "mocked"}
    rpc.assert_called_once_with({"msgtype": "getcolonymsg", "colonyname": "dev"}, "key")


def test_a_subclass_that_overrides_rpc_sees_every_call():
    seen = []

    class Recording(Colonies):
        def _Colonies__rpc(self, msg, prvkey):
            seen.append(msg["msgtype"])
            return [] if msg["msgtype"] == "getexecutorsmsg" else {"colonyname": "dev"}

    client = Recording(*DEAD)
    assert client.list_executors("dev", "key") == []
    client.add_log("0" * 64, "line", "key")
    assert seen == ["getexecutorsmsg", "addlogmsg"]


def test_a_patched_rpc_of_the_async_client_sees_every_call():
    async def scenario():
        async with AsyncColonies(*DEAD) as client:
            with mock.patch.object(AsyncColonies, "_Colonies__rpc", new=mock.AsyncMock(return_value={"a": 1})) as rpc:
                return await client.get_colony("dev", "key"), rpc.await_args

    reply, awaited = asyncio.run(scenario())
    assert reply == {"a": 1} and awaited.args == ({"msgtype": "getcolonymsg", "colonyname": "dev"}, "key")


def test_the_unreplaced_rpc_goes_to_the_server(client, executor):
    msg = {"msgtype": "getcolonymsg", "colonyname": executor.colony}
    assert client._Colonies__rpc(msg, executor.prvkey)["name"] == executor.colony


def test_pure_helpers(tmp_path, capsys, caplog):
    client = Colonies(*DEAD)
    first, second = client._Colonies__generate_random_id(), client._Colonies__generate_random_id()
    assert re.fullmatch("[0-9a-f]{64}", first) and first != second
    path = tmp_path / "f.bin"
    path.write_bytes(b"\x00data" * 5000)
    assert client._Colonies__checksum_file(str(path)) == hashlib.sha256(path.read_bytes()).hexdigest()
    assert client._Colonies__checksum_data(b"abc") == hashlib.sha256(b"abc").hexdigest()
    assert client._Colonies__get_file_size(str(path)) == 25000
    with caplog.at_level("WARNING", logger="pycolonies_fast"):
        assert client._Colonies__get_file_size(str(tmp_path / "missing")) is None
    # upstream printed the error; a library logs it instead, and leaves stdout to the program
    assert capsys.readouterr().out == ""
    [record] = [r for r in caplog.records if r.name == "pycolonies_fast.api.private"]
    assert record.levelname == "WARNING" and "Error getting file size" in record.getMessage()
    assert "missing" in record.getMessage()


def test_file_helpers_against_the_server(client, executor, tmp_path):
    colony = executor.colony
    label = "/pytest-private/" + uuid.uuid4().hex[:12]
    location = fs.upload_settings()
    s3 = fs.s3_client(location)
    client._Colonies__check_bucket(s3, location.bucket)
    s3.head_bucket(Bucket=location.bucket)
    path = tmp_path / "doc.txt"
    path.write_bytes(b"from a file")
    from_file = client._Colonies__upload_file(str(path), label, colony, executor.prvkey)
    from_bytes = client._Colonies__upload_file(str(tmp_path / "named.bin"), label, colony, executor.prvkey, b"raw")
    assert (from_file["name"], from_bytes["name"]) == ("doc.txt", "named.bin")
    assert client.download_data(colony, executor.prvkey, fileid=from_bytes["fileid"]) == b"raw"
    with pytest.raises(ValueError, match="cannot be set at the same time"):
        client._Colonies__remove_file(label, from_file["fileid"], "doc.txt", colony, executor.prvkey)
    client._Colonies__remove_file(label, None, "doc.txt", colony, executor.prvkey)
    assert [f["name"] for f in client.get_files(label, colony, executor.prvkey)] == ["named.bin"]
    object_name = from_file["ref"]["s3object"]["object"]
    assert s3.get_object(Bucket=location.bucket, Key=object_name)["Body"].read() == b"from a file"  # records only
