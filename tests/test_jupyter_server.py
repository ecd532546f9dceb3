"""`make lab` works: a real JupyterLab server runs a notebook on the project's kernel.

The test does what `make lab` does, but in a temporary directory and on localhost only:

1. registers the kernel exactly as the Makefile does
   (`python -m ipykernel install --user --name ikz --display-name "Python (ikz)"`), with
   JUPYTER_DATA_DIR, JUPYTER_CONFIG_DIR, JUPYTER_RUNTIME_DIR and IPYTHONDIR pointing into
   `tmp_path`, so `--user` writes there and the researcher's home is neither read nor touched.
   The "ikz" spec (not the venv's `python3` spec) is used because it is what researchers pick
   in the lab, and because its argv holds the absolute path of the venv's python whereas the
   `python3` spec says just `python` and depends on PATH;
2. starts `jupyter lab` (JupyterLab on jupyter_server) in a subprocess on 127.0.0.1, a free
   port and a random token, rooted in `tmp_path`, and waits (bounded) until `/api/status`
   answers;
3. executes a small notebook written to `tmp_path` through the server's API, as the lab's
   front end does: `POST /api/sessions` starts an "ikz" kernel for the notebook,
   `GET /api/contents` reads it, each code cell goes as an `execute_request` over the kernel
   channels websocket, and the executed notebook is saved back with `PUT /api/contents`;
   the cells must run in the venv and print the number of Gemeinden of Harz (20);
4. shuts the server down with `POST /api/shutdown` and checks that the server and the kernel
   processes have exited and that the port is free again.

The fixture's teardown kills the server's process group and the kernel whatever happened,
so a failing test cannot leave a server running.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

pytest.importorskip("jupyterlab")
pytest.importorskip("ipykernel")
nbformat = pytest.importorskip("nbformat")
websocket = pytest.importorskip("websocket")  # websocket-client, a jupyter_server dependency

pytestmark = pytest.mark.slow

KERNEL_NAME = "ikz"  # as in the Makefile's `lab` target
STARTUP_TIMEOUT = 60.0  # seconds until the server must answer (typically ~2 s)
CELL_TIMEOUT = 60.0  # seconds per cell (the import of ikzlib/pandas dominates)
EXIT_TIMEOUT = 20.0  # seconds for the server and the kernel to exit after a shutdown

NOTEBOOK_NAME = "lab_check.ipynb"
CELLS = [
    "import os\nimport sys\n\nprint(sys.prefix)\nprint(os.getpid())",
    "from ikzlib.municipalities import load_municipalities\n\n"
    'harz = load_municipalities("harz")\nlen(harz)',
]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pid_alive(pid: int) -> bool:
    """True if the process exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else (pid reused)
        return True
    stat = Path(f"/proc/{pid}/stat")
    with contextlib.suppress(OSError):
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return True


def _wait_until_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _pid_alive(pid):
            return True
        time.sleep(0.1)
    return not _pid_alive(pid)


@dataclass
class LabServer:
    """A running JupyterLab server started by the fixture."""

    proc: subprocess.Popen
    port: int
    token: str
    root: Path
    log: Path
    kernel_pids: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""

    def api(self, method: str, path: str, body: dict | None = None, timeout: float = 30.0):
        """Call the REST API with the token; returns (status, decoded JSON or None)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Authorization", f"token {self.token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
            return resp.status, (json.loads(raw) if raw.strip() else None)


def _isolated_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    for var, sub in (
        ("JUPYTER_DATA_DIR", "jupyter-data"),
        ("JUPYTER_CONFIG_DIR", "jupyter-config"),
        ("JUPYTER_RUNTIME_DIR", "jupyter-runtime"),
        ("IPYTHONDIR", "ipython"),
    ):
        (tmp_path / sub).mkdir()
        env[var] = str(tmp_path / sub)
    env.pop("JUPYTER_PATH", None)
    env.pop("JUPYTER_CONFIG_PATH", None)
    env["JUPYTER_PLATFORM_DIRS"] = "1"  # silence the jupyter_core migration warning
    return env


@pytest.fixture
def lab_server(tmp_path: Path):
    env = _isolated_env(tmp_path)
    # The Makefile's registration, redirected into tmp_path by JUPYTER_DATA_DIR.
    subprocess.run(
        [sys.executable, "-m", "ipykernel", "install", "--user",
         "--name", KERNEL_NAME, "--display-name", "Python (ikz)"],
        env=env, check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    spec = json.loads((tmp_path / "jupyter-data/kernels" / KERNEL_NAME / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable

    root = tmp_path / "root"
    root.mkdir()
    log = tmp_path / "server.log"
    token = secrets.token_hex(24)
    port = _free_port()
    cmd = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",  # fail rather than silently move to another port
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",  # no network
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers/CI; researchers are not root
        cmd.append("--allow-root")
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,  # own process group
        )  # fmt: skip
    server = LabServer(proc=proc, port=port, token=token, root=root, log=log)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"jupyter lab exited with {proc.returncode}:\n{server.log_text()}")
            try:
                status, _ = server.api("GET", "/api/status", timeout=2)
                if status == 200:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"no answer within {STARTUP_TIMEOUT} s:\n{server.log_text()}")
            time.sleep(0.2)
        yield server
    finally:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        # Kernels run in their own session (jupyter_client), so the killpg above misses them.
        for pid in server.kernel_pids:
            if _pid_alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def _execute(ws, session_id: str, code: str) -> tuple[str, str, list[str]]:
    """Run `code` on the kernel; returns (reply status, stdout, text/plain results)."""
    msg_id = uuid.uuid4().hex
    ws.send(
        json.dumps(
            {
                "header": {
                    "msg_id": msg_id,
                    "msg_type": "execute_request",
                    "username": "test",
                    "session": session_id,
                    "version": "5.3",
                },
                "parent_header": {},
                "metadata": {},
                "content": {
                    "code": code,
                    "silent": False,
                    "store_history": True,
                    "user_expressions": {},
                    "allow_stdin": False,
                    "stop_on_error": True,
                },
                "channel": "shell",
                "buffers": [],
            }
        )
    )
    stdout, results, reply_status, idle = [], [], None, False
    deadline = time.monotonic() + CELL_TIMEOUT
    while reply_status is None or not idle:
        ws.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            raw = ws.recv()
        except websocket.WebSocketTimeoutException:
            pytest.fail(f"no reply within {CELL_TIMEOUT} s to:\n{code}")
        msg = json.loads(raw)
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            stdout.append(content["text"])
        elif kind == "execute_result":
            results.append(content["data"].get("text/plain", ""))
        elif kind == "error":
            stdout.append("\n".join(content.get("traceback", [])))
        elif kind == "status" and content["execution_state"] == "idle":
            idle = True
        elif kind == "execute_reply":
            reply_status = content["status"]
    return reply_status, "".join(stdout), results


def test_lab_runs_a_notebook_on_the_ikz_kernel(lab_server: LabServer) -> None:
    server = lab_server
    started = time.monotonic()

    # The lab serves its front end and knows the "ikz" kernel, pointing at this venv.
    with urllib.request.urlopen(f"{server.url}/lab?token={server.token}", timeout=30) as resp:
        assert resp.status == 200
    _, specs = server.api("GET", "/api/kernelspecs")
    assert KERNEL_NAME in specs["kernelspecs"], sorted(specs["kernelspecs"])
    assert specs["kernelspecs"][KERNEL_NAME]["spec"]["argv"][0] == sys.executable

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Lab check")]
    nb.cells += [nbformat.v4.new_code_cell(code) for code in CELLS]
    nbformat.write(nb, server.root / NOTEBOOK_NAME)

    # Open the notebook as the lab does: a session starts its kernel.
    status, session = server.api(
        "POST",
        "/api/sessions",
        {"path": NOTEBOOK_NAME, "name": NOTEBOOK_NAME, "type": "notebook",
         "kernel": {"name": KERNEL_NAME}},
    )  # fmt: skip
    assert status == 201, session
    kernel_id = session["kernel"]["id"]
    assert session["kernel"]["name"] == KERNEL_NAME
    _, model = server.api("GET", f"/api/contents/{NOTEBOOK_NAME}?content=1")
    cells = model["content"]["cells"]
    assert [c["source"] for c in cells if c["cell_type"] == "code"] == CELLS

    ws = websocket.create_connection(
        f"ws://127.0.0.1:{server.port}/api/kernels/{kernel_id}/channels",
        header=[f"Authorization: token {server.token}"],
        timeout=CELL_TIMEOUT,
    )
    client_session = uuid.uuid4().hex
    outputs = []
    try:
        for count, cell in enumerate((c for c in cells if c["cell_type"] == "code"), 1):
            reply, stdout, results = _execute(ws, client_session, cell["source"])
            assert reply == "ok", f"cell {count} failed:\n{stdout}"
            outputs.append((stdout, results))
            cell["execution_count"] = count
            cell["outputs"] = [nbformat.v4.new_output("stream", name="stdout", text=stdout)]
            cell["outputs"] += [
                nbformat.v4.new_output("execute_result", {"text/plain": r}, execution_count=count)
                for r in results
            ]
            if count == 1:  # the kernel's pid, so the teardown can kill it if need be
                server.kernel_pids.append(int(stdout.split()[1]))
    finally:
        ws.close()

    # The kernel is the project's venv, and ikzlib answers with the Harz figure.
    kernel_prefix, kernel_pid = outputs[0][0].split()
    assert Path(kernel_prefix) == Path(sys.prefix)
    assert _pid_alive(int(kernel_pid))
    assert outputs[1][1] == ["20"]

    # Save the executed notebook through the contents API, as the lab's save does.
    status, saved = server.api(
        "PUT", f"/api/contents/{NOTEBOOK_NAME}", {"type": "notebook", "content": model["content"]}
    )
    assert status == 200, saved
    on_disk = nbformat.read(server.root / NOTEBOOK_NAME, as_version=4)
    nbformat.validate(on_disk)
    assert on_disk.cells[2].outputs[-1]["data"]["text/plain"] == "20"
    assert time.monotonic() - started < 60

    # Clean shutdown: the server shuts its kernels down and exits; the port is free again.
    status, _ = server.api("POST", "/api/shutdown")
    assert status == 200
    assert server.proc.wait(timeout=EXIT_TIMEOUT) == 0, server.log_text()
    assert _wait_until_gone(int(kernel_pid), EXIT_TIMEOUT), "kernel still running"
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        assert probe.connect_ex(("127.0.0.1", server.port)) in (errno.ECONNREFUSED, errno.ENOENT)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", server.port))
