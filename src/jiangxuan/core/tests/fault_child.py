"""The process a fault test kills (``core.tests.faults.run_killed``; docs/security.md check 30).

``python -m jiangxuan.core.tests.fault_child JOB``, with ``JOB`` the JSON of
``{"write": "module:function", "kwargs": {...}, "model": "app.Model" or null, "patch":
"module:Class.method" or null, "media": DIR, "at": ISO time or null}`` and the environment
naming the test database (``DATABASE_URL``) and ``jiangxuan.test_settings``. It runs the
write with uploads in ``media`` and the clock frozen at ``at``, and sends itself SIGKILL
right after the first row of ``model`` is saved, or right after the first call of
``patch`` returns (a method, e.g. ``zipfile:ZipFile.writestr`` for a task that packs
files, or the storage's ``delete``): the write
stops with its transaction open, as when the server or the task worker is killed or loses
power. Exit status 3 means the write ran through and the fault never came.
"""

import importlib
import json
import os
import signal
import sys


def main(job_text: str) -> int:
    import django

    django.setup()

    import time_machine
    from django.apps import apps
    from django.db.models.signals import post_save
    from django.test import override_settings

    from jiangxuan.core.tests.faults import storages_at

    job = json.loads(job_text)

    def kill(sender, **kwargs) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    if job["model"]:
        post_save.connect(kill, sender=apps.get_model(job["model"]), weak=False)
    if job["patch"]:
        module, path = job["patch"].split(":")
        owner_name, method = path.rsplit(".", 1)
        owner = getattr(importlib.import_module(module), owner_name)
        original = getattr(owner, method)

        def call_then_kill(*args, **kwargs):
            original(*args, **kwargs)
            kill(owner)

        setattr(owner, method, call_then_kill)
    module, name = job["write"].split(":")
    write = getattr(importlib.import_module(module), name)
    with override_settings(STORAGES=storages_at(job["media"])):
        if job["at"]:
            with time_machine.travel(job["at"], tick=False):
                write(**job["kwargs"])
        else:
            write(**job["kwargs"])
    return 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
