"""JSON API of the cooperation network under /api/v1/network (thin: every handler calls a service)."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery, JSONBody, Parameter

from network import analysis, relations, surveys
from network.metrics import Scope
from network.schemas import (
    MAX_ID,
    CommunityPage,
    GraphExport,
    Invitations,
    Metrics,
    NetworkChange,
    NetworkStatus,
    NodeMetricsPage,
    Recommendations,
    Relation,
    RelationCreate,
    RelationPage,
    RelationUpdate,
    ResponseIn,
    ResponseOut,
    Survey,
    SurveyCreate,
    SurveyScores,
    Timeline,
)
from ses import uploads
from ses.audit.channel import Channel
from ses.auth.policy import Role, allow
from ses.idempotency import make_key
from ses.register.schemas import ImportReport
from ses.web.context import actor_of, expected_version, principal, split_values
from ses.web.dependencies import Paging, Viewer

RELATION_READERS = (Role.STAFF, Role.REVIEWER, Role.OWES)
ANALYSTS = (Role.STAFF, Role.REVIEWER, Role.COMMITTEE)
GRAPHML = "application/graphml+xml"
GEXF = "application/gexf+xml"


RelationId = Annotated[int, Parameter(ge=1, le=MAX_ID, description="Id relacji")]
SurveyId = Annotated[int, Parameter(ge=1, le=MAX_ID, description="Id rundy badania")]
ID_QUERY = Parameter(ge=1, le=MAX_ID)


def _scope(request: Request[Any, Any, Any], as_of: date | None, territory: str | None,
           types: list[str] | None, ego: int | None) -> Scope:  # fmt: skip
    scope = Scope(as_of=as_of, territory=territory or None, types=tuple(sorted(split_values(types))), ego=ego)
    return analysis.resolve_scope(scope, principal(request))


NetworkScope = NamedDependency[Scope]
"""The checked scope of an analysis route, from one of the providers below."""

AS_OF = Parameter(description="Stan na dzień (domyślnie: relacje, które się nie zakończyły)")
TERRITORY = Parameter(description="Kod TERYT: województwo (2 cyfry), powiat (4), gmina (6–7)")
TYPES = Parameter(description="Typy relacji (powtórzone albo po przecinku)")
EGO = Parameter(ge=1, le=MAX_ID, description="Sieć ego jednej organizacji (jej id)")


def scope_of(
    request: Request[Any, Any, Any],
    as_of: Annotated[date | None, AS_OF] = None,
    territory: Annotated[str | None, TERRITORY] = None,
    types: Annotated[list[str] | None, TYPES] = None,
    ego: Annotated[int | None, EGO] = None,
) -> Scope:
    """The scope of an analysis route, checked; an OWES gets its own ego network."""
    return _scope(request, as_of, territory, types, ego)


def region_scope_of(
    request: Request[Any, Any, Any],
    as_of: Annotated[date | None, AS_OF] = None,
    territory: Annotated[str | None, TERRITORY] = None,
    types: Annotated[list[str] | None, TYPES] = None,
) -> Scope:
    """As scope_of, for routes about a whole territory (no ego network)."""
    return _scope(request, as_of, territory, types, None)


def period_scope_of(
    request: Request[Any, Any, Any],
    territory: Annotated[str | None, TERRITORY] = None,
    types: Annotated[list[str] | None, TYPES] = None,
) -> Scope:
    """As region_scope_of, for routes that take their own dates (change, timeline)."""
    return _scope(request, None, territory, types, None)


def _with_etag(relation: dict[str, Any], status_code: int = 200) -> Response[Any]:
    return Response(relation, status_code=status_code, headers={"ETag": relations.etag(relation)})


class RelationController(Controller):
    path = "/api/v1/network/relations"
    tags = ["Sieć współpracy"]

    @get("/", guards=[allow(*RELATION_READERS)], summary="Relations (an OWES sees only its own)")
    async def search(
        self,
        viewer: Viewer,
        paging: Paging,
        organisation_id: Annotated[int | None, ID_QUERY] = None,
        relation_type: FromQuery[list[str] | None] = None,
        origin: FromQuery[list[str] | None] = None,
        active_on: FromQuery[date | None] = None,
        owes_report_id: Annotated[int | None, ID_QUERY] = None,
    ) -> RelationPage:
        return await relations.list_relations(  # type: ignore[return-value]
            viewer=viewer, organisation_id=organisation_id,
            relation_type=split_values(relation_type), origin=split_values(origin),
            active_on=active_on, page=paging.page, page_size=paging.page_size,
            owes_report_id=owes_report_id,
        )  # fmt: skip

    @post("/", guards=[allow(Role.STAFF)], summary="Record a relation between two organisations")
    async def create(self, request: Request[Any, Any, Any], data: JSONBody[RelationCreate]) -> Relation:
        relation = await relations.create_relation(data.model_dump(), actor_of(request))
        return _with_etag(relation, 201)  # type: ignore[return-value]

    @post(
        "/import",
        guards=[allow(Role.STAFF)],
        summary="Import relations from CSV or XLSX (all rows or none)",
        request_max_body_size=uploads.body_limit(),
    )
    async def import_file(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
        dry_run: FromQuery[bool] = False,
        encoding: FromQuery[str | None] = None,
    ) -> ImportReport:
        upload = await uploads.read_upload(data)
        table = await uploads.parse_table(upload.content, upload.filename, encoding)
        result = await relations.import_relations(
            table.rows, table.header, actor_of(request, Channel.IMPORT), dry_run=dry_run
        )
        return ImportReport(**result)

    @get("/{relation_id:int}", guards=[allow(*RELATION_READERS)], summary="One relation (with ETag)")
    async def read(self, viewer: Viewer, relation_id: RelationId) -> Relation:
        return _with_etag(await relations.get_relation(relation_id, viewer))  # type: ignore[return-value]

    @patch("/{relation_id:int}", guards=[allow(Role.STAFF)], summary="Change a relation (needs If-Match)")
    async def update(
        self, request: Request[Any, Any, Any], relation_id: RelationId, data: JSONBody[RelationUpdate]
    ) -> Relation:
        version = expected_version(request)
        relation = await relations.update_relation(
            relation_id, data.model_dump(exclude_unset=True), version, actor_of(request)
        )
        return _with_etag(relation)  # type: ignore[return-value]

    @delete(
        "/{relation_id:int}",
        guards=[allow(Role.STAFF)],
        summary="Remove a mistaken relation (needs If-Match)",
    )
    async def remove(self, request: Request[Any, Any, Any], relation_id: RelationId) -> None:
        await relations.delete_relation(relation_id, expected_version(request), actor_of(request))


class SurveyController(Controller):
    path = "/api/v1/network/surveys"
    tags = ["Sieć współpracy"]

    @post("/", guards=[allow(Role.STAFF)], summary="Open a survey round and invite organisations")
    async def create(self, request: Request[Any, Any, Any], data: JSONBody[SurveyCreate]) -> Survey:
        return await surveys.create_survey(data.model_dump(), actor_of(request))  # type: ignore[return-value]

    @get("/", guards=[allow(*ANALYSTS)], summary="Survey rounds with response rates")
    async def search(self, paging: Paging) -> list[Survey]:
        return await surveys.list_surveys(paging.page, paging.page_size)  # type: ignore[return-value]

    @get("/{survey_id:int}", guards=[allow(*ANALYSTS, Role.OWES)], summary="One survey round")
    async def read(self, survey_id: SurveyId) -> Survey:
        return await surveys.get_survey(survey_id)  # type: ignore[return-value]

    @post("/{survey_id:int}/invitations", guards=[allow(Role.STAFF)], status_code=200, summary="Invite more")
    async def invite(
        self, request: Request[Any, Any, Any], survey_id: SurveyId, data: JSONBody[Invitations]
    ) -> Survey:
        return await surveys.invite(survey_id, data.organisation_ids, actor_of(request))  # type: ignore[return-value]

    @post(
        "/{survey_id:int}/close", guards=[allow(Role.STAFF)], status_code=200, summary="Stop taking answers"
    )
    async def close(self, request: Request[Any, Any, Any], survey_id: SurveyId) -> Survey:
        return await surveys.close_survey(survey_id, actor_of(request))  # type: ignore[return-value]

    @post(
        "/{survey_id:int}/responses",
        guards=[allow(Role.STAFF, Role.OWES)],
        summary="Answer of an invited organisation: partners rated on trust and value (1–4)",
        description="With an `Idempotency-Key` header a retried request gets the first answer back"
        " (header `Idempotent-Replayed: true`) and records nothing twice; the same key with another"
        " body is refused (422).",
    )
    async def respond(
        self, request: Request[Any, Any, Any], viewer: Viewer, survey_id: SurveyId, data: JSONBody[ResponseIn]
    ) -> ResponseOut:
        key = make_key(
            viewer.account_id if viewer else 0, request.headers.get("idempotency-key"),
            request.method, request.url.path, data.model_dump_json(),
        )  # fmt: skip
        answer = await surveys.submit_response_once(
            survey_id, data.model_dump(), actor_of(request), viewer, key
        )
        headers = {"Idempotent-Replayed": "true"} if answer.replayed else {}
        return Response(answer.body, status_code=answer.status, headers=headers)  # type: ignore[return-value]

    @get(
        "/{survey_id:int}/scores", guards=[allow(*ANALYSTS)], summary="Trust and value scores, response rate"
    )
    async def scores(self, survey_id: SurveyId, paging: Paging) -> SurveyScores:
        return await surveys.survey_scores(survey_id, paging.page, paging.page_size)  # type: ignore[return-value]


METRICS_DESCRIPTION = """\
The summary of the network in the scope (as of a date — default: ties that have not ended —, a
TERYT territory, relation types, or one organisation's ego network; an OWES sees only its own):
nodes, ties, arcs, density, components, average degree, Freeman centralization (degree,
betweenness, closeness), `paths_method` (betweenness and harmonic closeness are exact up to 400
organisations, above that sampled from 16 sources with a fixed seed, and this field says which),
eigenvector convergence, average clustering, transitivity, bridges, articulation points,
cross-sector `mixing`, `top` lists, `brokers` (top betweenness that are also articulation points),
`timings_ms` and `computed_in_ms`.

`communities`: Leiden communities (python-igraph, modularity, fixed seed) are the costliest
measure, so they are computed only with `communities=true`; otherwise `summary.communities` is
null. With it, `summary.communities` is {count, modularity, seed, method, sizes}; the members are
at /api/v1/network/communities. Answers are cached per network version, register change and
parameters (`cached` says whether this one was).
"""


class AnalysisController(Controller):
    """Metrics of the network as of a date, for a territory (TERYT prefix), types or one ego network.

    The scope comes from one dependency (`network_scope`): routes that take no ego network or no date
    declare the narrower provider."""

    path = "/api/v1/network"
    tags = ["Sieć współpracy"]
    dependencies = {"network_scope": Provide(scope_of, sync_to_thread=False)}

    @get(
        "/metrics",
        guards=[allow(*ANALYSTS, Role.OWES)],
        summary="Graph-level metrics (cached per version)",
        description=METRICS_DESCRIPTION,
    )
    async def metrics(self, network_scope: NetworkScope, communities: FromQuery[bool] = False) -> Metrics:
        return await analysis.network_metrics(network_scope, communities)  # type: ignore[return-value]

    @get(
        "/metrics/nodes",
        guards=[allow(*ANALYSTS, Role.OWES)],
        summary="Per-organisation metrics, paged",
        description="One row per organisation of the scope, sorted by `sort` (a metric name, `-name` for"
        " ascending). Each row's `community` is null unless `communities=true`.",
    )
    async def nodes(
        self,
        network_scope: NetworkScope,
        paging: Paging,
        sort: FromQuery[str] = "betweenness",
        communities: FromQuery[bool] = False,
    ) -> NodeMetricsPage:
        return await analysis.node_metrics(network_scope, sort, paging.page, paging.page_size, communities)  # type: ignore[return-value]

    @get(
        "/communities",
        guards=[allow(*ANALYSTS)],
        summary="Leiden communities (modularity, fixed seed), paged",
        dependencies={"network_scope": Provide(region_scope_of, sync_to_thread=False)},
    )
    async def communities(self, network_scope: NetworkScope, paging: Paging) -> CommunityPage:
        return await analysis.communities(network_scope, paging.page, paging.page_size)  # type: ignore[return-value]

    @get(
        "/recommendations",
        guards=[allow(*ANALYSTS)],
        summary="Missing local ties, critical nodes, likely pairs",
        dependencies={"network_scope": Provide(region_scope_of, sync_to_thread=False)},
    )
    async def recommendations(self, network_scope: NetworkScope) -> Recommendations:
        return await analysis.recommendations(network_scope)  # type: ignore[return-value]

    @get(
        "/change",
        guards=[allow(*ANALYSTS)],
        summary="New and ended ties and density change between two dates",
        dependencies={"network_scope": Provide(period_scope_of, sync_to_thread=False)},
    )
    async def change(
        self, network_scope: NetworkScope, from_date: FromQuery[date], to_date: FromQuery[date]
    ) -> NetworkChange:
        return await analysis.change(network_scope, from_date, to_date)  # type: ignore[return-value]

    @get(
        "/timeline",
        guards=[allow(*ANALYSTS)],
        summary="The network year by year: size, ties, density, components, new and ended ties",
        description="Points one year apart from `from_date` (default: 31 December three years before"
        " `to_date`) to `to_date` (default: today, always the last point). Ties are counted once per"
        " connected pair; `new_ties` and `ended_ties` compare with the previous point (null at the"
        " first). Computed off the event loop and cached per network version like the metrics.",
        dependencies={"network_scope": Provide(period_scope_of, sync_to_thread=False)},
    )
    async def timeline(
        self,
        network_scope: NetworkScope,
        from_date: FromQuery[date | None] = None,
        to_date: FromQuery[date | None] = None,
    ) -> Timeline:
        return await analysis.timeline(network_scope, from_date, to_date)  # type: ignore[return-value]

    @get(
        "/articulation-points",
        guards=[allow(*ANALYSTS, Role.OWES)],
        summary="Organisations that hold the network together (articulation points), paged",
        description="Each with name, kind, degree, betweenness and `cut_off`: how many organisations"
        " would lose their path to the largest remaining part if it left. Most cut off first.",
    )
    async def articulation_points(self, network_scope: NetworkScope, paging: Paging) -> NodeMetricsPage:
        return await analysis.articulation_points(network_scope, paging.page, paging.page_size)  # type: ignore[return-value]

    @get(
        "/bridges",
        guards=[allow(*ANALYSTS, Role.OWES)],
        summary="Ties whose loss would split the network (bridges), paged",
        description="Each with both organisations' ids and names and `cut_off`: the size of the smaller"
        " side the network would fall into without it. Most cut off first.",
    )
    async def bridges(self, network_scope: NetworkScope, paging: Paging) -> NodeMetricsPage:
        return await analysis.bridges(network_scope, paging.page, paging.page_size)  # type: ignore[return-value]

    @get(
        "/export.graphml",
        guards=[allow(*ANALYSTS, Role.OWES)],
        summary="GraphML (Gephi, yEd)",
        media_type=GRAPHML,
    )
    async def export_graphml(self, network_scope: NetworkScope) -> Response[str]:
        return _download(await analysis.export(network_scope, "graphml"), GRAPHML, "siec.graphml")

    @get("/export.gexf", guards=[allow(*ANALYSTS, Role.OWES)], summary="GEXF (Gephi)", media_type=GEXF)
    async def export_gexf(self, network_scope: NetworkScope) -> Response[str]:
        return _download(await analysis.export(network_scope, "gexf"), GEXF, "siec.gexf")

    @get(
        "/status",
        guards=[allow(*ANALYSTS)],
        summary="Data version and the in-memory region index",
        description="`index.current` is true when the region index holds the current data (it is built"
        " in the background after every change of a network larger than `index.min_ties` ties).",
    )
    async def status(self) -> NetworkStatus:
        return await analysis.status()  # type: ignore[return-value]

    @get("/export.json", guards=[allow(*ANALYSTS, Role.OWES)], summary="Nodes and links for the dashboard")
    async def export_json(self, network_scope: NetworkScope) -> Response[GraphExport]:
        data = await analysis.export(network_scope, "json")
        body = json.dumps(data, ensure_ascii=False, default=str).encode()
        return Response(body, media_type="application/json")  # type: ignore[arg-type]


def _download(text: str, media_type: str, filename: str) -> Response[str]:
    return Response(
        text,
        media_type=f"{media_type}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


ROUTES: list[Any] = [RelationController, SurveyController, AnalysisController]
