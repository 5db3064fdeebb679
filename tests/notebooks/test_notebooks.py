"""The analyst notebooks: stored without outputs, importing only the package (and
the standard library and pandas), and executed against the test Neo4j — a failing
cell fails the test."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from notebook_helpers import NOTEBOOKS, Neo4jCity

NAMES = [
    "01_network_and_risk_clusters.ipynb",
    "02_trace_a_dispute.ipynb",
    "03_agency_handoffs.ipynb",
]
#: top-level modules a notebook may import besides the package
ALLOWED_IMPORTS = {"disputegraph", "pandas", "json", "os", "datetime"}


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    return data


def test_the_three_notebooks_are_there() -> None:
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_stored_without_outputs(name: str) -> None:
    book = _load(name)
    assert book["metadata"]["kernelspec"]["name"] == "python3"
    for cell in book["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{name}: a cell has stored outputs"
            assert cell["execution_count"] is None, f"{name}: a cell has an execution count"


@pytest.mark.parametrize("name", NAMES)
def test_imports_only_the_package(name: str) -> None:
    for cell in _load(name)["cells"]:
        if cell["cell_type"] != "code":
            continue
        tree = ast.parse("".join(cell["source"]))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                assert node.level == 0, f"{name}: relative import"
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                assert module.split(".")[0] in ALLOWED_IMPORTS, f"{name} imports {module}"


def _kernel_name() -> str:
    """``python3`` from this interpreter's environment, installed into its prefix if missing."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        from ipykernel.kernelspec import install

        install(prefix=sys.prefix)
    return "python3"


@pytest.mark.neo4j
@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_against_neo4j(
    name: str, neo4j_city: Neo4jCity, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nbformat
    from nbclient import NotebookClient

    # the kernel inherits the environment: the notebooks read the server from it
    monkeypatch.setenv("DISPUTEGRAPH_STORE", neo4j_city.uri)
    monkeypatch.setenv("DISPUTEGRAPH_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.setenv("DISPUTEGRAPH_DEMO", "1")
    monkeypatch.delenv("DISPUTE_ID", raising=False)
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    book = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = NotebookClient(
        book,
        timeout=300,
        kernel_name=_kernel_name(),
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError naming the failing cell
    text = json.dumps([c.get("outputs", []) for c in book.cells], ensure_ascii=False)
    as_of = neo4j_city.analysis.as_of.isoformat()
    assert f"analysis as of {as_of}" in text
    if name.startswith("01"):
        assert neo4j_city.analysis.clusters[0].id in text
    elif name.startswith("02"):
        assert "flags:" in text
        assert any(d in text for d in neo4j_city.analysis.clusters[0].disputes)
    else:
        assert "open steps past their due date" in text
