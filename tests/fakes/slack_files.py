"""Files people share in the fake workspace: ``files.info`` and ``url_private`` downloads.

As on Slack, a download without the bot token (or with a wrong one) is not an error: it is a
200 with an HTML sign-in page, so a client must check what it got.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from tests.fakes.slack_objects import TEAM_ID, ApiError, Ids

SIGN_IN_PAGE = b"<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in</body></html>"


@dataclass
class StoredFile:
    id: str
    name: str
    mimetype: str
    data: bytes
    size: int
    user: str
    path: str

    def to_api(self, base_url: str) -> dict[str, Any]:
        url = f"{base_url}/files-pri/{self.path}"
        return {
            "id": self.id,
            "created": int(time.time()),
            "name": self.name,
            "title": self.name,
            "mimetype": self.mimetype,
            "filetype": self.name.rsplit(".", 1)[-1] if "." in self.name else "binary",
            "user": self.user,
            "size": self.size,
            "mode": "hosted",
            "url_private": url,
            "url_private_download": url + "?download=1",
        }


class FileStore:
    def __init__(self, ids: Ids) -> None:
        self.ids = ids
        self.by_id: dict[str, StoredFile] = {}
        self.by_path: dict[str, StoredFile] = {}
        self.downloads: list[tuple[str, bool]] = []  # (file id, authorised)

    def store(
        self, user_id: str, data: bytes, name: str, mimetype: str, *, size: int | None = None
    ) -> StoredFile:
        """``size`` may claim more than ``data`` holds, e.g. to exceed a download limit."""
        file_id = self.ids.next("F")
        path = f"{TEAM_ID}-{file_id}/{name}"
        stored = StoredFile(file_id, name, mimetype, data, size or len(data), user_id, path)
        self.by_id[file_id] = stored
        self.by_path[path] = stored
        return stored

    def info(self, params: dict[str, Any], base_url: str) -> dict[str, Any]:
        stored = self.by_id.get(str(params.get("file") or ""))
        if stored is None:
            raise ApiError("file_not_found")
        return {"file": stored.to_api(base_url)}

    def download(self, path: str, authorised: bool) -> tuple[int, bytes, str]:
        """(status, body, content type) for a GET of ``url_private``."""
        stored = self.by_path.get(path)
        if stored is None:
            return 404, b"not found", "text/plain"
        self.downloads.append((stored.id, authorised))
        if not authorised:
            return 200, SIGN_IN_PAGE, "text/html"
        return 200, stored.data, stored.mimetype
