"""The two providers: recorded completions replayed from a file, and an
OpenAI-compatible chat endpoint (a local stand-in here: nothing reaches the network)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from codegen_ast.llm import (
    ChatProvider,
    ChatSettings,
    CompletionRequest,
    FixtureProvider,
    LLMError,
    Message,
    answer,
    append_recording,
    choose_provider,
    recording_for,
    request_hash,
)
from tests.chat_standin import ChatStandIn, Reply

KEY = "sk-test-7f3a9c1e5b"  # a key that must never be shown
REQUEST = CompletionRequest((Message("system", "Answer briefly."), Message("user", "Name a prime.")), "a test question")


def settings(stand_in: ChatStandIn, **overrides: object) -> ChatSettings:
    values: dict[str, object] = {"base_url": stand_in.base_url, "model": "stand-in-model", "api_key": KEY,
                                 "timeout_s": 0.5, "retries": 2, "backoff_s": 0.01}
    return ChatSettings(**(values | overrides))  # type: ignore[arg-type]


def test_request_hash_is_the_frameworks_golden_chain_hash() -> None:
    from omnibase_core.runtime.golden_chain.recorded_replay_transport import canonical_request_hash

    payload = REQUEST.payload("some-model")
    assert request_hash(payload) == canonical_request_hash(payload)


def test_chat_provider_sends_the_chat_request_and_returns_the_answer() -> None:
    with ChatStandIn().running() as stand_in:
        stand_in.reply(Reply(content="7"))
        completion = ChatProvider(settings(stand_in)).complete(REQUEST)
    assert (completion.text, completion.model, completion.provider) == ("7", "stand-in-model", "chat")
    [sent] = stand_in.requests
    assert sent.path == "/v1/chat/completions"
    assert sent.headers["Authorization"] == f"Bearer {KEY}"
    assert sent.payload["messages"] == [{"role": "system", "content": "Answer briefly."},
                                        {"role": "user", "content": "Name a prime."}]
    assert sent.payload["model"] == "stand-in-model" and sent.payload["temperature"] == 0.0


def test_transient_failures_are_retried_with_backoff_then_answered() -> None:
    waits: list[float] = []
    with ChatStandIn().running() as stand_in:
        stand_in.reply(Reply(status=503, body="{}"), Reply(status=429, body="{}", headers={"Retry-After": "0.05"}),
                       Reply(content="11"))
        completion = ChatProvider(settings(stand_in), sleep=waits.append).complete(REQUEST)
    assert completion.text == "11"
    assert len(stand_in.requests) == 3
    assert waits == [0.01, 0.05]  # our backoff first, then the server's Retry-After


def test_retries_are_bounded() -> None:
    waits: list[float] = []
    with ChatStandIn().running() as stand_in:
        stand_in.reply(*[Reply(status=500, body="{}")] * 5)
        with pytest.raises(LLMError, match=r"HTTP 500: \{\} \(gave up after 3 attempts\)"):
            ChatProvider(settings(stand_in, backoff_s=0.01), sleep=waits.append).complete(REQUEST)
    assert len(stand_in.requests) == 3 and waits == [0.01, 0.02]


def test_a_hung_endpoint_times_out_each_attempt() -> None:
    with ChatStandIn().running() as stand_in:
        stand_in.reply(Reply(content="late", delay_s=1.5), Reply(content="late", delay_s=1.5))
        with pytest.raises(LLMError, match=r"no answer within 0.3 s \(gave up after 2 attempts\)"):
            ChatProvider(settings(stand_in, timeout_s=0.3, retries=1), sleep=lambda _: None).complete(REQUEST)


def test_client_errors_are_not_retried_and_never_show_the_key(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="codegen_ast.llm")
    echo = json.dumps({"error": f"invalid api key {KEY}"})
    with ChatStandIn().running() as stand_in:
        stand_in.reply(Reply(status=401, body=echo))
        with pytest.raises(LLMError) as caught:
            ChatProvider(settings(stand_in)).complete(REQUEST)
        stand_in.reply(Reply(status=502, body=echo), Reply(status=502, body=echo), Reply(status=502, body=echo))
        with pytest.raises(LLMError) as retried:
            ChatProvider(settings(stand_in), sleep=lambda _: None).complete(REQUEST)
    assert len(stand_in.requests) == 4  # the 401 once, the 502 three times
    assert "HTTP 401" in str(caught.value) and "CODEGEN_AST_LLM_API_KEY" in str(caught.value)
    assert "***" in str(caught.value) and "***" in str(retried.value)  # the server's echo is masked
    shown = [str(caught.value), str(retried.value), repr(settings(stand_in)), *(r.getMessage() for r in caplog.records)]
    assert any("retrying" in line for line in shown)  # the log was written...
    assert not [line for line in shown if KEY in line]  # ...and holds no key


def test_settings_come_from_the_environment() -> None:
    environ = {"CODEGEN_AST_LLM_BASE_URL": "http://127.0.0.1:9/v1", "CODEGEN_AST_LLM_MODEL": "m",
               "CODEGEN_AST_LLM_API_KEY": KEY, "CODEGEN_AST_LLM_TIMEOUT_S": "5", "CODEGEN_AST_LLM_RETRIES": "0"}
    provider = choose_provider(environ=environ)
    assert isinstance(provider, ChatProvider)
    assert provider.settings.endpoint == "http://127.0.0.1:9/v1/chat/completions"
    assert (provider.settings.timeout_s, provider.settings.retries) == (5.0, 0)
    with pytest.raises(LLMError, match="CODEGEN_AST_LLM_MODEL is not"):
        choose_provider(environ={"CODEGEN_AST_LLM_BASE_URL": "http://127.0.0.1:9/v1"})
    with pytest.raises(LLMError, match="CODEGEN_AST_LLM_RETRIES='x' is not a number"):
        choose_provider(environ=environ | {"CODEGEN_AST_LLM_RETRIES": "x"})
    with pytest.raises(LLMError, match="no language model configured: pass --llm-fixture"):
        choose_provider(environ={})


def test_recorded_exchange_replays_from_the_fixture_file(tmp_path: Path) -> None:
    fixture = tmp_path / "recorded.json"
    with ChatStandIn().running() as stand_in:
        stand_in.reply(Reply(content="13"))
        ChatProvider(settings(stand_in, record=fixture)).complete(REQUEST)
    saved = fixture.read_text()
    assert KEY not in saved
    [recording] = json.loads(saved)["recordings"]
    assert recording["provenance"]["request_hash"] == request_hash(REQUEST.payload("stand-in-model"))
    replayed = choose_provider(fixture, environ={}).complete(REQUEST)
    assert (replayed.text, replayed.model, replayed.provider) == ("13", "stand-in-model", "fixture")


def test_replay_fails_closed_when_the_prompt_changed(tmp_path: Path) -> None:
    fixture = tmp_path / "recorded.json"
    append_recording(fixture, recording_for(REQUEST, "m", answer("17", "m"), provider="test", endpoint="-"))
    other = CompletionRequest((Message("user", "Name another prime."),), "another question")
    with pytest.raises(LLMError, match="no recording answers the request for another question"):
        FixtureProvider(fixture).complete(other)
    longer = CompletionRequest(REQUEST.messages, "same messages, other limit", max_tokens=99)
    with pytest.raises(LLMError, match="no recording answers"):
        FixtureProvider(fixture).complete(longer)


def test_empty_and_echoed_completions_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    append_recording(empty, recording_for(REQUEST, "m", answer("x", "m"), provider="test", endpoint="-"))
    data = json.loads(empty.read_text())
    data["recordings"][0]["raw_response"]["choices"][0]["message"]["content"] = "  "
    empty.write_text(json.dumps(data))
    with pytest.raises(LLMError, match="recorded completion is empty"):
        FixtureProvider(empty)
    echo = tmp_path / "echo.json"
    append_recording(echo, recording_for(REQUEST, "m", answer("Name a prime.", "m"), provider="test", endpoint="-"))
    with pytest.raises(LLMError, match="repeats the prompt"):
        FixtureProvider(echo).complete(REQUEST)


@pytest.mark.parametrize(
    ("content", "message"),
    [("{", "not a JSON fixture file"), ("[]", "no recordings"), ('{"recordings": [{"provenance": {}}]}', "needs a 'provenance'"),
     ('{"recordings": [{"provenance": {}, "raw_response": {}}]}', "provenance lacks model_id, request_hash, prompt_hash")],
)
def test_a_broken_fixture_file_is_named(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "broken.json"
    path.write_text(content)
    with pytest.raises(LLMError, match=message) as caught:
        FixtureProvider(path)
    assert str(path) in str(caught.value)
