"""deploy/: the Kubernetes manifests parse, probe the health endpoint, and agree on ports; the
Dockerfile keeps the built data out of the image (docker and kubectl do not run here)."""
from __future__ import annotations

import re

import pytest
import yaml

from outcomes import settings

DEPLOY = settings.PROJECT_ROOT / "deploy"


def _manifests() -> dict[str, dict]:
    docs = {}
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            assert doc.get("apiVersion") and doc.get("kind"), f"{path.name}: every manifest needs apiVersion and kind"
            docs[doc["kind"]] = doc
    return docs


@pytest.fixture(scope="module")
def k8s() -> dict[str, dict]:
    return _manifests()


def test_every_piece_is_there(k8s):
    assert set(k8s) >= {"Deployment", "Service", "Ingress", "HorizontalPodAutoscaler", "PersistentVolumeClaim"}


def test_probes_hit_the_health_endpoint_on_the_container_port(k8s):
    container = k8s["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    names = {p["name"]: p["containerPort"] for p in container["ports"]}
    for probe in ("readinessProbe", "livenessProbe"):
        get = container[probe]["httpGet"]
        assert get["path"] == "/_stcore/health"
        assert get["port"] in names or get["port"] in names.values()
    assert container["resources"]["requests"] and container["resources"]["limits"]


def test_a_pod_is_warmed_up_on_its_own_port_before_it_takes_readers(k8s):
    """The postStart hook walks a reader's journey (python -m outcomes warm); probes wait for it."""
    from typer.testing import CliRunner

    from outcomes.ops.cli import app

    container = k8s["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    command = container["lifecycle"]["postStart"]["exec"]["command"]
    assert command[:4] == ["python", "-m", "outcomes", "warm"]
    port = {p["name"]: p["containerPort"] for p in container["ports"]}["http"]
    assert command[command.index("--url") + 1] == f"http://127.0.0.1:{port}"
    assert CliRunner().invoke(app, ["warm", "--help"]).exit_code == 0  # the command exists as written


def test_ports_agree_between_deployment_service_and_ingress(k8s):
    container = k8s["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    names = {p["name"]: p["containerPort"] for p in container["ports"]}
    service = k8s["Service"]
    assert service["spec"]["selector"] == k8s["Deployment"]["spec"]["selector"]["matchLabels"]
    service_ports = {p["port"]: p["targetPort"] for p in service["spec"]["ports"]}
    for target in service_ports.values():
        assert target in names or target in names.values()
    for rule in k8s["Ingress"]["spec"]["rules"]:
        for path in rule["http"]["paths"]:
            backend = path["backend"]["service"]
            assert backend["name"] == service["metadata"]["name"]
            assert backend["port"]["number"] in service_ports
    assert k8s["HorizontalPodAutoscaler"]["spec"]["scaleTargetRef"]["name"] == k8s["Deployment"]["metadata"]["name"]


def test_sessions_stick_and_the_data_volume_is_read_only(k8s):
    notes = k8s["Ingress"]["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600  # an idle websocket stays open
    pod = k8s["Deployment"]["spec"]["template"]["spec"]
    claim = next(v["persistentVolumeClaim"] for v in pod["volumes"] if "persistentVolumeClaim" in v)
    assert claim["claimName"] == k8s["PersistentVolumeClaim"]["metadata"]["name"]
    assert k8s["PersistentVolumeClaim"]["spec"]["accessModes"] == ["ReadOnlyMany"]
    mounts = pod["containers"][0]["volumeMounts"]
    env = {e["name"]: e["value"] for e in pod["containers"][0]["env"]}
    assert all(m["readOnly"] for m in mounts)
    assert any(env["OUTCOMES_DATA"].startswith(m["mountPath"]) for m in mounts)


def test_dockerfile_runs_as_a_user_with_a_healthcheck_and_no_built_data():
    text = (DEPLOY / "Dockerfile").read_text()
    assert text.startswith("#") and "FROM python:3.11-slim" in text
    assert re.search(r"^USER (?!root)\S+", text, re.M)
    assert "HEALTHCHECK" in text and "/_stcore/health" in text
    assert "ENV" in text and "OUTCOMES_DATA=" in text and "OUTCOMES_GEO=" in text
    copied = re.findall(r"^COPY (.+)$", text, re.M)
    assert not any(re.search(r"\bdata/(?!releases\.toml)|\bgeo/\*|\.geojson|\.parquet", c) for c in copied)
