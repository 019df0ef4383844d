"""Configuration: the shipped file is valid; every kind of bad file is refused
with the file, line and field named; per-condominium files; the CLI's exit code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.config import ConfigError, load_config, parse_config
from tests.harness.asterisk import REPO


def test_shipped_config_is_valid_and_has_both_condominiums() -> None:
    s = load_config(REPO / "config.yaml")
    assert set(s.condominiums) == {"apoena", "jardins"}
    assert s.condominiums["apoena"].phrases.greeting == "Condomínio Apoena, em que posso ajudar?"
    assert s.condominium("jardins")[1].gate.dtmf == "*5"
    assert s.condominium("nope")[0] == "apoena"  # unknown Stasis argument: the default building


@pytest.mark.parametrize(
    "text,expected",
    [
        ("ari: [unclosed", "line 1, column 15: not valid YAML"),
        ("- a\n- b\n", "the top level must be a mapping"),
        ("media:\n  format: slin8\n", "line 2: media.format: Input should be 'slin' or 'slin16'"),
        (
            "media:\n  visitor_port: 99999\n",
            "line 2: media.visitor_port: Input should be less than or equal to 65535",
        ),
        ("api:\n  hots: 0.0.0.0\n", "line 2: api.hots: Extra inputs are not permitted"),
        ("ari:\n  password: hunter2\n", "line 2: ari.password: secrets are not read from the file"),
        (
            "condominiums: {}\n",
            "line 1: condominiums: Value error, at least one condominium is required",
        ),
        (
            "condominiums:\n  a:\n    gate:\n      dtmf: 'open sesame'\n",
            "line 4: condominiums.a.gate.dtmf: String should match",
        ),
        (
            "condominiums:\n  a:\n    endpointing:\n      silence_seconds: 0\n",
            "line 4: condominiums.a.endpointing.silence_seconds: Input should be greater than 0.1",
        ),
        (
            "stt:\n  backend: vosk\n",
            "line 2: stt.backend: Input should be 'none', 'openai', 'azure' or 'whisper'",
        ),
    ],
)
def test_each_kind_of_bad_file_names_line_and_field(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(text, "x.yaml")
    assert expected in str(err.value), str(err.value)
    assert str(err.value).startswith("x.yaml: invalid configuration")


def test_all_problems_are_reported_at_once() -> None:
    with pytest.raises(ConfigError) as err:
        parse_config("media:\n  format: mp3\napi:\n  port: -1\n")
    assert len(err.value.problems) == 2


def test_missing_directory_file_is_named(tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("condominiums:\n  a:\n    directory: nowhere.json\n")
    with pytest.raises(
        ConfigError, match=r"line 3: condominiums.a.directory: file nowhere.json does not exist"
    ):
        load_config(cfg)


def with_condominium_file(tmp_path: Path, b_yaml: str) -> Path:
    """A config with condominium "a" inline and "b" in condos/b.yaml; returns its path."""
    (tmp_path / "condos").mkdir()
    (tmp_path / "condos" / "b.yaml").write_text(b_yaml)
    cfg = tmp_path / "c.yaml"
    cfg.write_text(
        "condominiums_dir: condos\ncondominiums:\n  a:\n"
        f"    directory: {REPO / 'data/apartamentos.json'}\n"
    )
    return cfg


def test_bad_condominium_file_names_that_file_and_line(tmp_path: Path) -> None:
    cfg = with_condominium_file(tmp_path, "name: B\nresident_call:\n  ring_timeout_s: 1\n")
    with pytest.raises(ConfigError) as err:
        load_config(cfg)
    assert str(err.value).startswith(str(tmp_path / "condos" / "b.yaml"))
    assert (
        "line 3: resident_call.ring_timeout_s: Input should be greater than or equal to 5"
        in str(err.value)
    )


def test_a_condominium_files_missing_directory_is_reported_at_its_line_in_that_file(
    tmp_path: Path,
) -> None:
    cfg = with_condominium_file(tmp_path, "name: Bloco B\ndirectory: data/nao-existe.json\n")
    with pytest.raises(ConfigError) as err:
        load_config(cfg)
    assert (
        f"{tmp_path / 'condos' / 'b.yaml'}: line 2: directory: file data/nao-existe.json"
        " does not exist" in str(err.value)
    ), str(err.value)
    assert "None" not in str(err.value)


def test_condominium_file_is_merged_under_its_file_name(tmp_path: Path) -> None:
    cfg = with_condominium_file(
        tmp_path,
        f"name: Bloco B\ndirectory: {REPO / 'data/jardins.json'}\nphrases:\n  greeting: Oi do B\n",
    )
    s = load_config(cfg)
    assert s.condominiums["b"].phrases.greeting == "Oi do B"


def test_check_config_cli_exit_codes(tmp_path: Path) -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "app.cli", "-c", str(REPO / "config.yaml"), "check-config"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert ok.returncode == 0 and "OK" in ok.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("media:\n  format: slin8\n")
    res = subprocess.run(
        [sys.executable, "-m", "app.cli", "-c", str(bad), "check-config"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert res.returncode == 2 and "line 2: media.format" in res.stderr


def _portaria(
    config: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    import os

    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("AI_API_KEY", "AZURE_SPEECH_KEY", "AZURE_SPEECH_REGION")
    }
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "-c", str(config), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        env={**clean, **(env or {})},
        timeout=60,
    )


def test_check_config_names_every_missing_secret_and_file_on_one_line_each(tmp_path: Path) -> None:
    (tmp_path / "dir.json").write_text('[{"apartment_number": "101", "residents": 3}]')
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text(
        "stt: {backend: azure}\nnlu: {backend: llm}\ntts: {backend: openai}\n"
        "default_condominium: a\ncondominiums:\n  a: {directory: dir.json}\n"
    )
    res = _portaria(cfg, "check-config")
    lines = res.stderr.strip().splitlines()
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr
    assert any("condominiums.a.directory" in ln and "dir.json" in ln for ln in lines), lines
    assert any(ln.startswith(f"{cfg}: stt:") and "AZURE_SPEECH_KEY" in ln for ln in lines), lines
    assert any(ln.startswith(f"{cfg}: tts:") and "AI_API_KEY" in ln for ln in lines), lines
    # The LLM check needs a directory that loads: fix it, and the NLU's missing key shows.
    (tmp_path / "dir.json").write_text(
        '[{"apartment_number": "101", "residents": ["Ana"], "voip_number": "1101"}]'
    )
    again = _portaria(cfg, "check-config").stderr
    assert "nlu:" in again and "AI_API_KEY" in again


def test_run_refuses_a_missing_key_with_one_line_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "dir.json").write_text(
        '[{"apartment_number": "101", "residents": ["Ana"], "voip_number": "1101"}]'
    )
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text(
        "stt: {backend: azure}\ndefault_condominium: a\ncondominiums:\n  a: {directory: dir.json}\n"
        "log: {file: null}\n"
    )
    res = _portaria(cfg, "run")
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert (
        len(lines) == 1 and lines[0].startswith("portaria: ") and "AZURE_SPEECH_KEY" in lines[0]
    ), lines


def test_endpointing_settings_and_the_endpointer_share_knob_names_and_defaults() -> None:
    from dataclasses import fields

    from app.config import EndpointingSettings
    from app.media.endpointing import EndpointerConfig

    knobs = {f.name for f in fields(EndpointerConfig)} - {"sample_rate"}
    settings = EndpointingSettings()
    assert knobs <= set(EndpointingSettings.model_fields)
    assert settings.endpointer(16000) == EndpointerConfig(sample_rate=16000)
    # What the app ran with before the two were one: 60 ms of loud speech interrupts a prompt.
    assert settings.barge_in_frames == 3
    tuned = EndpointingSettings(silence_seconds=0.6, speculative_seconds=0.3, barge_in_frames=5)
    cfg = tuned.endpointer(8000)
    assert (cfg.silence_seconds, cfg.speculative_seconds, cfg.barge_in_frames) == (0.6, 0.3, 5)


def test_speculation_must_start_before_the_end_of_speech(tmp_path: Path) -> None:
    p = tmp_path / "c.yaml"
    p.write_text(
        "condominiums:\n  a:\n    endpointing:\n      silence_seconds: 0.3\n"
        "      speculative_seconds: 0.3\n"
    )
    with pytest.raises(ConfigError, match="speculative_seconds must be >= 0 and less than silence"):
        load_config(p)
