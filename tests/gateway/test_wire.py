"""What the client puts on the wire, seen from a recording fake gateway on a real socket:
bearer metadata on every call, fresh correlation ids, lazy paging, streams that close."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import aclosing

import grpc
import pytest

from mxshell.contract import galaxy, galaxy_grpc, mx, mx_grpc
from mxshell.gateway import GalaxyRepositoryClient, GatewayClient

KEY = "wiretest-key-4e1f9a0b7c2d"
PAGES = [["Area1", "Tank1", "Tank2"], ["Pump1", "Pump2", "Valve1"], ["Valve2"]]


class Recorder:
    def __init__(self) -> None:
        self.metadata: dict[str, list[dict[str, str]]] = {}
        self.correlation_ids: list[str] = []
        self.page_requests: list[galaxy.DiscoverHierarchyRequest] = []
        self.stream_cancelled: dict[str, asyncio.Event] = {}

    def saw(self, method: str, context: grpc.aio.ServicerContext) -> None:
        entries = {k: v for k, v in context.invocation_metadata() or () if isinstance(v, str)}
        self.metadata.setdefault(method, []).append(entries)

    def cancelled(self, method: str) -> asyncio.Event:
        return self.stream_cancelled.setdefault(method, asyncio.Event())

    def watch_for_cancel(self, method: str, context: grpc.aio.ServicerContext) -> None:
        """Note when this call ends: its handler never returns, so only the client ends it."""
        event = self.cancelled(method)
        context.add_done_callback(lambda _: event.set())


class FakeGateway(mx_grpc.MxAccessGatewayServicer):
    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    async def OpenSession(self, request, context):  # noqa: N802 - gRPC method name
        self.recorder.saw("OpenSession", context)
        return mx.OpenSessionResponse(session_id="fake-1", capabilities=["bulk-read-commands"])

    async def CloseSession(self, request, context):  # noqa: N802
        self.recorder.saw("CloseSession", context)
        return mx.CloseSessionResponse()

    async def Invoke(self, request, context):  # noqa: N802
        self.recorder.saw("Invoke", context)
        self.recorder.correlation_ids.append(request.correlation_id)
        return mx.InvokeResponse(
            correlation_id=request.correlation_id,
            protocol_status=mx.ProtocolStatus(code=mx.PROTOCOL_STATUS_CODE_OK),
            handle=1,
        )

    async def StreamEvents(self, request, context):  # noqa: N802
        self.recorder.saw("StreamEvents", context)
        self.recorder.watch_for_cancel("StreamEvents", context)
        for sequence in range(1, 4):
            event = mx.MxEvent(worker_sequence=sequence, on_write_complete=mx.OnWriteComplete())
            yield mx.StreamEventsResponse(events=[event])
        await asyncio.Event().wait()  # an idle stream: nothing more until cancelled


class FakeGalaxy(galaxy_grpc.GalaxyRepositoryServicer):
    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    async def TestConnection(self, request, context):  # noqa: N802
        self.recorder.saw("TestConnection", context)
        return galaxy.TestConnectionResponse(connected=True)

    async def DiscoverHierarchy(self, request, context):  # noqa: N802
        self.recorder.saw("DiscoverHierarchy", context)
        self.recorder.page_requests.append(request)
        index = int(request.page_token or "0")
        names = PAGES[index]
        next_token = str(index + 1) if index + 1 < len(PAGES) else ""
        return galaxy.DiscoverHierarchyResponse(
            objects=[galaxy.GalaxyObject(tag_name=name) for name in names],
            next_page_token=next_token,
            total_object_count=sum(map(len, PAGES)),
        )

    async def WatchDeployEvents(self, request, context):  # noqa: N802
        self.recorder.saw("WatchDeployEvents", context)
        self.recorder.watch_for_cancel("WatchDeployEvents", context)
        yield galaxy.WatchDeployEventsResponse(event=galaxy.DeployEvent(sequence=1))
        await asyncio.Event().wait()


@pytest.fixture
async def fake() -> AsyncIterator[tuple[str, Recorder]]:
    recorder = Recorder()
    server = grpc.aio.server()
    mx_grpc.add_MxAccessGatewayServicer_to_server(FakeGateway(recorder), server)
    galaxy_grpc.add_GalaxyRepositoryServicer_to_server(FakeGalaxy(recorder), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        yield f"127.0.0.1:{port}", recorder
    finally:
        await server.stop(None)


async def test_every_call_and_stream_carries_the_key_as_bearer_metadata(
    fake: tuple[str, Recorder],
) -> None:
    endpoint, recorder = fake
    async with await GatewayClient.connect(endpoint, KEY, plaintext=True) as client:
        session = await client.open_session("wire")
        await session.register("wire")
        async with aclosing(session.stream_events()) as events:
            await anext(events)
        repository = client.galaxy()
        assert await repository.test_connection()
        assert len(await repository.discover_hierarchy()) == 7
        async with aclosing(repository.watch_deploy_events()) as deploys:
            await anext(deploys)
        await session.close()
    methods = {
        "OpenSession",
        "Invoke",
        "StreamEvents",
        "TestConnection",
        "DiscoverHierarchy",
        "WatchDeployEvents",
        "CloseSession",
    }
    assert set(recorder.metadata) == methods
    for method, calls in recorder.metadata.items():
        for metadata in calls:
            assert metadata.get("authorization") == f"Bearer {KEY}", method


async def test_without_a_key_no_authorization_metadata_is_sent(fake: tuple[str, Recorder]) -> None:
    endpoint, recorder = fake
    async with await GatewayClient.connect(endpoint, plaintext=True) as client:
        await client.open_session_raw("wire")
    assert "authorization" not in recorder.metadata["OpenSession"][0]


async def test_each_invoke_carries_a_fresh_correlation_id(fake: tuple[str, Recorder]) -> None:
    endpoint, recorder = fake
    async with await GatewayClient.connect(endpoint, KEY, plaintext=True) as client:
        session = await client.open_session("wire")
        for _ in range(5):
            await session.register("wire")
        reply = await client.invoke_raw(session.session_id, mx.RegisterCommand(client_name="x"))
    ids = recorder.correlation_ids
    assert len(ids) == 6 and len(set(ids)) == 6 and all(ids)
    assert reply.correlation_id == ids[-1]


async def test_iter_hierarchy_asks_for_a_page_only_when_the_previous_one_is_consumed(
    fake: tuple[str, Recorder],
) -> None:
    endpoint, recorder = fake
    async with await GalaxyRepositoryClient.connect(endpoint, KEY, plaintext=True) as repository:
        objects = repository.iter_hierarchy(page_size=3)
        seen = [(await anext(objects)).tag_name]
        assert len(recorder.page_requests) == 1
        seen += [(await anext(objects)).tag_name, (await anext(objects)).tag_name]
        assert len(recorder.page_requests) == 1  # page 1 consumed, page 2 not asked for yet
        seen.append((await anext(objects)).tag_name)
        assert len(recorder.page_requests) == 2
        seen += [obj.tag_name async for obj in objects]
    assert seen == [name for page in PAGES for name in page]
    assert [r.page_token for r in recorder.page_requests] == ["", "1", "2"]
    assert {r.page_size for r in recorder.page_requests} == {3}


async def test_closing_the_event_iterator_cancels_the_stream(fake: tuple[str, Recorder]) -> None:
    endpoint, recorder = fake
    async with await GatewayClient.connect(endpoint, KEY, plaintext=True) as client:
        session = await client.open_session("wire")
        events = session.stream_events()
        assert (await anext(events)).worker_sequence == 1
        await events.aclose()
        await asyncio.wait_for(recorder.cancelled("StreamEvents").wait(), 5)


async def test_cancelling_the_consuming_task_cancels_the_stream(fake: tuple[str, Recorder]) -> None:
    endpoint, recorder = fake
    received: list[int] = []
    async with await GatewayClient.connect(endpoint, KEY, plaintext=True) as client:
        session = await client.open_session("wire")

        async def consume() -> None:
            async for batch in session.stream_event_batches():
                received.extend(event.worker_sequence for event in batch)

        task = asyncio.create_task(consume())
        while len(received) < 3:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.wait_for(recorder.cancelled("StreamEvents").wait(), 5)
    assert received == [1, 2, 3]


async def test_closing_the_deploy_watch_cancels_the_stream(fake: tuple[str, Recorder]) -> None:
    endpoint, recorder = fake
    async with await GalaxyRepositoryClient.connect(endpoint, KEY, plaintext=True) as repository:
        watch = repository.watch_deploy_events()
        assert (await anext(watch)).sequence == 1
        await watch.aclose()
        await asyncio.wait_for(recorder.cancelled("WatchDeployEvents").wait(), 5)


async def test_closing_a_shared_galaxy_client_leaves_the_channel_open(
    fake: tuple[str, Recorder],
) -> None:
    endpoint, _ = fake
    async with await GatewayClient.connect(endpoint, KEY, plaintext=True) as client:
        async with client.galaxy() as repository:
            assert await repository.test_connection()
        assert (await client.open_session_raw("still-open")).session_id == "fake-1"
