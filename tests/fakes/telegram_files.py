"""Files held by the fake Bot API: ids, download paths, photo/document objects, getFile."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from tests.fakes.telegram_objects import bad_request

DOWNLOAD_LIMIT = 20 * 1024 * 1024  # the cloud Bot API lets bots download up to 20 MB


@dataclass
class StoredFile:
    file_id: str
    unique_id: str
    kind: str  # "photo" or "document"
    data: bytes
    size: int
    path: str


class FileStore:
    def __init__(self) -> None:
        self.by_id: dict[str, StoredFile] = {}
        self.by_path: dict[str, StoredFile] = {}
        self._ids = itertools.count(1)

    def store(self, kind: str, data: bytes, size: int | None = None, ext: str = "") -> StoredFile:
        n = next(self._ids)
        file_id = f"{'AgAC' if kind == 'photo' else 'BQAC'}fake{n:06d}"
        path = f"{kind}s/file_{n}{ext or ('.jpg' if kind == 'photo' else '')}"
        stored = StoredFile(file_id, f"uniq{n:06d}", kind, data, size or len(data), path)
        self.by_id[file_id] = stored
        self.by_path[path] = stored
        return stored

    def photo_sizes(self, stored: StoredFile) -> list[dict[str, Any]]:
        return [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.unique_id,
                "width": 1280,
                "height": 960,
                "file_size": stored.size,
            },
        ]

    def document_object(self, stored: StoredFile, name: str, mime: str) -> dict[str, Any]:
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_name": name,
            "mime_type": mime,
            "file_size": stored.size,
        }

    def input_file(self, value: Any, params: dict[str, Any], kind: str) -> StoredFile:
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value.removeprefix("attach://"))
        if isinstance(value, bytes):
            return self.store(kind, value)
        if not isinstance(value, str) or value not in self.by_id:
            raise bad_request("wrong file identifier/HTTP URL specified")
        stored = self.by_id[value]
        if stored.kind != kind:
            raise bad_request("type of file mismatch")
        return stored

    def get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = self.by_id.get(str(params.get("file_id")))
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.size > DOWNLOAD_LIMIT:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_size": stored.size,
            "file_path": stored.path,
        }
