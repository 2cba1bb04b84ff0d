# Upstream README flow: register an executor, submit a function spec, assign it, close it.
import uuid

from crypto import Crypto
from pycolonies import Colonies, ColoniesConnectionError, colonies_client, func_spec

colonies, colonyname, colony_prvkey, _, _ = colonies_client()
crypto = Crypto()
executor_prvkey = crypto.prvkey()
executorname = "echo-executor-" + uuid.uuid4().hex[:8]
executortype = "echo-" + uuid.uuid4().hex[:8]

colonies.add_executor({"executorname": executorname, "executorid": crypto.id(executor_prvkey),
                       "colonyname": colonyname, "executortype": executortype}, colony_prvkey)
colonies.approve_executor(colonyname, executorname, colony_prvkey)
try:
    spec = func_spec(func="echo", args=["hello"], colonyname=colonyname, executortype=executortype,
                     maxexectime=10, maxretries=3)
    submitted = colonies.submit_func_spec(spec, executor_prvkey)
    print("submitted state", submitted.state == Colonies.WAITING)

    process = colonies.assign(colonyname, 10, executor_prvkey)
    print("assigned", process.processid == submitted.processid, process.spec.funcname)
    colonies.add_log(process.processid, "echoing", executor_prvkey)
    colonies.close(process.processid, process.spec.args, executor_prvkey)

    done = colonies.get_process(submitted.processid, executor_prvkey)
    print("output", done.output, "state", done.state == Colonies.SUCCESSFUL)
    logs = colonies.get_process_log(colonyname, done.processid, 100, -1, executor_prvkey)
    print("log", logs[0]["message"])
    try:
        colonies.assign(colonyname, 1, executor_prvkey)
    except ColoniesConnectionError as err:
        print("nothing to assign:", err)
finally:
    colonies.remove_executor(colonyname, executorname, colony_prvkey)
