"""ColonyFS: file records through the Colonies server, bytes in S3, and folder sync; no native library.

``storage`` reaches S3 (settings, clients, checksums, verified atomic downloads), ``names`` says
which remote names may become local paths, ``transfers`` uploads and downloads as steps, and
``sync`` keeps a folder and a label alike. The client methods (``upload_file``, ``sync``, ...)
are in api/files.py; they run these steps.
"""
