"""The contract: committed bindings match the protos, and the protos pass buf lint."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "mxshell" / "contract" / "mxgateway"

# Lines that name the version of the tool that generated the file, not the contract.
# A newer grpcio-tools stamps its own version there; that is no drift of the bindings.
_TOOL_VERSION = re.compile(
    r"^(# Protobuf Python Version: .*|GRPC_GENERATED_VERSION = .*"
    r"|_runtime_version\.ValidateProtobufRuntimeVersion\([^)]*\))$",
    re.MULTILINE,
)


def _load_generator():
    spec = importlib.util.spec_from_file_location(
        "generate_proto", ROOT / "scripts" / "generate_proto.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _normalised(path: Path) -> str:
    return _TOOL_VERSION.sub("<tool version>", path.read_text())


def test_committed_bindings_match_a_fresh_generation(tmp_path: Path) -> None:
    generator = _load_generator()
    generator.generate(tmp_path)
    fresh = {p.relative_to(tmp_path / "mxgateway") for p in (tmp_path / "mxgateway").rglob("*.py*")}
    committed = {p.relative_to(COMMITTED) for p in COMMITTED.rglob("*.py*")}
    committed = {p for p in committed if "__pycache__" not in p.parts}
    assert fresh == committed, "generated file set differs; run scripts/generate_proto.py"
    stale = [
        str(rel)
        for rel in sorted(fresh)
        if _normalised(tmp_path / "mxgateway" / rel) != _normalised(COMMITTED / rel)
    ]
    assert not stale, f"bindings out of date with proto/ (run scripts/generate_proto.py): {stale}"


def test_regeneration_check_notices_an_edited_proto(tmp_path: Path) -> None:
    # The check above must be able to fail: generate from a copy of the protos with one
    # field renamed and confirm that the output differs from what is committed.
    generator = _load_generator()
    protos = tmp_path / "proto"
    shutil.copytree(ROOT / "proto", protos)
    edited = protos / "mxgateway" / "v1" / "mxaccess.proto"
    edited.write_text(edited.read_text().replace("client_session_name", "client_session_label"))
    generator.PROTO_ROOT = protos
    generator.generate(tmp_path / "out")
    rel = Path("v1") / "mxaccess_pb2.py"
    assert _normalised(tmp_path / "out" / "mxgateway" / rel) != _normalised(COMMITTED / rel)


def test_protos_pass_buf_lint() -> None:
    # buf-bin installs the CLI beside the interpreter's other scripts, which need not be
    # on PATH (a venv that is not activated, pyenv shims not yet rehashed).
    scripts = sysconfig.get_path("scripts")
    buf = shutil.which("buf", path=os.pathsep.join([scripts, os.environ.get("PATH", "")]))
    assert buf, "the buf CLI comes with the dev extras (buf-bin); install .[dev]"
    run = subprocess.run([buf, "lint"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


def test_every_mxaccess_method_and_bulk_command_is_in_the_contract() -> None:
    from mxshell.contract import mx

    commands = {f.name for f in mx.InvokeRequest.DESCRIPTOR.oneofs_by_name["command"].fields}
    methods = {
        "register",
        "unregister",
        "add_item",
        "remove_item",
        "advise",
        "advise_supervisory",
        "un_advise",
        "write",
        "write2",
        "write_secured",
        "write_secured2",
        "authenticate_user",
    }
    bulk = {
        "add_item_bulk",
        "advise_item_bulk",
        "remove_item_bulk",
        "un_advise_item_bulk",
        "subscribe_bulk",
        "unsubscribe_bulk",
        "write_bulk",
        "write2_bulk",
        "write_secured_bulk",
        "write_secured2_bulk",
        "read_bulk",
    }
    assert len(bulk) == 11
    assert commands == methods | bulk
