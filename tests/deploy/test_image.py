"""The Dockerfile and the compose file, checked without a container engine."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml

from memoryd.config import Settings
from tests.deploy.rendering import DEPLOY, ROOT, tool

DOCKERFILE = DEPLOY / "Dockerfile"


def stages() -> list[list[str]]:
    """The Dockerfile's instructions, one list per stage (continuation lines joined)."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    result: list[list[str]] = []
    for line in lines:
        if line.startswith("FROM "):
            result.append([])
        if result:
            result[-1].append(line)
    return result


def test_hadolint_passes() -> None:
    result = subprocess.run(
        [tool("hadolint"), "--failure-threshold", "info", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_final_stage_is_non_root_pinned_and_lean() -> None:
    base = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", DOCKERFILE.read_text(), re.M)
    assert base is not None
    assert re.fullmatch(r"python:3\.11\.\d+-slim-bookworm(@sha256:[0-9a-f]{64})?", base[1])
    build, final = stages()
    assert build[0] == "FROM ${PYTHON_IMAGE} AS build" and final[0] == "FROM ${PYTHON_IMAGE}"
    user = [ln for ln in final if ln.startswith("USER ")]
    assert user == ["USER 10001:10001"]
    final_text = "\n".join(final)
    for build_tool in ("gcc", "build-essential", "apt-get install", "pip install"):
        assert build_tool not in final_text
    assert "COPY --from=build /opt/memoryd /opt/memoryd" in final
    assert 'ENTRYPOINT ["memoryd"]' in final and 'CMD ["run"]' in final
    assert "MEMORYD_HTTP__HOST=0.0.0.0" in final_text


def test_build_context_holds_everything_the_image_installs(tmp_path: Path) -> None:
    # Given only what the Dockerfile copies (and its .dockerignore lets through)
    sources: list[str] = []
    for line in stages()[0]:
        if line.startswith("COPY "):
            sources += line.split()[1:-1]
    assert sorted(sources) == ["README.md", "memoryd", "pyproject.toml"]
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    assert {f"!{s}" if s != "memoryd" else "!memoryd/" for s in sources} <= set(ignore)
    context = tmp_path / "context"
    context.mkdir()
    for source in sources:
        if (ROOT / source).is_dir():
            shutil.copytree(
                ROOT / source,
                context / source,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            )
        else:
            shutil.copy(ROOT / source, context / source)
    # When the package is built from it, as `pip install .` in the build stage does
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(tmp_path / "dist"),
            str(context),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    # Then the wheel carries the bundled embedding model: the image runs offline.
    [wheel] = (tmp_path / "dist").glob("memoryd-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    model = [n for n in names if n.startswith("memoryd/embedders/models/")]
    assert any(n.endswith("/model.onnx") for n in model)
    assert any(n.endswith("/tokenizer.json") for n in model)


def test_compose_file_matches_the_compose_spec() -> None:
    result = subprocess.run(
        [
            tool("check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            str(DEPLOY / "compose.yaml"),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_wires_memoryd_to_its_components() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"nats", "qdrant", "memoryd", "prometheus", "grafana"}
    for name, service in services.items():
        if "image" in service and name != "memoryd":
            assert re.search(r":v?\d+\.\d+\.\d+", service["image"]), f"{name} is not pinned"
    assert "--jetstream" in services["nats"]["command"]
    memoryd = services["memoryd"]
    assert (
        DEPLOY / memoryd["build"]["context"] / memoryd["build"]["dockerfile"]
    ).resolve() == DOCKERFILE.resolve()
    settings = Settings(
        **{
            k.removeprefix("MEMORYD_").lower(): v
            for k, v in memoryd["environment"].items()
            if "__" not in k
        }
    )
    environment = memoryd["environment"]
    assert environment["MEMORYD_NATS__URL"] == "nats://nats:4222"
    assert environment["MEMORYD_STORE__KIND"] == "qdrant"
    assert environment["MEMORYD_STORE__URL"].startswith("http://qdrant:")
    grace = settings.shutdown_grace_seconds
    assert int(memoryd["stop_grace_period"].removesuffix("s")) > grace
    assert memoryd["read_only"] is True and memoryd["cap_drop"] == ["ALL"]
    for service in services.values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (DEPLOY / source).exists(), source
