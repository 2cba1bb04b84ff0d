"""The benchmark's table and JSON: measurements, ratios to the references of the same run, no verdicts."""

from __future__ import annotations

import json

import pytest

from pycolonies_fast.benchmark.report import parallelism, ratios, table, write_json
from tests.support.benchmark import numbers, results

WITH_REFERENCES = {
    "upstream": numbers(200, 50, 5.0),
    "go-1": numbers(300, 80, 0.8),
    "go-4": numbers(320, 160, 0.7),
    "ours": numbers(400, 100, 0.4),
    "runner-4": numbers(380, 200, 0.45),
    "async-8": numbers(300, 150, 0.9),
}


def rows(text: str) -> dict[str, list[str]]:
    """The table's rows by variant: their cells, stripped."""
    cells = [line.strip("|").split("|") for line in text.splitlines() if line.startswith("| exclusive")]
    return {row[1].strip(): [cell.strip() for cell in row] for row in cells}


@pytest.mark.parametrize(("variant", "width"), [("ours", 1), ("upstream", 1), ("runner-4", 4), ("async-8", 8),
                                                ("go-4", None)])
def test_parallelism_is_the_assigns_a_variant_keeps_in_flight(variant, width):
    assert parallelism(variant) == width


def test_ratios_are_against_upstream_and_the_go_client_of_the_same_width():
    got = ratios(WITH_REFERENCES)
    assert got["ours"] == {"submits_per_s_vs_upstream": 2.0, "cycles_per_s_vs_upstream": 2.0,
                           "cycles_per_s_vs_go": 100 / 80}
    assert got["runner-4"]["cycles_per_s_vs_go"] == 200 / 160
    assert "cycles_per_s_vs_go" not in got["async-8"]  # no go-8 measured
    assert "cycles_per_s_vs_go" not in got["upstream"]  # a reference is not compared with the other one
    assert got["upstream"]["cycles_per_s_vs_upstream"] == 1.0


def test_the_table_states_measurements_and_references_without_verdicts():
    text = table(results(WITH_REFERENCES))
    header = text.splitlines()[0]
    assert header == ("| mode | variant | submits/s | cycles/s | client CPU/cycle | submits × upstream | "
                      "cycles × upstream | cycles × Go |")
    by_variant = rows(text)
    assert by_variant["ours"][2:] == ["400", "100.0", "0.40 ms", "2.00×", "2.00×", "1.25×"]
    assert by_variant["async-8"][-1] == "—"
    assert "pycolonies 1.0.25" in text and "github.com/colonyos/colonies v1.9.12" in text
    assert "not measured" not in text
    assert "met:" not in text  # no "met:" / "NOT met:" lines against planning goals


def test_without_references_the_table_says_what_was_not_measured():
    text = table(results({"ours": numbers(400, 100, 0.4), "runner-2": numbers(390, 150, 0.4)},
                         notes=("async runner not measured: it needs aiohttp",)))
    assert text.splitlines()[0] == "| mode | variant | submits/s | cycles/s | client CPU/cycle |"
    assert rows(text)["runner-2"][2:] == ["390", "150.0", "0.40 ms"]
    assert "- not measured in this run: upstream pycolonies (--with-upstream), the Go client (--go)" in text
    assert "- async runner not measured: it needs aiohttp" in text


def test_every_mode_has_its_rows():
    text = table(results({"ours": numbers(400, 100, 0.4)}, modes=("exclusive", "distributed")))
    assert "| exclusive | ours |" in text and "| distributed | ours |" in text


def test_the_json_holds_the_runs_medians_and_ratios(tmp_path):
    path = tmp_path / "deep" / "run.json"
    write_json(results(WITH_REFERENCES), path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["modes"]["exclusive"]["runs"]["ours"] == [WITH_REFERENCES["ours"]]
    assert document["ratios"]["exclusive"]["ours"]["cycles_per_s_vs_upstream"] == 2.0
    assert document["config"]["processes"] == 10
