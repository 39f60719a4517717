"""What can go wrong with a SPARQL request, as plain exceptions (no HTTP here).

`api.errors` maps each class to a status and an error type; every class carries a message meant
for the person who sent the request.
"""

from __future__ import annotations


class SparqlError(Exception):
    """Base of every SPARQL endpoint error; `str(err)` is the client-facing message."""


class ProtocolViolation(SparqlError):
    """The request breaks the SPARQL 1.1 Protocol (both/neither query and update, GET with a body...)."""


class UnsupportedMediaType(SparqlError):
    """A POST body with a missing or unsupported Content-Type, or a charset other than UTF-8."""


class NotAcceptable(SparqlError):
    """No result format the client accepts (Accept header or `format`) fits this kind of result."""


class QuerySyntaxError(SparqlError):
    """The query or update does not parse; the message is the parser's."""


class OperationRefused(SparqlError):
    """SERVICE or LOAD: the endpoint makes no outbound request, so these are refused."""


class DatasetConflict(SparqlError):
    """Protocol dataset parameters given together with USING/WITH in the update itself."""


class UpdatesDisabled(SparqlError):
    """SPARQL Update is switched off: no admin token is configured."""


class AuthenticationRequired(SparqlError):
    """SPARQL Update needs `Authorization: Bearer <admin token>`; missing or wrong."""


class QueryTimeout(SparqlError):
    """The query ran past the configured time budget and was stopped."""


class ResultTooLarge(SparqlError):
    """The query produced more rows/triples than the configured cap."""


class QueryAborted(SparqlError):
    """The worker running the query died (e.g. it ran past its memory budget)."""


class EndpointBusy(SparqlError):
    """Every query worker slot stayed busy for the whole time budget."""


class QueryEvaluationError(SparqlError):
    """The operation parsed but failed while running (e.g. DROP of a missing graph)."""


class RequestTooLarge(SparqlError):
    """The request body is larger than the endpoint accepts."""


class QueryTooComplex(SparqlError):
    """The request nests deeper than the endpoint parses (a crash risk for any parser)."""


class StoreUnavailable(SparqlError):
    """The graph store cannot be opened (none yet, or in use by a writer)."""
