# ColonyFS in upstream's style: upload and download files and bytes, list labels, delete.
import os
import tempfile
import uuid

from crypto import Crypto
from pycolonies import colonies_client

colonies, colonyname, colony_prvkey, _, _ = colonies_client()
crypto = Crypto()
prvkey = crypto.prvkey()
executorname = "fs-executor-" + uuid.uuid4().hex[:8]
colonies.add_executor({"executorname": executorname, "executorid": crypto.id(prvkey),
                       "colonyname": colonyname, "executortype": "fs"}, colony_prvkey)
colonies.approve_executor(colonyname, executorname, colony_prvkey)
label = "/compat-" + uuid.uuid4().hex[:8]
try:
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "hello.txt")
        with open(src, "w") as f:
            f.write("hello world")
        uploaded = colonies.upload_file(colonyname, prvkey, filepath=src, label=label)
        print("uploaded", uploaded["name"], uploaded["label"] == label)
        colonies.upload_data(colonyname, prvkey, filename="data.bin", data=b"\x00\x01binary", label=label)
        print("files", sorted(f["name"] for f in colonies.get_files(label, colonyname, prvkey)))
        print("labels", any(entry["name"] == label for entry in colonies.get_file_labels(colonyname, prvkey)))

        dst = os.path.join(tmp, "out")
        path = colonies.download_file(colonyname, prvkey, dst=dst, label=label, filename="hello.txt")
        with open(path) as f:
            print("downloaded", path == os.path.join(dst, "hello.txt"), f.read())
        data = colonies.download_data(colonyname, prvkey, label=label, filename="data.bin")
        print("data", data)

        colonies.delete_file(colonyname, prvkey, label=label, filename="hello.txt")
        colonies.delete_file(colonyname, prvkey, label=label, filename="data.bin")
        print("after delete", colonies.get_files(label, colonyname, prvkey))
finally:
    colonies.remove_executor(colonyname, executorname, colony_prvkey)
