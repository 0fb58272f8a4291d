"""Limits where text enters the dialogue, each with a way forward instead of a dead end.

A question is what suggestions and the ticket title come from: over :data:`QUESTION_MAX` it is
no question but pasted material (a log, a mail thread). Details go into the description, which
has its own limit at "Create" (:data:`core.services.context.TEXT_MAX`). So text that would not
fit is not kept in the conversation row: it is appended to one ``pasted-text.txt`` file that
chatdesk stores itself (:class:`core.domain.entities.StoredFile`) and that travels with the draft
as an attachment of the ticket. The conversation row stays within :data:`QUESTION_MAX` plus
:data:`DETAILS_MAX`, and the description built from it always fits at "Create".
"""

from __future__ import annotations

from core.domain.entities import STORED_FILES, StoredFile
from core.errors import InvalidInput
from core.intake.turn import Turn
from core.messages import Attachment

QUESTION_MAX = 1_000
"""The longest question taken as a question (and kept in a draft or a pending message)."""
DETAILS_MAX = 8_000
"""The most details text a draft keeps inline, separators included."""
PASTE_MIN = 2_000
"""A details message this long is pasted material: it goes to the file, not the description."""
STORED_TEXT_MAX = 4 * 1024 * 1024
"""The largest pasted-text file kept (bytes, UTF-8); more is refused with what to do instead."""
PASTE_NAME = "pasted-text.txt"
PASTE_TYPE = "text/plain"
DETAIL_SEPARATOR = 2  # the description joins details with a blank line


def is_pasted(file: Attachment) -> bool:
    return file.channel == STORED_FILES and file.name == PASTE_NAME


def details_fit(details: list[str], text: str) -> bool:
    """True when ``text`` may join ``details`` inline."""
    if len(text) >= PASTE_MIN:
        return False
    used = sum(len(item) + DETAIL_SEPARATOR for item in details)
    return used + len(text) + DETAIL_SEPARATOR <= DETAILS_MAX


async def keep_as_file(turn: Turn, files: list[Attachment], text: str) -> Attachment:
    """Append ``text`` to the pasted-text file among ``files`` (created when there is none),
    update it in ``files`` (in place) and return it. Refuses, politely and changing nothing,
    text that would make the file larger than :data:`STORED_TEXT_MAX`."""
    data = text.encode()
    found = next((i for i, f in enumerate(files) if is_pasted(f)), None)
    stored = await turn.uow.files.get(int(files[found].file_ref)) if found is not None else None
    before = stored.content + b"\n\n" if stored is not None else b""
    if len(before) + len(data) > STORED_TEXT_MAX:
        raise InvalidInput(
            "That is more text than I can keep with a request ({limit} MB at most). "
            "Please send it as a file instead.",
            limit=STORED_TEXT_MAX // 1024 // 1024,
        )
    if stored is None:
        stored = StoredFile(
            name=PASTE_NAME, mime_type=PASTE_TYPE, content=b"", created_at=turn.uow.clock.now()
        )
        turn.uow.add(stored)
    stored.content = before + data
    stored.size = len(stored.content)
    await turn.uow.flush()
    assert stored.id is not None
    file = Attachment(STORED_FILES, str(stored.id), PASTE_NAME, PASTE_TYPE, stored.size)
    if found is None:
        files.append(file)
    else:
        files[found] = file
    return file


def kilobytes(file: Attachment) -> int:
    return max(1, round(file.size / 1024))
