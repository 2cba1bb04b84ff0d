"""ColonyFS through the client: argument checks offline, then upload/download/delete/sync against the
real server and the moto S3 server of the dev-server (§d.9 and the fixed quirks). The storage
settings offline: test_storage.py."""

import http.client
import os
import signal
import uuid

import pytest
from botocore.exceptions import ClientError
from pydantic import ValidationError

from pycolonies_fast.client import Colonies
from pycolonies_fast.colonyfs import storage as fs
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.errors import ColoniesConnectionError, ServerError
from tests.support.identities import Identity
from tests.support.servers import Listener, RawServer

BOTH_MESSAGE = "Both 'fileid' and 'filename' cannot be set at the same time. Please provide only one."


def test_both_fileid_and_filename_rejected_before_io():
    client = Colonies("127.0.0.1", 1)
    with pytest.raises(ValueError, match=BOTH_MESSAGE):
        client.download_file("test", "prvkey", fileid="123", filename="filename")
    with pytest.raises(ValueError, match=BOTH_MESSAGE):
        client.download_data("test", "prvkey", fileid="123", filename="filename")
    with pytest.raises(ValueError, match="Both 'fileid' and 'name'"):
        client.delete_file("test", "prvkey", fileid="123", filename="filename")


# ---- real server and moto S3 ------------------------------------------------------------------


@pytest.fixture(scope="module")
def live(dev_server):
    """A client, a fresh approved executor key, and direct S3 access to the dev bucket."""
    client = Colonies(dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"]))
    colony, colony_key = dev_server["COLONIES_COLONY_NAME"], dev_server["COLONIES_COLONY_PRVKEY"]
    key = Crypto().prvkey()
    name = "files-" + uuid.uuid4().hex[:12]
    executor = {"executorname": name, "executorid": Crypto().id(key), "colonyname": colony, "executortype": "files"}
    client.add_executor(executor, colony_key)
    client.approve_executor(colony, name, colony_key)
    location = fs.upload_settings()
    return Identity(client=client, colony=colony, key=key, s3=fs.s3_client(location), bucket=location.bucket)


@pytest.fixture
def label():
    return "/pytest-files/" + uuid.uuid4().hex[:12]


def object_count(live):
    fs.ensure_bucket(live.s3, live.bucket)
    pages = live.s3.get_paginator("list_objects_v2").paginate(Bucket=live.bucket)
    return sum(page.get("KeyCount", 0) for page in pages)


def test_upload_file_and_download_file(live, label, tmp_path):
    src = tmp_path / "hello.txt"
    src.write_bytes(b"hello world\n")
    stored = live.client.upload_file(live.colony, live.key, filepath=str(src), label=label)
    assert stored["name"] == "hello.txt" and stored["label"] == label and stored["size"] == 12
    assert stored["checksum"] == fs.sha256_bytes(b"hello world\n") and stored["fileid"]
    dst = tmp_path / "out"
    path = live.client.download_file(live.colony, live.key, dst=str(dst), label=label, filename="hello.txt")
    assert path == str(dst) + "/hello.txt"
    assert open(path, "rb").read() == b"hello world\n"
    assert os.listdir(dst) == ["hello.txt"]


def test_upload_data_download_data_and_metadata(live, label):
    data = os.urandom(300_000)
    live.client.upload_data(live.colony, live.key, filename="dir/blob.bin", data=data, label=label.lstrip("/") + "/")
    assert live.client.download_data(live.colony, live.key, label=label, filename="blob.bin") == data
    files = live.client.get_file(live.colony, live.key, label=label, filename="blob.bin")
    assert len(files) == 1 and files[0]["name"] == "blob.bin"
    assert [f["name"] for f in live.client.get_files(label, live.colony, live.key)] == ["blob.bin"]
    labels = live.client.get_file_labels(live.colony, live.key, name=label, exact=True)
    assert [entry["name"] for entry in labels] == [label]


def test_download_by_fileid_alone_uses_record_name(live, label, tmp_path):
    stored = live.client.upload_data(live.colony, live.key, filename="named.txt", data=b"abc", label=label)
    path = live.client.download_file(live.colony, live.key, dst=str(tmp_path), fileid=stored["fileid"])
    assert path == str(tmp_path / "named.txt") and open(path, "rb").read() == b"abc"
    assert live.client.download_data(live.colony, live.key, fileid=stored["fileid"]) == b"abc"


def test_delete_file_removes_record_and_every_version(live, label):
    first = live.client.upload_data(live.colony, live.key, filename="v.txt", data=b"1", label=label)
    second = live.client.upload_data(live.colony, live.key, filename="v.txt", data=b"2", label=label)
    assert live.client.delete_file(live.colony, live.key, label=label, filename="v.txt") is None
    with pytest.raises(ColoniesConnectionError):
        live.client.get_file(live.colony, live.key, label=label, filename="v.txt")
    for stored in (first, second):
        with pytest.raises(ClientError):
            live.s3.head_object(Bucket=live.bucket, Key=stored["ref"]["s3object"]["object"])


def test_delete_file_by_fileid(live, label):
    stored = live.client.upload_data(live.colony, live.key, filename="d.txt", data=b"x", label=label)
    live.client.delete_file(live.colony, live.key, fileid=stored["fileid"])
    with pytest.raises(ColoniesConnectionError):
        live.client.get_file(live.colony, live.key, fileid=stored["fileid"])


def test_none_label_rejected_before_upload(live, tmp_path):
    before = object_count(live)
    with pytest.raises(ValidationError):
        live.client.upload_data(live.colony, live.key, filename="x.txt", data=b"x", label=None)
    assert object_count(live) == before


def test_a_record_the_server_refuses_leaves_no_object_behind(live, label):
    before = object_count(live)
    with pytest.raises(ServerError, match="does not exist"):
        live.client.upload_data("no-such-colony-" + uuid.uuid4().hex[:8], live.key, filename="x.txt", data=b"x",
                                label=label)
    assert object_count(live) == before


def test_checksum_mismatch_detected_and_destination_untouched(live, label, tmp_path):
    stored = live.client.upload_data(live.colony, live.key, filename="c.txt", data=b"original", label=label)
    live.s3.put_object(Bucket=live.bucket, Key=stored["ref"]["s3object"]["object"], Body=b"tampered")
    with pytest.raises(fs.ChecksumMismatchError, match="c.txt"):
        live.client.download_data(live.colony, live.key, label=label, filename="c.txt")
    (tmp_path / "c.txt").write_bytes(b"local copy")
    with pytest.raises(fs.ChecksumMismatchError):
        live.client.download_file(live.colony, live.key, dst=str(tmp_path), label=label, filename="c.txt")
    assert os.listdir(tmp_path) == ["c.txt"]
    assert (tmp_path / "c.txt").read_bytes() == b"local copy"


def test_endpoint_with_scheme_and_unset_tls(live, label, monkeypatch):
    endpoint = os.environ["AWS_S3_ENDPOINT"]
    monkeypatch.setenv("AWS_S3_ENDPOINT", "http://" + endpoint)
    monkeypatch.delenv("AWS_S3_TLS", raising=False)
    monkeypatch.delenv("AWS_S3_SKIPVERIFY", raising=False)
    stored = live.client.upload_data(live.colony, live.key, filename="s.txt", data=b"scheme", label=label)
    assert stored["ref"]["s3object"]["tls"] is False
    assert live.client.download_data(live.colony, live.key, fileid=stored["fileid"]) == b"scheme"


def write_tree(root, files):
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def read_tree(root):
    return {
        os.path.relpath(os.path.join(folder, name), root): open(os.path.join(folder, name), "rb").read()
        for folder, _dirs, names in os.walk(root)
        for name in names
    }


def test_sync_uploads_then_downloads(live, label, tmp_path):
    tree = {"a.txt": b"alpha", "sub/b.txt": b"beta", "sub/deeper/c.bin": os.urandom(1000)}
    first, second = tmp_path / "first", tmp_path / "second"
    write_tree(first, tree)
    assert live.client.sync(str(first), label, False, live.colony, live.key) is None
    assert [f["name"] for f in live.client.get_files(label, live.colony, live.key)] == ["a.txt"]
    assert [f["name"] for f in live.client.get_files(label + "/sub", live.colony, live.key)] == ["b.txt"]
    live.client.sync(str(second), label, False, live.colony, live.key)
    assert read_tree(second) == read_tree(first) == {os.path.normpath(k): v for k, v in tree.items()}
    live.client.sync(str(second), label, False, live.colony, live.key)
    assert len(live.client.get_file(live.colony, live.key, label=label, filename="a.txt", latest=False)) == 1


def test_sync_conflicts_follow_keeplocal(live, label, tmp_path):
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    write_tree(mine, {"f.txt": b"v1"})
    live.client.sync(str(mine), label, False, live.colony, live.key)
    write_tree(theirs, {"f.txt": b"theirs"})
    live.client.sync(str(theirs), label, True, live.colony, live.key)
    assert live.client.download_data(live.colony, live.key, label=label, filename="f.txt") == b"theirs"
    (mine / "f.txt").write_bytes(b"mine, unsynced")
    live.client.sync(str(mine), label, False, live.colony, live.key)
    assert (mine / "f.txt").read_bytes() == b"theirs"
    assert os.listdir(mine) == ["f.txt"]


def register_record_named(live, stored, name):
    """Any colony member can add a record with any name: copy ``stored`` under ``name``."""
    record = {**stored, "name": name, "fileid": ""}
    record.pop("added", None)
    return live.client._rpc({"msgtype": "addfilemsg", "file": record}, live.key)


def test_names_from_the_server_never_leave_the_target_folder(live, label, tmp_path, caplog):
    stored = live.client.upload_data(live.colony, live.key, filename="ok.txt", data=b"fine", label=label)
    outside = tmp_path / "outside.txt"
    for name in ("../escaped.txt", "../../escaped2.txt", str(outside), ".."):
        register_record_named(live, stored, name)
    target = tmp_path / "sync"

    live.client.sync(str(target), label, False, live.colony, live.key)

    assert read_tree(tmp_path) == {"sync/ok.txt": b"fine"}
    skipped = [r.getMessage() for r in caplog.records if r.name == "pycolonies_fast.files"]
    assert len(skipped) == 4 and all("not a bare file name" in message for message in skipped)
    dotdot = live.client.get_file(live.colony, live.key, label=label, filename="..")[0]
    with pytest.raises(ValueError, match="not a bare file name"):
        live.client.download_file(live.colony, live.key, dst=str(target), fileid=dotdot["fileid"])
    with pytest.raises(ValueError, match="not a bare file name"):
        live.client.download_file(live.colony, live.key, dst=str(target), label=label, filename="../escaped.txt")
    escaped = live.client.get_file(live.colony, live.key, label=label, filename="../escaped.txt")[0]
    path = live.client.download_file(live.colony, live.key, dst=str(target), fileid=escaped["fileid"])
    assert path == str(target / "escaped.txt")  # by fileid alone: the record name's last part
    assert read_tree(tmp_path) == {"sync/ok.txt": b"fine", "sync/escaped.txt": b"fine"}


def test_sync_finds_the_sublabels_of_a_label_with_a_backslash(live, label, tmp_path):
    root = label + "/back\\slash"
    live.client.upload_data(live.colony, live.key, filename="top.txt", data=b"top", label=root)
    live.client.upload_data(live.colony, live.key, filename="deep.txt", data=b"deep", label=root + "/sub")

    live.client.sync(str(tmp_path), root, False, live.colony, live.key)

    assert read_tree(tmp_path) == {"top.txt": b"top", "sub/deep.txt": b"deep"}


def test_sync_maps_a_double_slash_label_to_its_folder_without_copying_it(live, label, tmp_path):
    live.client.upload_data(live.colony, live.key, filename="f.txt", data=b"F", label=label + "/a//b")

    for _ in range(2):
        live.client.sync(str(tmp_path), label, False, live.colony, live.key)

    assert read_tree(tmp_path) == {"a/b/f.txt": b"F"}
    labels = live.client.get_file_labels(live.colony, live.key, name=label) or []
    assert [entry["name"] for entry in labels] == [label + "/a//b"]  # nothing uploaded back


def test_upload_data_refuses_data_that_is_not_bytes_or_text(live, label):
    before = object_count(live)
    for data in (1_000_000, [1, 2, 3]):
        with pytest.raises(TypeError, match="'data' must be bytes"):
            live.client.upload_data(live.colony, live.key, filename="n.bin", data=data, label=label)
    assert object_count(live) == before
    assert not live.client.get_files(label, live.colony, live.key)


def test_upload_data_without_data_uploads_the_file_at_filename_as_upstream(live, label, tmp_path):
    path = tmp_path / "on-disk.txt"
    path.write_bytes(b"disk bytes")
    stored = live.client.upload_data(live.colony, live.key, filename=str(path), label=label)
    assert stored["name"] == "on-disk.txt" and stored["size"] == 10
    assert live.client.download_data(live.colony, live.key, fileid=stored["fileid"]) == b"disk bytes"


def test_a_file_name_at_the_length_limit_downloads(live, label, tmp_path):
    name = "n" * 240 + ".txt"
    live.client.upload_data(live.colony, live.key, filename=name, data=b"long", label=label)
    path = live.client.download_file(live.colony, live.key, dst=str(tmp_path), label=label, filename=name)
    assert os.listdir(tmp_path) == [name] and open(path, "rb").read() == b"long"


def test_downloads_get_the_mode_the_current_umask_gives(live, label, tmp_path):
    live.client.upload_data(live.colony, live.key, filename="m.txt", data=b"secret-ish", label=label)
    previous = os.umask(0o077)
    try:
        for mask in (0o077, 0o027):
            os.umask(mask)
            folder = tmp_path / oct(mask)
            path = live.client.download_file(live.colony, live.key, dst=str(folder), label=label, filename="m.txt")
            assert os.stat(path).st_mode & 0o777 == 0o666 & ~mask
    finally:
        os.umask(previous)


def test_a_forked_child_makes_its_own_s3_clients(live, label):
    """The parent's boto3 clients share its pooled sockets; a lock held at the fork would hang the child."""
    stored = live.client.upload_data(live.colony, live.key, filename="f.bin", data=b"forked", label=label)
    parent_client = fs.s3_client(fs.location_of(stored))
    with fs._clients_lock:  # another thread of the parent could be creating a client right now
        pid = os.fork()
        if pid == 0:  # the child: answer by exit status, never return into pytest
            status = 1
            try:
                signal.alarm(20)
                fresh = fs.s3_client(fs.location_of(stored)) is not parent_client
                data = live.client.download_data(live.colony, live.key, fileid=stored["fileid"])
                status = 0 if fresh and data == b"forked" else 3
            finally:
                os._exit(status)
    _, wait_status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(wait_status) == 0


class FirstGetCutShort(Listener):
    """An HTTP proxy in front of moto that sends only half of the first object body it forwards,
    then drops the connection, as a transient network failure mid-download would."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.cuts = 0
        super().__init__()

    def _serve(self, conn) -> None:
        with conn, conn.makefile("rb") as requests:
            while True:
                line = requests.readline()
                if not line:
                    return
                method, target, _ = line.decode("latin-1").split(" ", 2)
                headers = {}
                while (header := requests.readline()) not in (b"\r\n", b""):
                    name, _, value = header.decode("latin-1").partition(":")
                    headers[name.strip()] = value.strip()
                body = requests.read(int(headers.get("Content-Length") or 0))
                forward = http.client.HTTPConnection(self.upstream, timeout=10)
                headers.pop("Connection", None)
                forward.request(method, target, body=body, headers=headers)
                reply = forward.getresponse()
                data = reply.read()
                forward.close()
                cut = method == "GET" and len(data) > 1000 and self.cuts == 0
                head = [f"HTTP/1.1 {reply.status} {reply.reason}"]
                head += [f"{k}: {v}" for k, v in reply.getheaders()
                         if k.lower() not in ("connection", "content-length", "transfer-encoding")]
                head += [f"Content-Length: {len(data)}", "", ""]
                conn.sendall("\r\n".join(head).encode("latin-1"))
                if cut:
                    self.cuts += 1
                    conn.sendall(data[: len(data) // 2])
                    return
                if method != "HEAD":
                    conn.sendall(data)


def test_a_download_cut_short_is_resumed_as_upstreams_was(live, label, tmp_path, monkeypatch):
    data = os.urandom(300_000)
    proxy = FirstGetCutShort(os.environ["AWS_S3_ENDPOINT"].split("://")[-1])
    try:
        monkeypatch.setenv("AWS_S3_ENDPOINT", f"127.0.0.1:{proxy.port}")  # the record points at the proxy
        live.client.upload_data(live.colony, live.key, filename="cut.bin", data=data, label=label)
        path = live.client.download_file(live.colony, live.key, dst=str(tmp_path), label=label, filename="cut.bin")
    finally:
        proxy.close()
    assert proxy.cuts == 1
    assert open(path, "rb").read() == data and os.listdir(tmp_path) == ["cut.bin"]


WINDOWS_NAMES = ("..\\..\\evil.txt", "C:evil.txt", "a:stream", "stream:$DATA", "CON", "nul.txt", "com1.log")


def test_windows_names_from_the_server_are_skipped_on_every_platform(live, label, tmp_path, caplog):
    stored = live.client.upload_data(live.colony, live.key, filename="ok.txt", data=b"fine", label=label)
    for name in WINDOWS_NAMES:
        register_record_named(live, stored, name)
    live.client.upload_data(live.colony, live.key, filename="deep.txt", data=b"deep", label=label + "/C:drive")
    live.client.upload_data(live.colony, live.key, filename="dev.txt", data=b"dev", label=label + "/aux")
    target = tmp_path / "sync"

    live.client.sync(str(target), label, False, live.colony, live.key)

    assert read_tree(tmp_path) == {"sync/ok.txt": b"fine"}
    messages = [r.getMessage() for r in caplog.records if r.name == "pycolonies_fast.files"]
    assert sum("not a bare file name" in m for m in messages) == len(WINDOWS_NAMES)
    assert sum("skips label" in m for m in messages) == 2


def test_sync_never_writes_through_a_symlinked_subfolder(live, label, tmp_path, caplog):
    elsewhere, target = tmp_path / "elsewhere", tmp_path / "sync"
    elsewhere.mkdir()
    target.mkdir()
    (elsewhere / "f.txt").write_bytes(b"not yours")
    (target / "shared").symlink_to(elsewhere, target_is_directory=True)
    live.client.upload_data(live.colony, live.key, filename="f.txt", data=b"overwritten", label=label + "/shared")
    live.client.upload_data(live.colony, live.key, filename="top.txt", data=b"top", label=label)

    live.client.sync(str(target), label, False, live.colony, live.key)

    assert (elsewhere / "f.txt").read_bytes() == b"not yours"
    assert (target / "top.txt").read_bytes() == b"top"
    messages = [r.getMessage() for r in caplog.records if r.name == "pycolonies_fast.files"]
    assert any("symlinked folder" in m for m in messages)  # not followed for uploads
    assert any("is a symlink: nothing is written through it" in m for m in messages)


def test_the_part_files_of_a_killed_download_are_never_uploaded(live, label, tmp_path):
    target = tmp_path / "sync"
    target.mkdir()
    (target / "a.txt").write_bytes(b"A")
    (target / ".a.txt.0a1b2c3d.part").write_bytes(b"half a download")

    live.client.sync(str(target), label, False, live.colony, live.key)

    assert [f["name"] for f in live.client.get_files(label, live.colony, live.key)] == ["a.txt"]


def test_one_bad_remote_entry_is_skipped_and_the_rest_is_synced(live, label, tmp_path, caplog):
    target = tmp_path / "sync"
    (target / "taken").mkdir(parents=True)  # a local folder where the remote has a file
    live.client.upload_data(live.colony, live.key, filename="taken", data=b"a file", label=label)
    (target / "blocked").write_bytes(b"a local file where the remote has a folder")
    live.client.upload_data(live.colony, live.key, filename="in.txt", data=b"in", label=label + "/blocked")
    live.client.upload_data(live.colony, live.key, filename="good.txt", data=b"good", label=label)

    live.client.sync(str(target), label, False, live.colony, live.key)

    assert (target / "good.txt").read_bytes() == b"good" and (target / "taken").is_dir()
    messages = [r.getMessage() for r in caplog.records if r.name == "pycolonies_fast.files"]
    assert any("skipped 2 remote file(s)" in m and "/taken" in m and "/blocked/in.txt" in m for m in messages)


def test_a_record_naming_another_s3_endpoint_gets_no_credentials(live, label, tmp_path, caplog):
    stored = live.client.upload_data(live.colony, live.key, filename="ok.txt", data=b"fine", label=label)
    with RawServer([]) as stranger:  # records every request it gets
        record = {**stored, "name": "lure.txt", "fileid": ""}
        record.pop("added", None)
        record["ref"] = {**record["ref"], "s3object": {**record["ref"]["s3object"], "server": "127.0.0.1",
                                                       "port": stranger.port, "tls": False}}
        live.client._rpc({"msgtype": "addfilemsg", "file": record}, live.key)
        with pytest.raises(fs.UntrustedRecordError, match="credentials are not sent there"):
            live.client.download_data(live.colony, live.key, label=label, filename="lure.txt")
        live.client.sync(str(tmp_path), label, False, live.colony, live.key)
        assert stranger.requests == [] and stranger.connections == 0
    assert read_tree(tmp_path) == {"ok.txt": b"fine"}
    assert any("lure.txt" in r.getMessage() and "not sent there" in r.getMessage() for r in caplog.records)


def test_a_record_without_a_checksum_downloads_only_when_allowed(live, label, tmp_path):
    stored = live.client.upload_data(live.colony, live.key, filename="ok.txt", data=b"fine", label=label)
    record = {**stored, "name": "unchecked.txt", "fileid": "", "checksum": ""}
    record.pop("added", None)
    live.client._rpc({"msgtype": "addfilemsg", "file": record}, live.key)
    with pytest.raises(fs.UntrustedRecordError, match="no SHA-256 checksum"):
        live.client.download_data(live.colony, live.key, label=label, filename="unchecked.txt")
    assert live.client.download_data(live.colony, live.key, label=label, filename="unchecked.txt",
                                     allow_unverified=True) == b"fine"
    path = live.client.download_file(live.colony, live.key, dst=str(tmp_path), label=label, filename="unchecked.txt",
                                     allow_unverified=True)
    assert open(path, "rb").read() == b"fine"
