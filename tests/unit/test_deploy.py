"""deploy/: the Kubernetes manifests pass the schemas of a current Kubernetes (kubernetes-validate,
offline: the package bundles them), probe the health endpoint, recover from a dead or hung
process, and agree on ports; the Dockerfile keeps the built data out of the image (docker and
kubectl do not run here)."""
from __future__ import annotations

import copy
import re
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from outcomes import settings

DEPLOY = settings.PROJECT_ROOT / "deploy"


def _manifests() -> dict[str, dict]:
    docs = {}
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            assert doc.get("apiVersion") and doc.get("kind"), f"{path.name}: every manifest needs apiVersion and kind"
            docs.setdefault(doc["kind"], doc)  # the first of each kind by its kind (the site's Ingress)
            docs[f"{doc['kind']}/{doc['metadata']['name']}"] = doc
    return docs


@pytest.fixture(scope="module")
def k8s() -> dict[str, dict]:
    return _manifests()


KUBERNETES = "1.37"  # the newest version kubernetes-validate 1.37.0 bundles schemas for


def test_every_manifest_passes_the_schemas_of_a_current_kubernetes():
    """Strict: an unknown field (a misspelt probe) fails as well as a wrong type."""
    assert kubernetes_validate.utils.latest_version().startswith(KUBERNETES)
    checked = []
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            try:
                kubernetes_validate.validate(doc, KUBERNETES, strict=True)
            except kubernetes_validate.ValidationError as e:
                pytest.fail(f"{path.name} ({doc['kind']}) is not a valid Kubernetes {KUBERNETES} manifest: {e.message}")
            checked.append(doc["kind"])
    assert len(checked) == 6


@pytest.mark.parametrize("spoil", ["misspelt field", "wrong type"])
def test_the_schema_check_catches_a_broken_deployment(k8s, spoil):
    broken = copy.deepcopy(k8s["Deployment"])
    container = broken["spec"]["template"]["spec"]["containers"][0]
    if spoil == "misspelt field":
        container["readinesProbe"] = container.pop("readinessProbe")
    else:
        container["livenessProbe"]["periodSeconds"] = "10"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES, strict=True)


def _window(probe: dict) -> int:
    """Seconds from a process going silent to the probe acting on it (the last probe's timeout included)."""
    return probe.get("periodSeconds", 10) * probe.get("failureThreshold", 3) + probe.get("timeoutSeconds", 1)


def test_a_dead_or_hung_pod_leaves_the_service_fast_and_is_restarted(k8s):
    """What `make serve` does for its processes: a pod whose process exits is restarted (and warmed
    again by postStart); one that stops answering is out of the Service within about 15 s and
    restarted, but only well after that, so a slow moment under load is not a restart."""
    pod = k8s["Deployment"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert pod.get("restartPolicy", "Always") == "Always"
    ready, live, start = container["readinessProbe"], container["livenessProbe"], container["startupProbe"]
    assert _window(ready) <= 15
    assert 2 * _window(ready) <= _window(live) <= 60
    assert live.get("successThreshold", 1) == 1  # Kubernetes requires it of liveness
    assert _window(start) >= 120  # a new process (imports, the store, the warm-up) has two minutes
    assert k8s["Deployment"]["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    notes = k8s["Ingress"]["metadata"]["annotations"]
    assert "error" in notes["nginx.ingress.kubernetes.io/proxy-next-upstream"]  # a dead pod's request goes to another


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


def test_everything_the_dockerfile_copies_is_in_the_checkout_and_let_through():
    """A COPY of a folder that is not there (pages/ after the move to views/) fails `docker build`."""
    text = (DEPLOY / "Dockerfile").read_text()
    allowed = [line[1:].rstrip("/") for line in (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
               if line.startswith("!")]
    for line in re.findall(r"^COPY (?!--from=)(.+)$", text, re.M):  # --from= copies from a build stage
        *sources, _ = line.split()
        for source in sources:
            source = source.rstrip("/")
            assert (settings.PROJECT_ROOT / source).exists(), f"the Dockerfile copies {source}, which is not in the checkout"
            inside = [source] + [str(p) for p in Path(source).parents if str(p) != "."]
            assert any(s in allowed for s in inside), f"{source} is copied but Dockerfile.dockerignore keeps it out of the build context"


def test_the_edition_and_the_api_are_routed_without_affinity_in_nginx_and_kubernetes(k8s):
    """Every address of the HTML edition and the API goes to any process, with no sticky cookie,
    through the Ingress and through make serve's nginx (which caches them)."""
    from outcomes.web.edition import PREFIXES
    edition = k8s["Ingress/outcomes-edition"]
    assert "nginx.ingress.kubernetes.io/affinity" not in edition["metadata"]["annotations"]
    routed = {p["path"] for rule in edition["spec"]["rules"] for p in rule["http"]["paths"]}
    assert routed == set(PREFIXES) | {"/api"}
    location = re.search(r"location ~ \^/\(([^)]*)\)", (DEPLOY / "nginx.conf.template").read_text()).group(1)
    cached = {"/" + alt.replace("\\.", ".").rstrip("$").rstrip("/") for alt in location.split("|")}
    assert cached == set(PREFIXES) | {"/api"}
