"""Configuration: config.yaml validated into typed settings, secrets from the environment.

Errors name the file, the line and the field (`ConfigError`), so an operator
fixing a gate at night sees exactly what to change. Secrets are never read
from YAML: a `password:` or `api_key:` key in the file is itself an error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from app.errors import ConfigurationError
from app.media.endpointing import EndpointerConfig
from app.media.stt.settings import SttSettings
from app.media.tts.settings import CondominiumVoice, TtsSettings
from app.webhooks.settings import WebhookSettings

SECRET_KEYS = {"password", "api_key", "apikey", "key", "token", "secret", "subscription_key"}


class ConfigError(ConfigurationError):
    """The configuration file is invalid; `problems` holds one line per problem."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self._problems = problems
        super().__init__(f"{path}: invalid configuration\n" + "\n".join(f"  {p}" for p in problems))

    @property
    def problems(self) -> list[str]:
        return self._problems


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AriSettings(_Model):
    url: str = "http://127.0.0.1:8088"
    username: str = "portaria"
    app: str = "portaria"
    # Start the Debian-chroot Asterisk (scripts/sandbox.sh) when `url` is the local default.
    sandbox: bool = True
    # Per REST request. A busy Asterisk answers slowly rather than not at all: giving
    # up sooner fails calls that would have worked (measured in tests/test_soak.py).
    timeout_s: float = Field(10.0, gt=0, le=60)


class MediaSettings(_Model):
    bind_host: str = "127.0.0.1"
    # The address Asterisk connects to (external_host of externalMedia).
    advertise_host: str = "127.0.0.1"
    visitor_port: int = Field(8080, ge=0, le=65535)
    resident_port: int = Field(8081, ge=0, le=65535)
    format: Literal["slin", "slin16"] = "slin"

    @property
    def sample_rate(self) -> int:
        return 16000 if self.format == "slin16" else 8000


class ApiSettings(_Model):
    host: str = "127.0.0.1"
    port: int = Field(8082, ge=0, le=65535)


class LogSettings(_Model):
    level: Literal["debug", "info", "warning", "error"] = "info"
    file: str | None = "logs/portaria.log"


class Phrases(_Model):
    """Everything callers hear. Placeholders in braces are filled by the dialog."""

    greeting: str = "Condomínio Apoena, em que posso ajudar?"
    ask_apartment: str = "Para qual apartamento, por favor?"
    ask_name: str = "Qual é o seu nome, por favor?"
    ask_everything: str = "Por favor, diga o seu nome e o número do apartamento."
    ask_choice: str = "Encontrei {options}. Com quem você quer falar?"
    ask_resident_again: str = "Tudo bem. Qual é o nome do morador, ou o número do apartamento?"
    confirm_match: str = "{resident}, do apartamento {apartment}, certo?"
    # A number understood only by reading it another way ("5001" for "quinhentos e um").
    confirm_apartment: str = "Apartamento {apartment}, certo?"
    apartment_not_found: str = (
        "Não encontrei o apartamento {apartment}. Qual é o número do apartamento?"
    )
    resident_not_found: str = "Não encontrei {name} aqui. Qual é o número do apartamento?"
    didnt_understand: str = "Desculpe, não entendi. Pode repetir?"
    calling_resident: str = "Um momento, vou chamar o morador."
    hold: str = "Só um instante."  # covers a slow recognizer/understanding/voice (hold_after_s)
    still_calling: str = (
        "Ainda estou falando com o morador, aguarde um instante."  # every reassure_every_s
    )
    resident_prompt: str = (
        "Olá morador do apartamento {apartment}! {visitor} está na portaria {purpose}. "
        "Você autoriza a entrada? Responda sim ou não."
    )
    resident_reprompt: str = (
        "Desculpe, não entendi. Responda sim ou não, ou tecle 1 para sim e 2 para não."
    )
    resident_thanks_yes: str = "Entrada autorizada. Obrigado!"
    resident_thanks_no: str = "Entendido, a entrada não será liberada. Obrigado!"
    visitor_authorized: str = "O morador autorizou a entrada. Pode entrar!"
    visitor_denied: str = "Desculpe, o morador não autorizou a entrada."
    visitor_no_answer: str = "O morador não atendeu. Por favor, tente novamente mais tarde."
    visitor_no_decision: str = "Não consegui a autorização do morador. Por favor, tente mais tarde."
    goodbye: str = "Obrigado, até logo."
    keypad_apartment: str = "Digite o número do apartamento e depois a tecla sustenido."
    keypad_name: str = "Agora diga o seu nome, por favor."
    resident_keypad_prompt: str = (
        "Olá morador do apartamento {apartment}! Há um visitante na portaria. Ele disse:"
    )
    resident_keypad_question: str = "Tecle 1 para autorizar a entrada ou 2 para negar."
    purpose_entrega: str = "com uma entrega"
    purpose_visita: str = "para uma visita"
    purpose_servico: str = "para um serviço"
    purpose_unknown: str = "e pede para entrar"
    unknown_visitor: str = "Um visitante"


_EP = EndpointerConfig()  # the endpointer's defaults are the settings' defaults: one set of knobs


class EndpointingSettings(_Model):
    """VAD and end-of-speech (see README "Listening" for the defaults' reasons), then
    turn-taking. The first group is app/media/vad.py's EndpointerConfig, same names and
    defaults (`endpointer()` maps them; the reasons for each default live there)."""

    aggressiveness: int = Field(_EP.aggressiveness, ge=0, le=3)
    energy_threshold_dbfs: float = Field(_EP.energy_threshold_dbfs, le=0)
    start_frames: int = Field(_EP.start_frames, ge=1, le=25)
    silence_seconds: float = Field(_EP.silence_seconds, gt=0.1, le=5)
    min_utterance_seconds: float = Field(_EP.min_utterance_seconds, ge=0, le=5)
    max_utterance_seconds: float = Field(_EP.max_utterance_seconds, gt=1, le=60)
    pre_roll_seconds: float = Field(_EP.pre_roll_seconds, ge=0, le=2)
    guard_seconds: float = Field(_EP.guard_seconds, ge=0, le=3)
    tail_seconds: float = Field(_EP.tail_seconds, ge=0, le=1)
    barge_in_frames: int = Field(_EP.barge_in_frames, ge=1, le=25)
    barge_in_margin_db: float = Field(_EP.barge_in_margin_db, ge=0, le=30)
    # Recognition starts after this much silence and its result is used at the end of
    # the turn (silence_seconds) when no speech resumed; 0: recognize only at the end.
    speculative_seconds: float = Field(_EP.speculative_seconds, ge=0, le=5)
    barge_in_visitor: bool = True
    barge_in_resident: bool = True
    # Turn-taking (README "Turn-taking"). Speech again before our reply has been heard
    # this long is the same turn; joined and recognized once. 0.5 s: nobody answers what
    # they have not heard yet (a reply's first word takes ~0.3 s, a response needs ~0.2 s
    # more), and at 0.3 s a visitor going on 0.6-0.7 s after a full stop was cut in two.
    continuation_seconds: float = Field(0.5, ge=0, le=2)
    # ... as long as it starts within this of the previous fragment's end.
    continuation_max_gap_seconds: float = Field(2.0, ge=0, le=10)
    # A fragment that ends like an unfinished sentence ("aqui é o", "para o,") waits this
    # long for more speech before we reply.
    unfinished_wait_seconds: float = Field(1.0, ge=0, le=5)

    @model_validator(mode="after")
    def _endpointer_accepts(self) -> EndpointingSettings:
        self.endpointer(8000)  # its own checks (speculative < silence, ...) as config errors
        return self

    def endpointer(self, sample_rate: int) -> EndpointerConfig:
        """The endpointer's config for a leg at `sample_rate`: the one place they are mapped."""
        knobs = [f.name for f in fields(EndpointerConfig) if f.name != "sample_rate"]
        return EndpointerConfig(sample_rate=sample_rate, **{k: getattr(self, k) for k in knobs})


class ResidentCallSettings(_Model):
    # {number} is the directory's voip_number; e.g. PJSIP/{number} or Local/{number}@residents.
    endpoint_template: str = "PJSIP/{number}"
    caller_id: str = "Portaria <100>"
    ring_timeout_s: int = Field(30, ge=5, le=120)
    silence_timeout_s: float = Field(45.0, gt=0)


class GateAction(_Model):
    # dtmf: sent on the visitor's channel (SIP door phones open on a DTMF code);
    # http: POST to url; none: only tell the visitor.
    type: Literal["dtmf", "http", "none"] = "dtmf"
    dtmf: str = Field("#9", pattern=r"^[0-9A-D*#]{1,16}$")
    url: str | None = None
    timeout_s: float = Field(3.0, gt=0, le=30)


class NluSettings(_Model):
    # rules: embedded extractor. llm: rules first, an OpenAI-compatible model when unsure.
    backend: Literal["rules", "llm"] = "rules"
    base_url: str = "https://api.openai.com/v1"
    model: str = "gpt-4o-mini"
    timeout_s: float = Field(2.5, gt=0, le=30)
    confidence_threshold: float = Field(0.6, ge=0, le=1)


class CondominiumSettings(_Model):
    name: str = "Condomínio Apoena"
    directory: str = "data/apartamentos.json"
    phrases: Phrases = Field(default_factory=Phrases)
    # Kokoro voice, speed and number reading for this building (default: the tts: section's).
    voice: CondominiumVoice = Field(default_factory=CondominiumVoice)
    endpointing: EndpointingSettings = Field(default_factory=EndpointingSettings)
    resident_call: ResidentCallSettings = Field(default_factory=ResidentCallSettings)
    gate: GateAction = Field(default_factory=GateAction)
    fuzzy_threshold: float = Field(75.0, ge=0, le=100)
    # Seconds of visitor silence before asking again; after max_visitor_turns, give up politely.
    visitor_silence_timeout_s: float = Field(8.0, gt=0)
    max_visitor_turns: int = Field(6, ge=1, le=20)
    # STT failures in a row before switching the visitor to the keypad.
    stt_failures_to_keypad: int = Field(2, ge=1)
    # Seconds of silence after the caller's turn before "Só um instante." covers a slow
    # backend (repeated up to 3 times); 0 turns it off. Keeps dead air under ~2 s.
    hold_after_s: float = Field(2.0, ge=0, le=10)
    # While the resident's phone rings and they decide, the visitor hears `still_calling`
    # this often (0: never), so a long wait never sounds like a dead line.
    reassure_every_s: float = Field(12.0, ge=0, le=60)
    # Seconds after which any session of this condominium is ended, whatever its state.
    session_timeout_s: float = Field(300.0, gt=0)
    # Voice recordings (LGPD: off unless the building has a purpose for them): "decision"
    # keeps the resident's deciding answer, "call" both legs whole. Saved compressed next
    # to the record store, readable by the service user only, deleted after the retention.
    recording: Literal["none", "decision", "call"] = "none"
    recording_retention_days: int = Field(30, ge=1, le=3650)


class AuditSettings(_Model):
    # The embedded store: one SQLite file (relative to the config file's folder).
    path: str = "data/audit.sqlite3"
    # A fleet's shared store instead: postgresql://user@host:5432/db (password from
    # PORTARIA_AUDIT_PASSWORD, never here). Same schema and `portaria audit` on both.
    url: str | None = None
    # Where call recordings go (when a condominium records), relative to the config's folder.
    recordings_dir: str = "data/recordings"

    @field_validator("url")
    @classmethod
    def _check_url(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith(("postgresql://", "postgres://")):
            raise ValueError(f"{v!r} is not a PostgreSQL URL (postgresql://user@host/db)")
        return v


class Settings(_Model):
    ari: AriSettings = Field(default_factory=AriSettings)
    media: MediaSettings = Field(default_factory=MediaSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    tts: TtsSettings = Field(default_factory=TtsSettings)
    stt: SttSettings = Field(default_factory=SttSettings)
    nlu: NluSettings = Field(default_factory=NluSettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)
    log: LogSettings = Field(default_factory=LogSettings)
    webhooks: WebhookSettings = Field(default_factory=WebhookSettings)
    # Simultaneous visitor calls; more are refused at once (ARI hangup, cause congestion)
    # rather than letting an overloaded Asterisk fail every call (see README, capacity).
    max_calls: int = Field(50, ge=1, le=10_000)
    default_condominium: str = "apoena"
    # Folder of per-condominium files (<key>.yaml, each one condominium's settings),
    # merged with `condominiums:` below; relative to the config file.
    condominiums_dir: str | None = None
    condominiums: dict[str, CondominiumSettings] = Field(
        default_factory=lambda: {"apoena": CondominiumSettings()}
    )

    @field_validator("condominiums")
    @classmethod
    def _some_condominium(cls, v: dict[str, CondominiumSettings]) -> dict[str, CondominiumSettings]:
        if not v:
            raise ValueError("at least one condominium is required")
        return v

    def condominium(self, key: str | None) -> tuple[str, CondominiumSettings]:
        """The condominium a Stasis argument names, or the default one."""
        if key and key in self.condominiums:
            return key, self.condominiums[key]
        k = (
            self.default_condominium
            if self.default_condominium in self.condominiums
            else next(iter(self.condominiums))
        )
        return k, self.condominiums[k]


@dataclass(frozen=True)
class Secrets:
    """Read from the environment only; never logged (repr hides them)."""

    ari_password: str
    api_token: str | None
    webhook_secret: str | None = None

    def __repr__(self) -> str:
        return "Secrets(***)"

    @classmethod
    def from_env(cls) -> Secrets:
        return cls(
            ari_password=os.environ.get("PORTARIA_ARI_PASSWORD", "portaria"),
            api_token=os.environ.get("PORTARIA_API_TOKEN") or None,
            webhook_secret=os.environ.get("PORTARIA_WEBHOOK_SECRET") or None,
        )


def _line_of(root: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    node = root
    line = None if node is None else node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if k.value == str(part)), None)
            if nxt is None:
                break
            node = nxt
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
        else:
            break
        line = node.start_mark.line + 1
    return line


def _secret_keys(node: yaml.Node | None, path: str = "") -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            p = f"{path}.{k.value}" if path else str(k.value)
            if str(k.value).lower() in SECRET_KEYS:
                found.append((p, k.start_mark.line + 1))
            found.extend(_secret_keys(v, p))
    return found


def parse_config(text: str, source: str = "config.yaml") -> Settings:
    try:
        root = yaml.compose(text)
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ConfigError(
            source, [f"{where}not valid YAML: {getattr(exc, 'problem', exc)}"]
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            source, [f"line 1: the top level must be a mapping, not {type(data).__name__}"]
        )
    problems = [
        f"line {line}: {path}: secrets are not read from the file; use the environment (see README)"
        for path, line in _secret_keys(root)
    ]
    if problems:
        raise ConfigError(source, problems)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            field = ".".join(str(p) for p in loc) or "(top level)"
            line = _line_of(root, loc)
            where = f"line {line}: " if line else ""
            problems.append(f"{where}{field}: {err['msg']}")
        raise ConfigError(source, problems) from None


def _read(p: Path) -> str:
    try:
        return p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(str(p), [f"cannot read the file: {exc.strerror}"]) from None


def _load_condominium_file(p: Path) -> CondominiumSettings:
    text = _read(p)
    try:
        root = yaml.compose(text)
        data: Any = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ConfigError(
            str(p), [f"{where}not valid YAML: {getattr(exc, 'problem', exc)}"]
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(str(p), ["line 1: a condominium file must be a mapping"])
    secrets = _secret_keys(root)
    if secrets:
        raise ConfigError(
            str(p),
            [f"line {line}: {path}: secrets are not read from files" for path, line in secrets],
        )
    try:
        return CondominiumSettings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(
            str(p),
            [
                f"line {_line_of(root, tuple(e['loc']))}: "
                f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}"
                for e in exc.errors()
            ],
        ) from None


def load_config(path: str | Path) -> Settings:
    p = Path(path)
    text = _read(p)
    settings = parse_config(text, str(p))
    problems = []
    base = p.parent
    if settings.condominiums_dir:
        folder = Path(settings.condominiums_dir)
        folder = folder if folder.is_absolute() else base / folder
        if not folder.is_dir():
            line = _line_of(yaml.compose(text), ("condominiums_dir",))
            raise ConfigError(
                str(p), [f"line {line}: condominiums_dir: folder {folder} does not exist"]
            )
        extra: dict[str, CondominiumSettings] = {}
        for f in sorted(folder.glob("*.yaml")):
            if f.stem in settings.condominiums:
                raise ConfigError(str(f), [f"condominium {f.stem!r} is also defined in {p}"])
            condo = _load_condominium_file(f)
            # Relative paths inside a condominium file are relative to the main config.
            extra[f.stem] = condo
        settings = settings.model_copy(update={"condominiums": {**settings.condominiums, **extra}})
    for key, condo in settings.condominiums.items():
        d = Path(condo.directory)
        if not (d if d.is_absolute() else base / d).exists():
            line = _line_of(yaml.compose(text), ("condominiums", key, "directory"))
            problems.append(
                f"line {line}: condominiums.{key}.directory: file {condo.directory} does not exist"
            )
    if problems:
        raise ConfigError(str(p), problems)
    return settings
