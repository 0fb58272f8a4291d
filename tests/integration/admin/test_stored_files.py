"""A long text a person pasted is kept with the ticket as pasted-text.txt: the ticket page links
it and the panel serves it to signed-in staff; a file of another ticket is not found."""

from __future__ import annotations

import httpx

from core.domain.entities import STORED_FILES, StoredFile
from core.messages import Attachment
from core.services import tickets
from storage.unit_of_work import Database
from tests.integration.admin.panel import PanelUser, signed_in
from tests.support.desk import make_person, open_ticket

LOG = "12:00:01 ERROR vpn: tunnel reset by peer\n" * 500


async def _ticket_with_pasted_text(db: Database) -> tuple[int, str]:
    rita = await make_person(db, "Rita", external_id="501")
    async with db.uow() as uow:
        kept = StoredFile(name="pasted-text.txt", mime_type="text/plain", content=LOG.encode())
        kept.size = len(kept.content)
        uow.add(kept)
        await uow.flush()
        file = Attachment(STORED_FILES, str(kept.id), kept.name, kept.mime_type, kept.size)
        request = tickets.NewTicket(
            title="VPN resets", description="See the log", attachments=(file,)
        )
        ticket = await tickets.open_ticket(uow, actor=rita, request=request)
        await uow.commit()
    return ticket.number, file.file_ref


async def test_the_pasted_text_is_linked_and_downloadable(
    client: httpx.AsyncClient, db: Database, agent_user: PanelUser
) -> None:
    number, ref = await _ticket_with_pasted_text(db)
    other = await open_ticket(db, await make_person(db, "Sam", external_id="502"), "Printer")
    url = f"/tickets/{number}/files/{ref}"
    anonymous = await client.get(url)
    assert anonymous.status_code != 200 and LOG not in anonymous.text

    await signed_in(client, agent_user)
    page = await client.get(f"/tickets/{number}")
    assert f'<a href="{url}">pasted-text.txt</a>' in page.text
    download = await client.get(url)
    assert download.status_code == 200
    assert download.text == LOG
    assert download.headers["content-type"] == "text/plain; charset=utf-8"
    assert 'filename="pasted-text.txt"' in download.headers["content-disposition"]
    for wrong in (
        f"/tickets/{other}/files/{ref}",
        f"/tickets/{number}/files/999",
        f"/tickets/{number}/files/x",
    ):
        assert (await client.get(wrong)).status_code == 404, wrong
