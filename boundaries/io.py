"""Reading and writing vector layers: the only module of the package that touches files.

The I/O engine is chosen here, once: pyogrio (vectorised, several times faster than fiona on
the state file) when it is installed, fiona otherwise.
"""

from __future__ import annotations

import logging
import os
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pyproj

from boundaries.errors import FileFormatError, LayerReadError, MissingCRSError

__all__ = [
    "ENGINE",
    "FORMATS",
    "FORMAT_NAMES",
    "WRITE_DRIVERS",
    "MAX_ZIP_INFLATED_BYTES",
    "MAX_ZIP_RATIO",
    "check_zip_sizes",
    "read_layer",
    "write_layer",
    "list_layers",
    "sniff",
]

log = logging.getLogger(__name__)

try:
    import pyogrio  # noqa: F401

    ENGINE = "pyogrio"
except ImportError:  # pragma: no cover - pyogrio is a dependency; fiona is the fallback
    ENGINE = "fiona"


_SQLITE_MAGIC = b"SQLite format 3\x00"
_SHAPEFILE_MAGIC = b"\x00\x00\x27\x0a"
_FLATGEOBUF_MAGIC = b"fgb\x03"
# Enough of a file to recognise any format we read or refuse.
_HEAD_BYTES = 4096


def _is_geojson(head: bytes) -> bool:
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return text.startswith(b"{") and b"gdal_streamed_alg" not in head


def _is_geopackage(head: bytes) -> bool:
    # The SQLite header's application_id (offset 68) is "GPKG", or "GP10"/"GP11" before 1.2.
    return head.startswith(_SQLITE_MAGIC) and head[68:72] in (b"GPKG", b"GP10", b"GP11")


def _is_shapefile(head: bytes) -> bool:
    return head.startswith(_SHAPEFILE_MAGIC)


def _is_flatgeobuf(head: bytes) -> bool:
    return head.startswith(_FLATGEOBUF_MAGIC)


@dataclass(frozen=True)
class Format:
    """A vector format the import accepts, with the one GDAL driver allowed to open it.

    ``prefix`` is the connection prefix that makes GDAL use ``driver`` and no other; the
    binary formats without one are safe through their magic number, which starts with a NUL
    byte that no text format (VRT, GDALG, CSV, GML…) can be identified by.
    """

    label: str
    driver: str
    prefix: str
    matches: Callable[[bytes], bool]


GEOJSON = Format("GeoJSON", "GeoJSON", "GeoJSON:", _is_geojson)
GEOPACKAGE = Format("GeoPackage", "GPKG", "GPKG:", _is_geopackage)
SHAPEFILE = Format("Shapefile", "ESRI Shapefile", "", _is_shapefile)
FLATGEOBUF = Format("FlatGeobuf", "FlatGeobuf", "", _is_flatgeobuf)

#: What each suffix promises; a ``.zip`` holds exactly one Shapefile.
FORMATS: dict[str, Format] = {
    ".geojson": GEOJSON,
    ".json": GEOJSON,
    ".gpkg": GEOPACKAGE,
    ".zip": SHAPEFILE,
    ".shp": SHAPEFILE,
    ".fgb": FLATGEOBUF,
}
#: How a message names the formats of :data:`FORMATS` to a person.
FORMAT_NAMES = "GeoJSON, GeoPackage (.gpkg) o un Shapefile comprimido en .zip"
#: The GDAL driver :func:`write_layer` uses for each suffix (None: the Shapefile default).
WRITE_DRIVERS: dict[str, str | None] = {
    ".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GPKG", ".shp": None,
}

# GDAL's network access, off while a file is read: /vsicurl/ accepts no URL and every other
# HTTP request (a CRS "link" in a GeoJSON, a remote resource of a driver) goes to a closed
# loopback port and fails at once.
_DEAD_PROXY = "http://127.0.0.1:9"
_NO_NETWORK = {
    "CPL_VSIL_CURL_ALLOWED_FILENAME": "/limites/sin-red",
    "GDAL_HTTP_PROXY": _DEAD_PROXY,
    "GDAL_HTTPS_PROXY": _DEAD_PROXY,
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_ALLOW_REMOTE_RESOURCE_TO_ACCESS_LOCAL_FILE": "NO",
}
# libcurl reads these itself: a ``no_proxy`` would let a request bypass the dead proxy.
_PROXY_ENVIRONMENT = {
    "no_proxy": None,
    "NO_PROXY": None,
    "http_proxy": _DEAD_PROXY,
    "https_proxy": _DEAD_PROXY,
    "HTTPS_PROXY": _DEAD_PROXY,
    "all_proxy": _DEAD_PROXY,
    "ALL_PROXY": _DEAD_PROXY,
}


@contextmanager
def _offline() -> Iterator[None]:
    """Run GDAL without network access, then restore the previous settings."""
    saved = {key: os.environ.get(key) for key in _PROXY_ENVIRONMENT}
    _set_environment(_PROXY_ENVIRONMENT)
    try:
        if ENGINE == "fiona":  # pragma: no cover - fallback engine
            import fiona

            with fiona.Env(**_NO_NETWORK):
                yield
            return
        import pyogrio

        previous = {key: pyogrio.get_gdal_config_option(key) for key in _NO_NETWORK}
        pyogrio.set_gdal_config_options(_NO_NETWORK)
        try:
            yield
        finally:
            pyogrio.set_gdal_config_options(previous)
    finally:
        _set_environment(saved)


def _set_environment(values: dict[str, str | None]) -> None:
    for key, value in values.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


_WHAT_IT_IS = (
    (lambda h: b"OGRVRTDataSource" in h or b"VRTDataset" in h, "un VRT de GDAL"),
    (lambda h: b"gdal_streamed_alg" in h, "un algoritmo GDALG"),
    (lambda h: h.lstrip().startswith(b"<"), "XML"),
    (_is_geopackage, "un GeoPackage"),
    (lambda h: h.startswith(_SQLITE_MAGIC), "una base SQLite"),
    (lambda h: h.startswith(b"PK\x03\x04"), "un ZIP"),
    (lambda h: h.startswith(b"%PDF"), "un PDF"),
    (_is_shapefile, "un Shapefile"),
    (_is_flatgeobuf, "un FlatGeobuf"),
    (lambda h: not h.strip(), "un archivo vacío"),
    (_is_geojson, "GeoJSON"),
)


def sniff(head: bytes) -> str:
    """Say in Spanish what the first bytes of a file look like.

    Examples
    --------
    >>> sniff(b'<OGRVRTDataSource><OGRVRTLayer name="x"/></OGRVRTDataSource>')
    'un VRT de GDAL'
    >>> sniff(b'{"type": "FeatureCollection", "features": []}')
    'GeoJSON'
    >>> sniff(b"cvegeo,nombre; 20067,Oaxaca")
    'texto (por ejemplo CSV)'
    """
    for test, label in _WHAT_IT_IS:
        if test(head):
            return label
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "datos binarios"
    return "texto (por ejemplo CSV)"


def _require(fmt: Format, head: bytes, name: str) -> None:
    if not fmt.matches(head):
        raise FileFormatError(
            f"{name}: el contenido no es {fmt.label} sino {sniff(head)}; el archivo no se abrió. "
            f"Expórtelo como {fmt.label} y vuelva a intentarlo"
        )


# A member name that could leave the archive or be read by GDAL as another virtual path.
_UNSAFE_MEMBER = re.compile(r"(^[/\\])|(\.\.)|[\\:\x00-\x1f]")


#: Most bytes the members of a zipped Shapefile may inflate to (INEGI's national municipal
#: frame is about 400 MB), and the compression ratio beyond which a big archive is a bomb:
#: coordinates are doubles, which compress a few times, never a hundred.
MAX_ZIP_INFLATED_BYTES = 1024 * 1024 * 1024
MAX_ZIP_RATIO = 100
_RATIO_FLOOR_BYTES = 64 * 1024 * 1024


def check_zip_sizes(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse an archive whose members would inflate beyond what any real layer needs.

    Python's :mod:`zipfile` and GDAL never inflate a member past its declared size, so the
    declared sizes are checked before anything is read.

    Examples
    --------
    >>> import io
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
    ...     z.writestr("a.dbf", b"0" * (65 * 2**20))
    >>> check_zip_sizes(zipfile.ZipFile(buffer), "bomba.zip")
    Traceback (most recent call last):
    ...
    boundaries.errors.FileFormatError: bomba.zip: el ZIP se expandiría a 65 MB ...
    """
    members = archive.infolist()
    inflated = sum(info.file_size for info in members)
    packed = sum(info.compress_size for info in members) or 1
    if inflated > MAX_ZIP_INFLATED_BYTES or (
        inflated > _RATIO_FLOOR_BYTES and inflated / packed > MAX_ZIP_RATIO
    ):
        raise FileFormatError(
            f"{name}: el ZIP se expandiría a {inflated // 2**20:,} MB desde "
            f"{packed // 2**20:,} MB comprimidos; no parece una capa real y no se abrió "
            f"(máximo {MAX_ZIP_INFLATED_BYTES // 2**20:,} MB, o {MAX_ZIP_RATIO} veces lo "
            "comprimido)"
        )


def _zipped_shapefile(path: Path) -> str:
    """Return the /vsizip/ path of the one Shapefile inside ``path``, after checking it."""
    if not zipfile.is_zipfile(path):
        raise LayerReadError(f"{path.name}: el archivo ZIP está dañado o no es un ZIP")
    try:
        with zipfile.ZipFile(path) as archive:
            check_zip_sizes(archive, path.name)
            bad = archive.testzip()
            names = archive.namelist()
            shapefiles = [name for name in names if name.lower().endswith(".shp")]
            head = archive.open(shapefiles[0]).read(_HEAD_BYTES) if len(shapefiles) == 1 else b""
    except (zipfile.BadZipFile, OSError, NotImplementedError) as exc:
        raise LayerReadError(f"{path.name}: el archivo ZIP está dañado ({exc})") from exc
    if bad is not None:
        raise LayerReadError(f"{path.name}: el archivo ZIP está dañado ({bad} no se puede leer)")
    if len(shapefiles) != 1:
        raise LayerReadError(
            f"{path.name}: el ZIP debe contener exactamente un Shapefile (.shp); "
            f"contiene {len(shapefiles)}"
        )
    unsafe = [name for name in names if _UNSAFE_MEMBER.search(name)]
    if unsafe:
        raise FileFormatError(
            f"{path.name}: el ZIP contiene nombres de archivo no permitidos "
            f"({unsafe[0]!r}); el archivo no se abrió"
        )
    _require(SHAPEFILE, head, f"{path.name} ({shapefiles[0]})")
    return f"/vsizip/{path.resolve()}/{shapefiles[0]}"


def _source(path: Path) -> tuple[str, Format]:
    """Return what GDAL may open for ``path`` and its format, after checking the content."""
    if not path.exists():
        raise LayerReadError(f"no existe el archivo {path.name}")
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise LayerReadError(f"{path.name}: formato no reconocido; use {FORMAT_NAMES}")
    if not path.is_file():
        raise LayerReadError(f"{path.name} no es un archivo")
    if path.suffix.lower() == ".zip":
        return _zipped_shapefile(path), fmt
    with path.open("rb") as file:
        head = file.read(_HEAD_BYTES)
    _require(fmt, head, path.name)
    return f"{fmt.prefix}{path.resolve()}", fmt


def _engine_kwargs(fmt: Format) -> dict:
    # fiona restricts GDAL to the named driver itself; pyogrio gets it from the prefix.
    return {"driver": fmt.driver} if ENGINE == "fiona" else {}


# GDAL's English errors that a user can act on, by a fragment of their text.
_GDAL_ERRORS = (
    ("Failed to read GeoJSON", "el contenido no es un GeoJSON válido"),
    ("not recognized as", "GDAL no reconoce el formato del contenido"),
    ("file is not a database", "el archivo no es un GeoPackage válido"),
    ("database disk image is malformed", "el GeoPackage está dañado"),
    ("No such file", "falta un archivo que la capa necesita"),
    ("Permission denied", "no hay permiso para leer el archivo"),
    ("Unable to open", "no se pudo abrir un archivo que la capa necesita"),
    ("could not be opened", "la capa pedida no existe en el archivo"),
)


def _gdal_error(name: str, exc: Exception) -> LayerReadError:
    """Turn a GDAL error into a Spanish one that names the file, never the server's path."""
    log.warning("GDAL could not read %s: %s", name, exc)
    text = str(exc)
    reason = next(
        (spanish for fragment, spanish in _GDAL_ERRORS if fragment.lower() in text.lower()),
        "GDAL no pudo interpretar su contenido (el detalle técnico quedó en el registro)",
    )
    return LayerReadError(f"{name}: no se pudo leer la capa: {reason}")


def list_layers(path: str | Path) -> list[str]:
    """Return the layer names of a multi-layer file such as a GeoPackage.

    Examples
    --------
    >>> import tempfile, geopandas as gpd
    >>> from shapely import box
    >>> p = Path(tempfile.mkdtemp()) / "a.gpkg"
    >>> write_layer(gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)], crs=4326), p, layer="zonas")
    >>> list_layers(p)
    ['zonas']
    """
    path = Path(path)
    source, _ = _source(path)
    try:
        with _offline():
            return [str(row[0]) for row in gpd.list_layers(source).to_numpy()]
    except Exception as exc:  # GDAL raises many types; the user needs one clear message
        raise _gdal_error(path.name, exc) from exc


def read_layer(
    path: str | Path, layer: str | None = None, crs: str | int | None = None
) -> gpd.GeoDataFrame:
    """Read a GeoJSON, GeoPackage or (zipped) Shapefile layer, refusing disguised files.

    The suffix names the format (:data:`FORMATS`) and only that format's GDAL driver may
    open the file: content of another format (a VRT or GDALG that would read local files or
    fetch URLs, a CSV, XML…) is refused before GDAL sees it, and GDAL has no network access
    while it reads.

    Parameters
    ----------
    path : str or Path
        The file. A ``.zip`` must hold exactly one Shapefile.
    layer : str, optional
        The layer of a multi-layer file; required when a GeoPackage holds several.
    crs : str or int, optional
        The CRS to assume when the layer declares none. A layer that declares none, read
        without ``crs``, raises :class:`~boundaries.errors.MissingCRSError`.

    Returns
    -------
    GeoDataFrame
        In the layer's own CRS (reprojection is the caller's choice).

    Raises
    ------
    FileFormatError
        The content is not the format of the suffix.
    LayerReadError
        The file is missing, damaged or unreadable; the message names the file, not its path.

    Examples
    --------
    >>> import tempfile, geopandas as gpd
    >>> from shapely import box
    >>> p = Path(tempfile.mkdtemp()) / "a.geojson"
    >>> write_layer(gpd.GeoDataFrame({"cvegeo": ["1"]}, geometry=[box(0, 0, 1, 1)], crs=4326), p)
    >>> read_layer(p).crs.to_epsg()
    4326
    """
    path = Path(path)
    source, fmt = _source(path)
    if layer is None and fmt is GEOPACKAGE:
        layers = list_layers(path)
        if len(layers) > 1:
            raise LayerReadError(
                f"{path.name} tiene varias capas ({', '.join(layers)}); elija una con --layer"
            )
    try:
        with _offline(), warnings.catch_warnings():
            # NaN coordinates are reported in Spanish by boundaries.sanity, not as a warning.
            warnings.filterwarnings(
                "ignore", "invalid value encountered", RuntimeWarning, "shapely"
            )
            frame = gpd.read_file(source, layer=layer, engine=ENGINE, **_engine_kwargs(fmt))
    except Exception as exc:  # GDAL raises many types; the user needs one clear message
        raise _gdal_error(path.name, exc) from exc
    log.info("read %d features from %s with %s (%s)", len(frame), path, ENGINE, fmt.driver)
    if frame.crs is None:
        if crs is None:
            raise MissingCRSError(
                f"{path.name}: la capa no declara sistema de coordenadas (CRS); "
                "indíquelo con --crs, por ejemplo --crs EPSG:4326"
            )
        try:
            assumed = pyproj.CRS.from_user_input(crs)
        except pyproj.exceptions.CRSError as exc:
            raise LayerReadError(
                f"CRS inválido «{crs}»; use un código como EPSG:4326 o EPSG:6372"
            ) from exc
        frame = frame.set_crs(assumed)
    return frame


def write_layer(frame: gpd.GeoDataFrame, path: str | Path, layer: str | None = None) -> None:
    """Write ``frame`` to ``path``; the driver follows the suffix (.geojson, .gpkg, .shp)."""
    path = Path(path)
    driver = WRITE_DRIVERS.get(path.suffix.lower())
    kwargs = {"driver": driver} if driver else {}
    frame.to_file(path, layer=layer, engine=ENGINE, **kwargs)
