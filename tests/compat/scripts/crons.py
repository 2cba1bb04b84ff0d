# Upstream's cron example: a scheduled workflow, triggered now with run_cron.
import uuid

from crypto import Crypto
from model import Conditions, FuncSpec, Gpu, Workflow
from pycolonies import colonies_client

colonies, colonyname, colony_prvkey, _, _ = colonies_client()
crypto = Crypto()
prvkey = crypto.prvkey()
executorname = "cron-executor-" + uuid.uuid4().hex[:8]
executortype = "cron-" + uuid.uuid4().hex[:8]
colonies.add_executor({"executorname": executorname, "executorid": crypto.id(prvkey),
                       "colonyname": colonyname, "executortype": executortype}, colony_prvkey)
colonies.approve_executor(colonyname, executorname, colony_prvkey)
try:
    spec = FuncSpec(nodename="tick", funcname="tick", maxexectime=10,
                    conditions=Conditions(colonyname=colonyname, executortype=executortype, gpu=Gpu(count=0)))
    workflow = Workflow(colonyname=colonyname, functionspecs=[spec])
    cron = colonies.add_cron("compat-" + uuid.uuid4().hex[:8], "0 0 0 1 1 *", False, workflow, colonyname, prvkey)
    print("cron", cron["cronid"] == colonies.get_cron(cron["cronid"], prvkey)["cronid"])
    colonies.run_cron(cron["cronid"], prvkey)
    process = colonies.assign(colonyname, 10, prvkey)
    colonies.close(process.processid, ["tock"], prvkey)
    print("ran", process.spec.funcname, colonies.get_process(process.processid, prvkey).output)
    colonies.del_cron(cron["cronid"], prvkey)
finally:
    colonies.remove_executor(colonyname, executorname, colony_prvkey)
