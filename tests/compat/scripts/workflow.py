# A two-step workflow (upstream docs): the second step gets the first step's output as its input.
import threading
import uuid

from crypto import Crypto
from model import Conditions, FuncSpec, Workflow
from pycolonies import ColoniesConnectionError, colonies_client

colonies, colonyname, colony_prvkey, _, _ = colonies_client()
crypto = Crypto()
prvkey = crypto.prvkey()
executorname = "wf-executor-" + uuid.uuid4().hex[:8]
executortype = "wf-" + uuid.uuid4().hex[:8]
colonies.add_executor({"executorname": executorname, "executorid": crypto.id(prvkey),
                       "colonyname": colonyname, "executortype": executortype}, colony_prvkey)
colonies.approve_executor(colonyname, executorname, colony_prvkey)

stop = threading.Event()


def executor_loop():
    while not stop.is_set():
        try:
            process = colonies.assign(colonyname, 1, prvkey)
        except ColoniesConnectionError:
            continue
        if process.spec.funcname == "gen_nums":
            colonies.close(process.processid, [2, 3], prvkey)
        elif process.spec.funcname == "multiply":
            product = 1
            for value in process.input:
                product *= value
            colonies.close(process.processid, [product], prvkey)


thread = threading.Thread(target=executor_loop)
thread.start()
try:
    gen = FuncSpec(nodename="gen", funcname="gen_nums", maxexectime=10,
                   conditions=Conditions(colonyname=colonyname, executortype=executortype))
    mul = FuncSpec(nodename="mul", funcname="multiply", maxexectime=10,
                   conditions=Conditions(colonyname=colonyname, executortype=executortype, dependencies=["gen"]))
    graph = colonies.submit_workflow(Workflow(colonyname=colonyname, functionspecs=[gen, mul]), prvkey)
    print("graph state", graph.state, "processes", len(graph.processids))
    last = colonies.find_process("mul", graph.processids, prvkey)
    done = colonies.wait(last, 30, prvkey)
    print("input", done.input, "output", done.output)
finally:
    stop.set()
    thread.join()
    colonies.remove_executor(colonyname, executorname, colony_prvkey)
