"""The REST API, ``/api/v1``: its own app with bearer-token authentication, scopes, and every
error as RFC 9457 ``application/problem+json``. OpenAPI at ``/api/v1/openapi.json``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException

from admin.deps import Panel, UowDep, get_panel, http_status
from core.domain.accounts import ApiToken, Scope
from core.domain.entities import Person
from core.errors import ChatdeskError
from core.services import api_tokens
from core.services.context import Actor

API_CHANNEL = "api"
PROBLEM = "application/problem+json"
MAX_BODY = 1024 * 1024


class ApiAuthError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class Caller:
    """Who is calling: the token and the person it acts as."""

    def __init__(self, token: ApiToken, person: Person) -> None:
        self.token = token
        self.person = person

    @property
    def actor(self) -> Actor:
        return Actor(self.person, API_CHANNEL)


_bearer = HTTPBearer(auto_error=False, description="An API token (cdk_…)")


async def api_caller(
    uow: UowDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Caller:
    if credentials is None or not credentials.credentials.strip():
        raise ApiAuthError(401, "Send an API token as 'Authorization: Bearer <token>'.")
    found = await api_tokens.api_caller(uow, secret=credentials.credentials.strip())
    if found is None:
        raise ApiAuthError(401, "The API token is unknown or revoked.")
    await uow.commit()  # last_used_at
    return Caller(*found)


CallerDep = Annotated[Caller, Depends(api_caller)]


def scoped(scope: Scope) -> Any:
    """A dependency: the caller, provided their token has ``scope``."""

    async def check(caller: CallerDep) -> Caller:
        if not caller.token.allows(scope):
            raise ApiAuthError(403, f"This API token lacks the scope {scope.value}.")
        return caller

    return Depends(check)


def problem(status: int, title: str, detail: str | None = None, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    headers = {"WWW-Authenticate": 'Bearer realm="chatdesk"'} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    422: "Unprocessable Content",
    500: "Internal Server Error",
}


def _install_problem_handlers(api: FastAPI) -> None:
    async def on_auth(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, ApiAuthError)
        return problem(error.status, _TITLES[error.status], error.detail)

    async def on_http(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, HTTPException)
        title = _TITLES.get(error.status_code, "Error")
        detail = error.detail if isinstance(error.detail, str) else None
        return problem(error.status_code, title, detail)

    async def on_validation(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        errors = [
            {"location": [str(part) for part in e.get("loc", ())], "message": e.get("msg", "")}
            for e in error.errors()
        ]
        return problem(422, _TITLES[422], "The request does not match the schema.", errors=errors)

    async def on_refusal(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, ChatdeskError)
        status = http_status(error)
        return problem(status, _TITLES[status], str(error))

    async def on_bug(_: Request, error: Exception) -> JSONResponse:
        return problem(500, _TITLES[500], "Something went wrong on our side.")

    api.add_exception_handler(ApiAuthError, on_auth)
    api.add_exception_handler(HTTPException, on_http)
    api.add_exception_handler(RequestValidationError, on_validation)
    api.add_exception_handler(ChatdeskError, on_refusal)
    api.add_exception_handler(Exception, on_bug)


def build_api(panel: Panel) -> FastAPI:
    from admin.routes import api_kb, api_people, api_tickets

    api = FastAPI(
        title="chatdesk API",
        version="1",
        description="Tickets, knowledge-base articles, people and categories. Authenticate "
        "with an API token (created in the panel's settings or with `chatdesk admin token "
        "create`) as `Authorization: Bearer <token>`. Errors are RFC 9457 problem details.",
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
        max_body_size=MAX_BODY,
    )
    api.state.panel = panel
    _install_problem_handlers(api)
    api.include_router(api_tickets.router)
    api.include_router(api_kb.router)
    api.include_router(api_people.router)
    return api


__all__ = ["CallerDep", "build_api", "get_panel", "scoped"]
