"""The `finsam` command line: usage, unknown verbs and failing commands give one clear line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from finsam import cli


def test_without_arguments_it_prints_usage_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 2

    err = capsys.readouterr().err
    assert "Användning: finsam KOMMANDO" in err
    assert "demo" in err and "serve" in err and "manage" in err


def test_help_prints_usage_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == 0

    assert "Användning: finsam KOMMANDO" in capsys.readouterr().out


def test_an_unknown_verb_prints_one_line_and_exits_non_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["flyga"]) != 0

    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip().splitlines() == ["finsam: okänt kommando 'flyga' (se finsam --help)"]


def test_a_failing_command_prints_one_line_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", "--tag", "ingen-sadan-tagg"]) == 1

    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("finsam check: ")


@pytest.mark.django_db
def test_manage_check_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["manage", "check"]) == 0

    assert "no issues" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_data")  # with the demo made already, the command only checks it
def test_a_verb_with_dashes_runs_the_management_command(
    capsys: pytest.CaptureFixture[str], settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path
    settings.DEMO_PASSWORD = "ett-demolösenord-för-cli"

    assert cli.main(["demo", "--no-progress"]) == 0

    out = capsys.readouterr().out
    assert "skelleftea-deltagare" in out
    assert "Samordningsförbundet Södra Lappland" in out


DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db
def test_worker_runs_the_queued_tasks(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """`finsam worker` is the database queue's worker; --batch stops it when the queue is empty."""
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    from finsam.followup.tasks import purge_identities

    settings.TASKS = DATABASE_QUEUE
    # The worker closes connections between tasks, as after a request; the test's transaction must stay.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    queued = purge_identities.enqueue()
    assert DBTaskResult.objects.get(pk=queued.id).status == "READY"

    assert cli.main(["worker", "--batch", "--no-startup-delay", "--verbosity", "0"]) == 0

    done = DBTaskResult.objects.get(pk=queued.id)
    assert (done.status, done.return_value) == ("SUCCESSFUL", {"removed": 0})


def test_the_usage_names_the_worker(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["--help"])

    assert "worker" in capsys.readouterr().out


def test_serve_runs_gunicorn_threaded_without_keep_alive_and_preloaded(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Threads per worker (a long request does not hold a whole process), responses that close their
    connection (a kept-alive one the server closes when idle races the client's next request), and the
    application loaded and warmed up once in the master (finsam.wsgi.warm_up), not in every worker on its
    first requests."""
    started: list[list[str]] = []
    monkeypatch.setattr(cli.os, "execv", lambda path, argv: started.append(argv))
    monkeypatch.setattr("django.core.management.call_command", lambda *a, **k: None)  # no collectstatic
    monkeypatch.setattr("finsam.core.checks.startup_check", lambda: None)  # no database here
    monkeypatch.setenv("FINSAM_THREADS", "6")

    cli.serve(["--bind", "127.0.0.1:8123", "--workers", "2"])

    [argv] = started
    assert "--preload" in argv
    argv = [argument for argument in argv if argument != "--preload"]
    options = dict(zip(argv[4::2], argv[5::2], strict=False))
    assert argv[2:4] == ["gunicorn", "finsam.wsgi:application"]
    assert options["--bind"] == "127.0.0.1:8123" and options["--workers"] == "2"
    assert options["--threads"] == "6" and options["--keep-alive"] == "0"
