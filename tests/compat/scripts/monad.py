# Upstream's monad example: functions shipped as source, run by a python executor.
import base64
import threading
import uuid

from colonies_monad import ColoniesMonad, Function
from crypto import Crypto
from pycolonies import ColoniesConnectionError, colonies_client

colonies, colonyname, colony_prvkey, _, _ = colonies_client()
crypto = Crypto()
prvkey = crypto.prvkey()
executorname = "python-executor-" + uuid.uuid4().hex[:8]
executortype = "python-" + uuid.uuid4().hex[:8]
colonies.add_executor({"executorname": executorname, "executorid": crypto.id(prvkey),
                       "colonyname": colonyname, "executortype": executortype}, colony_prvkey)
colonies.approve_executor(colonyname, executorname, colony_prvkey)
stop = threading.Event()


def gen_data(ctx={}):  # noqa: B006 - written as upstream's example
    return 1, 2


def process_data(*nums, ctx={}):  # noqa: B006
    total = 0
    for n in nums:
        total += n
    return total


def python_executor():
    while not stop.is_set():
        try:
            process = colonies.assign(colonyname, 1, prvkey)
        except ColoniesConnectionError:
            continue
        code = base64.b64decode(process.spec.env["code"]).decode()
        namespace = {}
        exec(code, namespace)
        func = namespace[process.spec.funcname]
        args = process.input if len(process.input) > 0 else process.spec.args
        result = func(*args, ctx={"process": process, "colonyname": colonyname})
        output = list(result) if isinstance(result, tuple) else ([] if result is None else [result])
        colonies.close(process.processid, output, prvkey)


thread = threading.Thread(target=python_executor)
thread.start()
try:
    gen = Function(gen_data, colonyname=colonyname, executortype=executortype)
    process = Function(process_data, colonyname=colonyname, executortype=executortype)
    m = ColoniesMonad(colonies, colonyname, prvkey)
    result = (m >> gen >> process).unwrap()
    print("result", result)
finally:
    stop.set()
    thread.join()
    colonies.remove_executor(colonyname, executorname, colony_prvkey)
