# An executor in the style of upstream's examples: register a function, then assign/close in a loop.
import uuid

from crypto import Crypto
from model import Conditions, FuncSpec
from pycolonies import ColoniesConnectionError, colonies_client

colonies, colonyname, colony_prvkey, _, _ = colonies_client()
crypto = Crypto()
prvkey = crypto.prvkey()
executorname = "sum-executor-" + uuid.uuid4().hex[:8]
executortype = "sum-" + uuid.uuid4().hex[:8]

colonies.add_executor({"executorname": executorname, "executorid": crypto.id(prvkey),
                       "colonyname": colonyname, "executortype": executortype}, colony_prvkey)
colonies.approve_executor(colonyname, executorname, colony_prvkey)
try:
    colonies.add_function(colonyname, executorname, "sum_nums", prvkey)
    functions = colonies.get_functions_by_executor(colonyname, executorname, prvkey)
    print("functions", [f["funcname"] for f in functions])

    for n in range(3):
        spec = FuncSpec(funcname="sum_nums", args=[n, 10], maxexectime=10,
                        conditions=Conditions(colonyname=colonyname, executortype=executortype))
        colonies.submit_func_spec(spec, prvkey)

    results = []
    while True:
        try:
            process = colonies.assign(colonyname, 1, prvkey)
        except ColoniesConnectionError:
            break
        if process.spec.funcname == "sum_nums":
            total = sum(process.spec.args)
            colonies.close(process.processid, [total], prvkey)
            results.append(total)
        else:
            colonies.fail(process.processid, ["unknown function"], prvkey)
    print("results", sorted(results))
    print("successful", len(colonies.list_processes(colonyname, 100, 2, prvkey) or []) >= 3)
finally:
    colonies.remove_executor(colonyname, executorname, colony_prvkey)
