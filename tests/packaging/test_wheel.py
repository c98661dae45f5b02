"""A wheel of the project, installed in a fresh virtualenv, serves a map page and its Leaflet.

The wheel is built as the README says (``pip wheel .`` after ``npm ci``) and run from a
directory with no ``node_modules/``: the front-end files come from the wheel itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest

from geo_app.maps.assets import CDN_ASSETS, ROTATE_CSS_PATH, npm_package, vendor_packages

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import pathlib, re, sys
    import geo_app
    where = geo_app.__file__
    assert "site-packages" in where and "{root}" not in where, where
    assert not pathlib.Path("node_modules").exists()
    sys.path.insert(0, "{root}/tests")
    from limites_testing import demo_app, signed_in_client
    app = demo_app(pathlib.Path("."))
    vendor = pathlib.Path(app.config["VENDOR_DIR"])
    assert vendor == pathlib.Path(where).parent / "_vendor", vendor
    client = signed_in_client(app)
    html = client.get("/mapa/").get_data(as_text=True)
    leaflet = re.search(r'src="(/vendor/leaflet/dist/leaflet\\.js[^"]*)"', html).group(1)
    response = client.get(leaflet.replace("&amp;", "&"))
    assert response.status_code == 200 and b"Leaflet" in response.data[:2000], response.status
    assert "v=1.9.4" in leaflet, leaflet
    # Not named in any page: Leaflet's script and Font Awesome's CSS ask for them.
    for path in ("leaflet/dist/images/marker-icon-2x.png",
                 "@fortawesome/fontawesome-free/webfonts/fa-solid-900.woff2"):
        assert client.get("/vendor/" + path).status_code == 200, path
    print("OK", geo_app.__file__)
    """
)


@pytest.mark.slow
def test_wheel_in_a_fresh_virtualenv_serves_the_map_assets(tmp_path):
    if not (ROOT / "node_modules" / "leaflet").is_dir():
        pytest.fail("faltan los paquetes npm: ejecute «npm ci»")
    # Built from a copy of the tracked files: a stale build/ of the checkout (say, with a
    # renamed migration) must not leak into the wheel.
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split("\0")
    source = tmp_path / "source"
    for name in filter(None, tracked):
        if (ROOT / name).is_file() and not (ROOT / name).is_symlink():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    # As after `npm ci` in the checkout the wheel is built from.
    (source / "node_modules").symlink_to(ROOT / "node_modules")
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(wheels), str(source)],
        check=True, cwd=tmp_path,
    )
    (wheel,) = wheels.glob("limites-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert not [name for name in names if "testing" in name.rsplit("/", 1)[-1]]
    vendored = [name.split("/", 2)[2] for name in names if name.startswith("geo_app/_vendor/")]
    assert {path for path in CDN_ASSETS.values() if path not in (None, ROTATE_CSS_PATH)} <= set(
        vendored
    )
    # Only the packages the maps use, and not their whole folders (Font Awesome's 2000 SVGs).
    assert {npm_package(name) for name in vendored} == vendor_packages()
    assert len(vendored) < 100, len(vendored)
    fresh = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(fresh)], check=True)
    python = fresh / "bin" / "python"
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
         str(wheel)],
        check=True,
    )
    # The dependencies come from the test environment (no network); the project itself from
    # the wheel only: a .pth file adds a site directory, whose editable-install hooks it skips.
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    deployment = tmp_path / "deployment"
    deployment.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LIMITES_", "PYTHON"))}
    result = subprocess.run(
        [python, "-c", SCRIPT.replace("{root}", str(ROOT))],
        cwd=deployment, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "OK" in result.stdout and str(site) in result.stdout
