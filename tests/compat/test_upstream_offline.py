"""Upstream's offline test facts (contract §j), imported through upstream's module names."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("compat_names")

P1 = (
    9145974245324100229099870468775465651310464820817378424695723232290407343942,
    5726454693002325744504615879224937090641195997533856518133185097441749801032,
    115714549703150523321131187169862203539915631312738481595605540015431713717331,
)
P2 = (
    3378859141843082240981311929530924778908494294056496383285600481501351521548,
    27521306930728475164406447156615413460758360212583572363332152141481614403438,
    49323301439068515073562494645799725679211443313890051705798536862743810731758,
)
BOTH_MESSAGE = "Both 'fileid' and 'filename' cannot be set at the same time. Please provide only one."


def test_crypto_prvkey_id_and_sign_vectors():
    from crypto import Crypto

    crypto = Crypto()
    assert len(crypto.prvkey()) == 64
    assert crypto.id("6d2fb6f546bacfd98c68769e61e0b44a697a30596c018a50e28200aa59b01c0a") == (
        "4fef2b5a82d134d058c1883c72d6d9caf77cd59ca82d73105017590dea3dcb87"
    )
    signature = crypto.sign("hello", "d6eb959e9aec2e6fdc44b5862b269e987b8a4d6f2baca542d8acaa97ee5e74f6")
    assert len(signature) == 130
    assert signature == (
        "e713a1bb015fecabb5a084b0fe6d6e7271fca6f79525a634183cfdb175fe69241f4da161779d8e6b761200e1cf9376"
        "6010a19072fa778f9643363e2cfadd640900"
    )


def test_crypto_jacobian_add():
    from crypto import jacobian_add

    assert jacobian_add(P1, P2) == (
        3839523019051154503084769099381507415584753837414379863264960425500703565923,
        20189644703747003499840421980750524561734367487063517298774288662171391490014,
        60937054099961058364101483468792603644143119999146283853926532658309628838553,
    )


def test_crypto_jacobian_double():
    from crypto import jacobian_double

    assert jacobian_double(P1) == (
        47799865997534219673197337605336645889814818209350362461488238402445197905424,
        60263407694755846743636806277114588321762727181244820843669538143699156517749,
        98392693047863901823354926635876248059211737341107593029860323683906341241571,
    )


def test_crypto_fast_multiply():
    from crypto import fast_multiply

    assert fast_multiply((P1[0], P1[1]), P2[2]) == (
        55168891259068323847970500732782990269643885682720201005538882429359294222592,
        24653118739118393505255051840680624663656725984701285210882487021736401159116,
    )


def test_func_spec_upstream_facts():
    from pycolonies import func_spec

    kwargs = {"one": "1", "two": "2", "three": ["3", "4"]}
    spec = func_spec(
        func="sum_nums", args=["helloworld"], colonyname="colonyname", executortype="echo_executor",
        executorname="exec_name", priority=0, maxexectime=10, maxretries=3, maxwaittime=100, kwargs=kwargs,
    )
    assert spec.nodename == spec.funcname == "sum_nums"
    assert spec.args == ["helloworld"]
    assert spec.conditions.colonyname == "colonyname"
    assert spec.conditions.executortype == "echo_executor"
    assert spec.conditions.executornames[0] == "exec_name"
    assert (spec.priority, spec.maxexectime, spec.maxretries, spec.maxwaittime) == (0, 10, 3, 100)
    assert spec.kwargs == kwargs


@pytest.mark.parametrize("label", ["filelabel", "///filelabel"])
def test_model_file_label_normalised(label):
    from pycolonies import File, Reference, S3Object

    s3 = S3Object(server="s", port=1, tls=False, accesskey="", secretkey="", region="", encryptionkey="",
                  encryptionalg="", object="o", bucket="b")
    file = File(fileid="", colonyname="c", label=label, name="n", size=1, sequencenr=1, checksum="",
                checksumalg="", ref=Reference(protocol="s3", s3object=s3))
    assert file.label == "/filelabel"
    assert File.ensure_single_slash(label) == "/filelabel"  # the validator under upstream's name


@pytest.mark.parametrize("method", ["download_file", "download_data"])
def test_download_with_fileid_and_filename_is_a_value_error_before_io(method):
    from pycolonies import Colonies

    client = Colonies("localhost", 1)  # nothing listens there: any I/O would fail differently
    with pytest.raises(ValueError) as raised:
        getattr(client, method)("test", "prvkey", fileid="123", filename="filename")
    assert str(raised.value) == BOTH_MESSAGE
