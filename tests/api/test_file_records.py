"""File records alone (api/file_records.py): add_file registers an object already in S3, remove_file
drops records and leaves the objects; against the real server and moto S3."""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError

from pycolonies_fast.client import Colonies
from pycolonies_fast.colonyfs import storage
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.errors import ServerError
from pycolonies_fast.models import File, Reference, S3Object
from tests.support.identities import Identity


@pytest.fixture(scope="module")
def live(dev_server):
    """A client, an approved executor key of colony ``dev``, and direct S3 access to the dev bucket."""
    client = Colonies(dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"]))
    colony, colony_key = dev_server["COLONIES_COLONY_NAME"], dev_server["COLONIES_COLONY_PRVKEY"]
    key = Crypto().prvkey()
    name = "records-" + uuid.uuid4().hex[:12]
    executor = {"executorname": name, "executorid": Crypto().id(key), "colonyname": colony, "executortype": "files"}
    client.add_executor(executor, colony_key)
    client.approve_executor(colony, name, colony_key)
    location = storage.upload_settings()
    s3 = storage.s3_client(location)
    storage.ensure_bucket(s3, location.bucket)
    yield Identity(client=client, colony=colony, key=key, s3=s3, location=location)
    client.close_connections()


def put_object(live, data: bytes) -> File:
    """Put ``data`` into S3 ourselves, as another program would; the record that describes it."""
    location, name = live.location, storage.new_object_name()
    live.s3.put_object(Bucket=location.bucket, Key=name, Body=data)
    s3object = S3Object(server=location.host, port=location.port, tls=location.tls, accesskey="", secretkey="",
                        region=location.region or "", encryptionkey="", encryptionalg="", object=name,
                        bucket=location.bucket)
    return File(fileid="", colonyname=live.colony, label="/pytest-records/" + uuid.uuid4().hex[:12],
                name="data.bin", size=len(data), sequencenr=1, checksum=storage.sha256_bytes(data),
                checksumalg="SHA256", ref=Reference(protocol="s3", s3object=s3object))


def object_exists(live, name: str) -> bool:
    try:
        live.s3.head_object(Bucket=live.location.bucket, Key=name)
    except ClientError:
        return False
    return True


def test_add_file_registers_an_object_already_in_s3(live):
    record = put_object(live, b"made elsewhere")
    stored = live.client.add_file(record, live.key)
    assert stored["fileid"] and stored["name"] == "data.bin" and stored["label"] == record.label
    assert live.client.download_data(live.colony, live.key, fileid=stored["fileid"]) == b"made elsewhere"


def test_add_file_takes_a_mapping_of_the_fields(live):
    record = put_object(live, b"as a dict")
    stored = live.client.add_file(record.model_dump(by_alias=True), live.key)
    assert live.client.download_data(live.colony, live.key, label=record.label, filename="data.bin") == b"as a dict"
    assert stored["checksum"] == record.checksum


def test_remove_file_drops_records_and_keeps_the_objects(live):
    first, second = put_object(live, b"v1"), put_object(live, b"v2")
    second.label = first.label
    one = live.client.add_file(first, live.key)
    live.client.add_file(second, live.key)
    assert len(live.client.get_file(live.colony, live.key, label=first.label, filename="data.bin", latest=False)) == 2
    assert live.client.remove_file(live.colony, live.key, fileid=one["fileid"]) == {}
    left = live.client.get_file(live.colony, live.key, label=first.label, filename="data.bin", latest=False)
    assert [r["ref"]["s3object"]["object"] for r in left] == [second.ref.s3object.object]
    assert live.client.remove_file(live.colony, live.key, label=first.label, filename="data.bin") == {}
    with pytest.raises(ServerError, match="Failed to get file"):
        live.client.get_file(live.colony, live.key, label=first.label, filename="data.bin", latest=False)
    assert object_exists(live, first.ref.s3object.object) and object_exists(live, second.ref.s3object.object)


def test_bad_input_is_refused_before_any_io():
    client = Colonies("127.0.0.1", 1, retries=0)  # nothing listens there: any I/O would fail otherwise
    key = Crypto().prvkey()
    with pytest.raises(TypeError, match="must be a File or a mapping"):
        client.add_file("data.bin", key)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="validation error"):  # pydantic's ValidationError is a ValueError
        client.add_file({"name": "data.bin"}, key)
    with pytest.raises(ValueError, match="either 'fileid' or 'filename'"):
        client.remove_file("c", key)
    with pytest.raises(ValueError, match="either 'fileid' or 'filename'"):
        client.remove_file("c", key, label="/l", fileid="1", filename="f")
    with pytest.raises(ValueError, match="needs the file's 'label'"):
        client.remove_file("c", key, filename="f")
