"""`func_spec()`: build a FuncSpec from a function name or from a Python function's source."""

import base64
import inspect
from collections.abc import Callable
from typing import Any

from pycolonies_fast.models import Conditions, Fs, FuncSpec

__all__ = ["func_spec"]


def _b64_ascii(text: str) -> str:
    """Standard padded base64 of ASCII text (non-ASCII raises UnicodeEncodeError, as upstream)."""
    return base64.b64encode(text.encode("ascii")).decode("ascii")


def func_spec(
    func: str | Callable,
    args: list[str | int],
    colonyname: str,
    executortype: str,
    executorname: str | None = None,
    priority: int = 1,
    maxexectime: int = -1,
    maxretries: int = -1,
    maxwaittime: int = -1,
    code: str | None = None,
    kwargs: dict[str, str | list[str]] | None = None,
    fs: Fs | None = None,
) -> FuncSpec:
    """Return a FuncSpec for `func`: a function name, or a callable shipped as base64 source code.

    Same two branches as upstream: a name sends `fs`/`kwargs` as given (None -> JSON null) and
    `code` (if any) in `env["code"]`; a callable sends its source and `args_spec`, and ignores
    `code` and `fs`.
    """
    branch: dict[str, Any]  # what differs: a name sends `fs` as given; a callable ships its source
    if isinstance(func, str):
        name, branch = func, {"fs": fs}
    else:
        source = _b64_ascii(inspect.getsource(func))
        args_spec = ",".join(inspect.getfullargspec(func).args)
        name, branch = func.__name__, {"env": {"args_spec": args_spec, "code": source}}
    conditions = Conditions(colonyname=colonyname, executortype=executortype)  # after the source, as upstream
    spec = FuncSpec(
        nodename=name,
        funcname=name,
        args=args,
        kwargs=kwargs,
        priority=priority,
        maxwaittime=maxwaittime,
        maxexectime=maxexectime,
        maxretries=maxretries,
        conditions=conditions,
        **branch,
    )
    if isinstance(func, str) and code is not None:
        spec.env["code"] = _b64_ascii(code)
    if executorname is not None:
        spec.conditions.executornames = [executorname]
    return spec
