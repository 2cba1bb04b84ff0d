"""``--plot``: a PNG with one row of two charts per mode; a clear error without matplotlib."""

from __future__ import annotations

import importlib.util
import struct

import pytest

from pycolonies_fast.benchmark import plot
from tests.support.benchmark import numbers, results

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_chart_is_a_png_that_grows_with_the_modes(tmp_path):
    medians = {"upstream": numbers(200, 50, 5.0), "ours": numbers(400, 100, 0.4), "runner-4": numbers(380, 200, 0.4)}
    one, two = tmp_path / "one.png", tmp_path / "sub" / "two.png"
    plot.plot(results(medians), one)
    plot.plot(results(medians, modes=("exclusive", "distributed")), two)
    one_size, two_size = png_size(one.read_bytes()), png_size(two.read_bytes())
    assert one_size[0] == two_size[0] and two_size[1] > one_size[1]


def test_nothing_measured_is_refused(tmp_path):
    empty = results({})
    empty["modes"] = {}
    with pytest.raises(ValueError, match="nothing to plot"):
        plot.plot(empty, tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()


def test_without_matplotlib_the_error_names_the_extra(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "matplotlib" else real(name, *a))
    with pytest.raises(plot.PlotUnavailable, match=r"pip install 'pycolonies-fast\[plot\]'"):
        plot.check_available()
