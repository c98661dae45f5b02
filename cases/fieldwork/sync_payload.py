"""What a phone's batch must be before the field sync stores it.

The sync (:mod:`cases.fieldwork.phone_sync`) trusts two things this module checks first, each with a
Spanish message instead of a server error:

* :func:`decode_batch`: the body is JSON nested no deeper than a batch ever is
  (:data:`MAX_DEPTH`). Python's JSON reader gives up past about a thousand levels with a
  ``RecursionError``, and shallower nests still exhaust the stack of whatever walks them.
* :func:`check_client_uuids`: the UUIDs the phone made name records this batch may be. An
  inspection or finding sent to the Papelera stays there (a phone retrying an old batch must
  not bring it back, nor collide with it on the unique ``client_uuid``), and a finding's UUID
  stored on another inspection is not this inspection's finding. A new inspection may not
  take the title and date of one in the Papelera (they are unique together).
* :func:`check_photo_finding`: a photo of a finding in the Papelera is refused for good, not
  answered "not synchronised yet" (which the phone retries forever).

Use cases take a session and never commit.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.errors import ConflictError, InvalidInputError
from cases.fieldwork.phone_sync import Capture, parse_uuid
from cases.records.lifecycle import including_deleted
from cases.storage.models import Finding, Inspection

__all__ = ["MAX_DEPTH", "decode_batch", "check_client_uuids", "check_photo_finding"]

#: Levels of lists and objects a batch may nest (it uses three: batch, «puntos», a point).
MAX_DEPTH = 8

NOT_JSON = ("el lote no es JSON válido (UTF-8), así que no se leyó ningún recorrido; vuelva a "
            "enviarlo desde la página de captura")
TOO_DEEP = (f"el lote anida listas u objetos en más de {MAX_DEPTH} niveles; no tiene la forma "
            "de un lote de la página de captura")


def decode_batch(body: bytes | str) -> Any:
    """The JSON document in ``body``, refused when it is not JSON or nests too deep.

    Examples
    --------
    >>> decode_batch(b'{"recorrido": {"uuid": "x"}, "puntos": [{"lon": 1}]}')["puntos"]
    [{'lon': 1}]
    >>> decode_batch("[" * 100_000 + "]" * 100_000)
    Traceback (most recent call last):
    ...
    cases.errors.InvalidInputError: el lote anida listas u objetos en más de 8 niveles; ...
    """
    try:
        document = json.loads(body)
    except RecursionError as exc:
        raise InvalidInputError(TOO_DEEP) from exc
    except ValueError as exc:
        raise InvalidInputError(NOT_JSON) from exc
    if _depth_exceeds(document, MAX_DEPTH):
        raise InvalidInputError(TOO_DEEP)
    return document


def check_client_uuids(session: Session, capture: Capture) -> None:
    """Refuse (409) a batch whose UUIDs name a record in the Papelera or of another inspection.

    Reads only; run it in the sync's transaction, before
    :func:`cases.fieldwork.phone_sync.sync_capture`.
    """
    inspection = session.scalar(including_deleted(
        select(Inspection).where(Inspection.client_uuid == capture.uuid)))
    if inspection is not None and inspection.is_deleted:
        raise ConflictError(
            f"el recorrido «{inspection.title}» se envió antes y ahora está en la papelera "
            "de Límites, así que no se vuelve a guardar; si debe volver, pida a un "
            "administrador que lo restaure, o descarte este envío en el teléfono")
    if inspection is None:
        _check_title_free(session, capture)
    numbers = {item.uuid: number for number, item in enumerate(capture.findings, start=1)}
    if not numbers:
        return
    stored = session.execute(including_deleted(
        select(Finding.client_uuid, Finding.inspection_id, Finding.deleted_at)
        .where(Finding.client_uuid.in_(list(numbers)))
    )).all()
    for client_uuid, inspection_id, deleted_at in sorted(stored, key=lambda r: numbers[r[0]]):
        number = numbers[client_uuid]
        if deleted_at is not None:
            raise ConflictError(
                f"el hallazgo {number} se envió antes y ahora está en la papelera de Límites, "
                "así que no se vuelve a guardar; quítelo del envío o pida a un administrador "
                "que lo restaure")
        if inspection is None or inspection_id != inspection.id:
            raise ConflictError(
                f"el hallazgo {number} lleva el identificador (UUID) de un hallazgo ya guardado "
                f"en otro recorrido (número {inspection_id}); cada hallazgo se envía con su "
                "propio recorrido")


def check_photo_finding(session: Session, finding_uuid: str) -> None:
    """Refuse (409) a photo of a finding in the Papelera: it will never be "synchronised yet".

    An unknown or malformed UUID is left to :func:`cases.fieldwork.phone_sync.sync_photo`.
    """
    try:
        finding_uuid = parse_uuid(finding_uuid, "el hallazgo de la foto")
    except InvalidInputError:
        return
    trashed = session.scalar(including_deleted(select(Finding.id).where(
        Finding.client_uuid == finding_uuid, Finding.deleted_at.is_not(None))))
    if trashed is not None:
        raise ConflictError(
            "el hallazgo de esta foto está en la papelera de Límites, así que la foto no se "
            "guarda; descártela en el teléfono o pida a un administrador que restaure el "
            "hallazgo")


def _check_title_free(session: Session, capture: Capture) -> None:
    # A live namesake is refused by cases.fieldwork.recording.add_inspection; one in the
    # Papelera still holds the (title, date) pair of the unique constraint.
    trashed = session.scalar(including_deleted(select(Inspection).where(
        Inspection.title == capture.title, Inspection.started_on == capture.started_on,
        Inspection.deleted_at.is_not(None))))
    if trashed is not None:
        raise ConflictError(
            f"ya hay un recorrido «{capture.title}» del {capture.started_on:%d/%m/%Y} en la "
            "papelera de Límites; cambie el título del recorrido en el teléfono o pida a un "
            "administrador que restaure el anterior")


def _depth_exceeds(document: Any, limit: int) -> bool:
    """Whether lists and dicts nest in ``document`` more than ``limit`` levels (no recursion).

    Examples
    --------
    >>> _depth_exceeds({"a": [{"b": 1}]}, 3), _depth_exceeds({"a": [{"b": []}]}, 3)
    (False, True)
    """
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children
                     if isinstance(child, dict | list))
    return False
