# MapReduce with dynamic children (upstream's example pattern): "map" inserts one "square" child
# per number between itself and "reduce"; "reduce" gets all their outputs as input.
import threading
import uuid

from crypto import Crypto
from pycolonies import ColoniesConnectionError, Workflow, colonies_client, func_spec

colonies, colonyname, colony_prvkey, _, _ = colonies_client()
crypto = Crypto()
prvkey = crypto.prvkey()
executorname = "mr-executor-" + uuid.uuid4().hex[:8]
executortype = "mr-" + uuid.uuid4().hex[:8]
colonies.add_executor({"executorname": executorname, "executorid": crypto.id(prvkey),
                       "colonyname": colonyname, "executortype": executortype}, colony_prvkey)
colonies.approve_executor(colonyname, executorname, colony_prvkey)
stop = threading.Event()


def handle(process):
    name = process.spec.funcname
    if name == "map":
        reduce_id = process.children[0]
        for i, n in enumerate(process.spec.args):
            child = func_spec("square", [n], colonyname, executortype, maxexectime=10)
            colonies.add_child(process.processgraphid, process.processid, reduce_id, child,
                               "square" + str(i), i == 0, prvkey)
        return []
    if name == "square":
        return [process.spec.args[0] ** 2]
    return [sum(process.input)]


def executor_loop():
    while not stop.is_set():
        try:
            process = colonies.assign(colonyname, 1, prvkey)
        except ColoniesConnectionError:
            continue
        colonies.close(process.processid, handle(process), prvkey)


thread = threading.Thread(target=executor_loop)
thread.start()
try:
    map_spec = func_spec("map", [1, 2, 3, 4], colonyname, executortype, maxexectime=10)
    reduce_spec = func_spec("reduce", [], colonyname, executortype, maxexectime=10)
    reduce_spec.conditions.dependencies = ["map"]
    graph = colonies.submit_workflow(Workflow(colonyname=colonyname, functionspecs=[map_spec, reduce_spec]), prvkey)
    reduce_process = colonies.find_process("reduce", graph.processids, prvkey)
    done = colonies.wait(reduce_process, 30, prvkey)
    print("reduce input", sorted(done.input), "output", done.output)
    graph = colonies.get_processgraph(graph.processgraphid, prvkey)
    print("graph processes", len(graph.processids))
finally:
    stop.set()
    thread.join()
    colonies.remove_executor(colonyname, executorname, colony_prvkey)
