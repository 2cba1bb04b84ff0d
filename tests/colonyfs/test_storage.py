"""ColonyFS storage settings offline (colonyfs/storage.py): S3 endpoints, settings from the
environment, where a record's object is, checksums (§d.9)."""

import pytest

from pycolonies_fast.colonyfs import storage as fs


@pytest.mark.parametrize(
    "endpoint, tls, expected",
    [
        ("localhost:9000", False, ("localhost", 9000, False)),
        ("localhost:9000", True, ("localhost", 9000, True)),
        ("http://h:9000", True, ("h", 9000, False)),
        ("https://h:9443/", False, ("h", 9443, True)),
        ("https://h", False, ("h", 443, True)),
        ("h", False, ("h", 80, False)),
    ],
)
def test_split_endpoint(endpoint, tls, expected):
    assert fs._split_endpoint(endpoint, tls) == expected


@pytest.mark.parametrize("endpoint", ["ftp://h:1", "h:x", ":9000", "h:1/path"])
def test_split_endpoint_rejects(endpoint):
    with pytest.raises(Exception, match="invalid endpoint"):
        fs._split_endpoint(endpoint, False)


def test_unset_tls_and_skipverify_default_to_false(monkeypatch):
    monkeypatch.setenv("AWS_S3_ENDPOINT", "s3.local:9000")
    monkeypatch.delenv("AWS_S3_TLS", raising=False)
    monkeypatch.delenv("AWS_S3_SKIPVERIFY", raising=False)
    location = fs.upload_settings()
    assert (location.tls, location.verify, location.endpoint_url) == (False, True, "http://s3.local:9000")
    monkeypatch.setenv("AWS_S3_SKIPVERIFY", "YES")
    assert fs.upload_settings().verify is False


def test_location_of_go_sync_record(monkeypatch):
    monkeypatch.setenv("AWS_S3_ENDPOINT", "s3.local:9000")
    monkeypatch.delenv("AWS_S3_TLS", raising=False)
    record = {"ref": {"s3object": {"server": "s3.local:9000", "port": -1, "tls": False, "bucket": "b", "region": ""}}}
    assert fs.location_of(record).endpoint_url == "http://s3.local:9000"


def record_at(server: str, port: int, tls: bool) -> dict:
    return {"name": "f", "fileid": "1", "checksum": "ab", "checksumalg": "SHA256",
            "ref": {"s3object": {"server": server, "port": port, "tls": tls, "bucket": "b", "region": ""}}}


def test_credentials_go_only_to_the_configured_or_an_allowed_endpoint(monkeypatch):
    monkeypatch.setenv("AWS_S3_ENDPOINT", "s3.local:9000")
    monkeypatch.delenv("AWS_S3_ALLOWED_ENDPOINTS", raising=False)
    assert fs.location_of(record_at("S3.local", 9000, False)).host == "S3.local"  # names are case-insensitive
    for server, port in (("evil.example", 9000), ("s3.local", 9001), ("evil.example:9000", -1)):
        with pytest.raises(fs.UntrustedRecordError, match="not sent there"):
            fs.location_of(record_at(server, port, False))
    monkeypatch.setenv("AWS_S3_ALLOWED_ENDPOINTS", "https://other.example, backup.example:9100")
    assert fs.location_of(record_at("other.example", 443, False)).endpoint_url == "https://other.example:443"
    assert fs.location_of(record_at("backup.example", 9100, False)).tls is False
    monkeypatch.delenv("AWS_S3_ENDPOINT")
    monkeypatch.delenv("AWS_S3_ALLOWED_ENDPOINTS")
    with pytest.raises(fs.UntrustedRecordError):
        fs.location_of(record_at("s3.local", 9000, False))


def test_a_record_never_turns_off_the_tls_the_settings_ask_for(monkeypatch):
    monkeypatch.setenv("AWS_S3_ENDPOINT", "s3.local:9000")
    monkeypatch.setenv("AWS_S3_TLS", "true")
    assert fs.location_of(record_at("s3.local", 9000, False)).endpoint_url == "https://s3.local:9000"
    monkeypatch.setenv("AWS_S3_ENDPOINT", "https://s3.local:9000")
    monkeypatch.setenv("AWS_S3_TLS", "false")
    assert fs.location_of(record_at("s3.local", 9000, False)).tls is True


@pytest.mark.parametrize(("checksum", "algorithm"), [("", "SHA256"), (None, "SHA256"), ("ab", "MD5")])
def test_a_record_without_a_sha256_checksum_is_refused_unless_allowed(checksum, algorithm):
    record = {**record_at("s3.local", 9000, False), "checksum": checksum, "checksumalg": algorithm}
    with pytest.raises(fs.UntrustedRecordError, match="allow_unverified=True"):
        fs.check_verifiable(record, allow_unverified=False)
    fs.check_verifiable(record, allow_unverified=True)
    fs.check_verifiable(record_at("s3.local", 9000, False), allow_unverified=False)


def test_checksum_matches():
    assert fs.checksum_matches({"checksum": "AB", "checksumalg": "SHA256"}, "ab")
    assert not fs.checksum_matches({"checksum": "ab", "checksumalg": "SHA256"}, "cd")
    assert fs.checksum_matches({"checksum": "", "checksumalg": "SHA256"}, "cd")
    assert fs.checksum_matches({"checksum": "ab", "checksumalg": "MD5"}, "cd")


def test_secrets_not_in_repr():
    location = fs.S3Location("h", 1, False, "b", "ACCESS", "SECRET", None, True)
    assert "SECRET" not in repr(location) and "ACCESS" not in repr(location)
