"""Progress of ColonyFS transfers (colonyfs/progress.py): the tracker's rules offline, then the
``progress`` callbacks of upload_file, download_file, upload_data, download_data and sync, and
sync's ``summary``, against the real server and the moto S3 server of the dev-server."""

import asyncio
import os
import threading
import uuid

import pytest
from botocore.exceptions import ClientError

from pycolonies_fast.colonyfs import storage
from pycolonies_fast.colonyfs.progress import ProgressCallbackError, TransferProgress, expected_size
from pycolonies_fast.colonyfs.sync import SyncSummary

#: Larger than boto3's multipart threshold (8 MiB): the bytes move in parts, on several threads.
LARGE = 20 * 1024 * 1024 + 7


class Recorder:
    """A progress callback that keeps every call, and checks that no two calls overlap."""

    def __init__(self, fail_when=None):
        self.calls = []
        self.fail_when = fail_when
        self._inside = threading.Lock()

    def __call__(self, done, total, file):
        assert self._inside.acquire(blocking=False), "the callback was called from two threads at once"
        try:
            self.calls.append((done, total, file))
            if self.fail_when is not None and self.fail_when(done, total):
                raise KeyError("stop here")
        finally:
            self._inside.release()

    def of(self, file):
        return [call for call in self.calls if call[2] == file]


def assert_reports_a_whole_file(calls, size):
    """done starts at 0, strictly grows, and ends at the size; the size is the total throughout."""
    dones = [done for done, _total, _file in calls]
    assert dones[0] == 0 and dones[-1] == size
    assert all(later > earlier for earlier, later in zip(dones, dones[1:], strict=False)), dones
    assert {total for _done, total, _file in calls} == {size}


# ---- the tracker, offline ----------------------------------------------------------------------


def test_increments_from_many_threads_reach_the_callback_one_at_a_time_and_in_order():
    recorder = Recorder()
    tracker = TransferProgress(recorder, 8 * 2000, "f")
    tracker.start()
    workers = [threading.Thread(target=lambda: [tracker(1) for _ in range(2000)]) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    tracker.finish(8 * 2000)
    assert_reports_a_whole_file(recorder.calls, 8 * 2000)


def test_a_retry_that_rewinds_is_not_shown_as_going_back():
    """s3transfer reports a negative increment when a retry starts a part over."""
    recorder = Recorder()
    tracker = TransferProgress(recorder, 30, "f")
    tracker.start()
    for increment in (10, 10, -20, 10, 10, 10):
        tracker(increment)
    tracker.finish(30)
    assert [done for done, _, _ in recorder.calls] == [0, 10, 20, 30]


def test_a_size_the_record_misstates_is_not_reported_below_done():
    recorder = Recorder()
    tracker = TransferProgress(recorder, 10, "f")
    tracker.start()
    tracker(8)
    tracker(7)
    tracker.finish(15)
    assert recorder.calls == [(0, 10, "f"), (8, 10, "f"), (15, None, "f"), (15, 15, "f")]


def test_an_unknown_size_is_given_at_the_end():
    recorder = Recorder()
    tracker = TransferProgress(recorder, None, "f")
    tracker.start()
    tracker(5)
    tracker.finish(5)
    assert recorder.calls == [(0, None, "f"), (5, None, "f"), (5, 5, "f")]


def test_the_first_failure_of_the_callback_stops_every_later_call():
    recorder = Recorder(fail_when=lambda done, total: done >= 4)
    tracker = TransferProgress(recorder, 10, "f")
    tracker.start()
    tracker(2)
    with pytest.raises(ProgressCallbackError, match="KeyError for 'f'") as raised:
        tracker(2)
    assert isinstance(raised.value.__cause__, KeyError)
    for later in (lambda: tracker(3), lambda: tracker.finish(10), tracker.raise_failure):
        with pytest.raises(ProgressCallbackError) as again:
            later()
        assert again.value is raised.value
    assert [done for done, _, _ in recorder.calls] == [0, 2, 4]


@pytest.mark.parametrize(("size", "expected"), [(12, 12), (0, 0), (-1, None), (True, None), ("12", None), (None, None)])
def test_expected_size_takes_only_a_size(size, expected):
    assert expected_size({"size": size}) == expected


# ---- real server and moto S3 ------------------------------------------------------------------


@pytest.fixture
def label():
    return "/pytest-progress/" + uuid.uuid4().hex[:12]


@pytest.fixture
def new_objects(monkeypatch):
    """The names of the S3 objects the uploads of the test create."""
    names = []
    make = storage.new_object_name

    def recorded():
        names.append(make())
        return names[-1]

    monkeypatch.setattr(storage, "new_object_name", recorded)
    return names


def object_exists(name):
    """Whether S3 has the object, or the parts of an upload of it that was neither completed nor aborted."""
    location = storage.upload_settings()
    s3 = storage.s3_client(location)
    if s3.list_multipart_uploads(Bucket=location.bucket, Prefix=name).get("Uploads"):
        return True
    try:
        s3.head_object(Bucket=location.bucket, Key=name)
    except ClientError:
        return False
    return True


def test_upload_file_and_download_file_report_each_file_to_its_size(client, executor, label, tmp_path):
    data = os.urandom(LARGE)
    src = tmp_path / "big.bin"
    src.write_bytes(data)
    upload = Recorder()
    client.upload_file(executor.colony, executor.prvkey, filepath=str(src), label=label, progress=upload)
    assert_reports_a_whole_file(upload.calls, LARGE)
    assert len(upload.calls) > 10 and {file for _, _, file in upload.calls} == {str(src)}

    download = Recorder()
    dst = tmp_path / "out"
    path = client.download_file(executor.colony, executor.prvkey, dst=str(dst), label=label, filename="big.bin",
                                progress=download)
    assert_reports_a_whole_file(download.calls, LARGE)
    assert len(download.calls) > 10 and {file for _, _, file in download.calls} == {path}
    assert open(path, "rb").read() == data


def test_upload_data_and_download_data_report_under_the_files_name(client, executor, label):
    data = os.urandom(LARGE)
    upload, download = Recorder(), Recorder()
    client.upload_data(executor.colony, executor.prvkey, filename="dir/blob.bin", data=data, label=label,
                       progress=upload)
    assert client.download_data(executor.colony, executor.prvkey, label=label, filename="blob.bin",
                                progress=download) == data
    for recorder in (upload, download):
        assert_reports_a_whole_file(recorder.calls, LARGE)
        assert len(recorder.calls) > 10 and {file for _, _, file in recorder.calls} == {"blob.bin"}


def test_an_empty_file_is_reported_once(client, executor, label, tmp_path):
    src = tmp_path / "empty.txt"
    src.write_bytes(b"")
    upload, download = Recorder(), Recorder()
    client.upload_file(executor.colony, executor.prvkey, filepath=str(src), label=label, progress=upload)
    path = client.download_file(executor.colony, executor.prvkey, dst=str(tmp_path / "out"), label=label,
                                filename="empty.txt", progress=download)
    assert upload.calls == [(0, 0, str(src))] and download.calls == [(0, 0, path)]


@pytest.mark.parametrize("when", ["midway", "at the end"])
def test_a_callback_that_raises_stops_the_upload_and_leaves_no_object_nor_record(
    client, executor, label, tmp_path, new_objects, when
):
    src = tmp_path / "stopped.bin"
    src.write_bytes(os.urandom(LARGE))
    fail_when = (lambda done, total: 0 < done < total) if when == "midway" else (lambda done, total: done == total)
    with pytest.raises(ProgressCallbackError, match="stopped.bin") as raised:
        client.upload_file(executor.colony, executor.prvkey, filepath=str(src), label=label,
                           progress=Recorder(fail_when))
    assert isinstance(raised.value.__cause__, KeyError)
    assert len(new_objects) == 1 and not object_exists(new_objects[0])
    assert not client.get_files(label, executor.colony, executor.prvkey)
    with pytest.raises(ProgressCallbackError):
        client.upload_data(executor.colony, executor.prvkey, filename="b.bin", data=b"x" * 1000, label=label,
                           progress=Recorder(fail_when=lambda done, total: done == total))
    assert len(new_objects) == 2 and not object_exists(new_objects[1])
    assert not client.get_files(label, executor.colony, executor.prvkey)


@pytest.mark.parametrize("when", ["midway", "at the end"])
def test_a_callback_that_raises_stops_the_download_and_writes_nothing(client, executor, label, tmp_path, when):
    client.upload_data(executor.colony, executor.prvkey, filename="kept.bin", data=os.urandom(LARGE), label=label)
    (tmp_path / "kept.bin").write_bytes(b"the local copy")
    fail_when = (lambda done, total: 0 < done < total) if when == "midway" else (lambda done, total: done == total)
    with pytest.raises(ProgressCallbackError) as raised:
        client.download_file(executor.colony, executor.prvkey, dst=str(tmp_path), label=label, filename="kept.bin",
                             progress=Recorder(fail_when))
    assert isinstance(raised.value.__cause__, KeyError)
    assert os.listdir(tmp_path) == ["kept.bin"] and (tmp_path / "kept.bin").read_bytes() == b"the local copy"
    with pytest.raises(ProgressCallbackError):
        client.download_data(executor.colony, executor.prvkey, label=label, filename="kept.bin",
                             progress=Recorder(fail_when))


def test_sync_reports_each_file_and_fills_in_its_summary(client, executor, label, tmp_path):
    tree = {"a.bin": os.urandom(3000), "sub/b.txt": b"beta", "sub/c.bin": os.urandom(LARGE)}
    first, second = tmp_path / "first", tmp_path / "second"
    for rel, data in tree.items():
        (first / rel).parent.mkdir(parents=True, exist_ok=True)
        (first / rel).write_bytes(data)
    (second / "sub").mkdir(parents=True)
    (second / "sub" / "b.txt").write_bytes(b"beta")  # already alike
    (second / "only-here.txt").write_bytes(b"new")

    pushed, summary = Recorder(), SyncSummary()
    client.sync(str(first), label, False, executor.colony, executor.prvkey, progress=pushed, summary=summary)
    paths = {rel: str(first / rel) for rel in tree}
    assert sorted(summary.uploaded) == sorted(paths.values())
    assert summary.downloaded == summary.unchanged == summary.skipped == summary.deleted == []
    for rel, path in paths.items():
        assert_reports_a_whole_file(pushed.of(path), len(tree[rel]))

    pulled, summary = Recorder(), SyncSummary()
    client.sync(str(second), label, False, executor.colony, executor.prvkey, progress=pulled, summary=summary)
    assert sorted(summary.downloaded) == [str(second / "a.bin"), str(second / "sub" / "c.bin")]
    assert summary.uploaded == [str(second / "only-here.txt")]
    assert summary.unchanged == [str(second / "sub" / "b.txt")]
    assert str(summary) == "1 uploaded, 2 downloaded, 0 deleted, 1 unchanged, 0 skipped"
    assert_reports_a_whole_file(pulled.of(str(second / "sub" / "c.bin")), LARGE)
    assert_reports_a_whole_file(pulled.of(str(second / "only-here.txt")), 3)
    assert (second / "sub" / "c.bin").read_bytes() == tree["sub/c.bin"]


def test_a_sync_stopped_by_its_callback_keeps_in_its_summary_what_was_done(client, executor, label, tmp_path):
    (tmp_path / "1-first.txt").write_bytes(b"one")
    (tmp_path / "2-second.bin").write_bytes(os.urandom(LARGE))
    summary = SyncSummary()
    stop_in_second = Recorder(fail_when=lambda done, total: total == LARGE and done > 0)
    with pytest.raises(ProgressCallbackError, match="2-second.bin"):
        client.sync(str(tmp_path), label, False, executor.colony, executor.prvkey, progress=stop_in_second,
                    summary=summary)
    assert summary.uploaded == [str(tmp_path / "1-first.txt")]
    assert [entry["name"] for entry in client.get_files(label, executor.colony, executor.prvkey)] == ["1-first.txt"]


def test_the_asyncio_client_takes_the_same_callbacks(dev_server, executor, label):
    from pycolonies_fast.aio import AsyncColonies

    data = os.urandom(LARGE)
    upload, download = Recorder(), Recorder()

    async def scenario():
        async with AsyncColonies(dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"])) as c:
            await c.upload_data(executor.colony, executor.prvkey, filename="a.bin", data=data, label=label,
                                progress=upload)
            return await c.download_data(executor.colony, executor.prvkey, label=label, filename="a.bin",
                                         progress=download)

    assert asyncio.run(scenario()) == data
    assert_reports_a_whole_file(upload.calls, LARGE)
    assert_reports_a_whole_file(download.calls, LARGE)
