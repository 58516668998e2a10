from __future__ import annotations


def test_the_bare_view_answers_when_benchmark_views_are_on(client, settings):
    settings.BENCHMARK_VIEWS = True
    response = client.get("/bench/ping/")
    assert response.status_code == 200
    assert response.content == b"pong"
    assert response["Content-Type"] == "text/plain"


def test_the_bare_view_does_not_exist_when_benchmark_views_are_off(client, settings):
    settings.BENCHMARK_VIEWS = False
    assert client.get("/bench/ping/").status_code == 404
