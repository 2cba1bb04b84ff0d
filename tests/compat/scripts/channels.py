# Process channels (upstream's chat pattern): the executor streams replies to the submitter.
import threading
import uuid

from crypto import Crypto
from pycolonies import colonies_client, func_spec

colonies, colonyname, colony_prvkey, _, _ = colonies_client()
crypto = Crypto()
prvkey = crypto.prvkey()
executorname = "chat-executor-" + uuid.uuid4().hex[:8]
executortype = "chat-" + uuid.uuid4().hex[:8]
colonies.add_executor({"executorname": executorname, "executorid": crypto.id(prvkey),
                       "colonyname": colonyname, "executortype": executortype}, colony_prvkey)
colonies.approve_executor(colonyname, executorname, colony_prvkey)
try:
    spec = func_spec("chat", [], colonyname, executortype, maxexectime=30)
    spec.channels = ["chat"]
    submitted = colonies.submit_func_spec(spec, prvkey)
    process = colonies.assign(colonyname, 10, prvkey)

    colonies.channel_append(process.processid, "chat", 1, "hello from the submitter", prvkey)

    def executor_replies():
        for seq, word in enumerate(["one", "two", "three"], start=1):
            colonies.channel_append(process.processid, "chat", 100 + seq, word, prvkey, in_reply_to=1)
        colonies.channel_append(process.processid, "chat", 200, "", prvkey, payload_type="end")

    entries = colonies.channel_read(process.processid, "chat", 0, 10, prvkey)
    print("read", [e["payload"] for e in entries])

    replies = []

    def on_entries(batch):
        for entry in batch:
            if entry.get("type") == "end":
                return False
            if entry.get("inreplyto") == 1:
                replies.append(entry["payload"])
        return True

    threading.Timer(0.3, executor_replies).start()
    colonies.subscribe_channel(process.processid, "chat", prvkey, after_seq=1, timeout=10, callback=on_entries)
    print("replies", replies)
    colonies.close(process.processid, ["chatted"], prvkey)
finally:
    colonies.remove_executor(colonyname, executorname, colony_prvkey)
