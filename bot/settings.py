"""Settings: one model read from the environment and `.env` (see `.env.example`)."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import re

from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from messaging.limits import Rates

DEFAULT_FIELDS = [
    "Sản xuất kinh doanh",
    "An toàn vệ sinh lao động, môi trường",
    "Cải cách hành chính, quản lý điều hành",
    "Giáo dục - đào tạo",
    "Y tế",
    "Chuyển đổi số",
    "Hoạt động công đoàn",
    "Vì cộng đồng",
    "Khác",
]

DEFAULT_TARGET_GROUPS = [
    "Công nhân lao động khu vực doanh nghiệp",
    "Cán bộ, viên chức, người lao động đơn vị sự nghiệp",
    "Cán bộ, công chức cơ quan hành chính",
    "Cán bộ công đoàn",
    "Khác",
]


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def http_url(value: str) -> str:
    if not re.match(r"https?://[^/\s]+", value):
        raise ValueError("must start with http:// or https:// and name a host")
    return value.rstrip("/")


class ExtraBot(BaseModel):
    """One more bot of the deployment (say, a provincial federation's), serving one unit's subtree."""

    name: str = Field(pattern=r"^[a-z0-9]{1,10}$")  # its chats, people and messages are kept as "<platform>-<name>"
    platform: Literal["telegram", "zalo"] = "telegram"
    token: SecretStr
    unit: str  # the code of the unit whose subtree it serves
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    api_url: str | None = None  # the platform's API (default: TELEGRAM_API_URL or ZALO_API_URL)

    @field_validator("api_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return None if value is None else http_url(value)

    @property
    def channel(self) -> str:
        return f"{self.platform}-{self.name}"


class Settings(BaseSettings):
    # hide_input_in_errors: a refused setting must not print the other values (tokens) with it.
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", hide_input_in_errors=True)

    database_url: str = "sqlite+aiosqlite:///./sangkien.db"
    default_locale: str = "vi"
    timezone: str = "Asia/Ho_Chi_Minh"
    log_level: str = "INFO"

    initiative_fields: list[str] = Field(default_factory=lambda: list(DEFAULT_FIELDS))
    target_groups: list[str] = Field(default_factory=lambda: list(DEFAULT_TARGET_GROUPS))
    resume_prompt_after_minutes: int = Field(default=60, ge=1)

    # Officers and the support team.
    duplicate_threshold: int = Field(default=80, ge=50, le=100)
    invite_lifetime_days: int = Field(default=7, ge=1, le=90)
    help_escalate_after_minutes: int = Field(default=240, ge=5)

    # Pushes: daily figures, campaigns, draft nudges (local times in TIMEZONE).
    daily_push_time: str = "08:00"
    quiet_hours: str = "21:00-07:00"
    nudge_after_hours: int = Field(default=24, ge=1)
    nudge_again_after_days: int = Field(default=3, ge=1)
    scheduler_leader_retry_seconds: float = Field(default=15.0, gt=0, le=60)
    # Charts, exports and forms the bot made are deleted this many days after (daily, at 03:30).
    generated_files_retention_days: int = Field(default=30, ge=1)

    # The platforms' limits the sender keeps to (messages; a 429 still waits as told).
    telegram_messages_per_second: float = Field(default=30.0, gt=0)
    telegram_chat_interval_seconds: float = Field(default=1.0, ge=0)
    telegram_group_messages_per_minute: int = Field(default=20, ge=1)
    zalo_messages_per_second: float = Field(default=10.0, gt=0)
    zalo_chat_interval_seconds: float = Field(default=1.0, ge=0)
    zalo_group_messages_per_minute: int = Field(default=20, ge=1)

    # Channels (the Telegram and Zalo channels read these; with no token the terminal chat runs).
    telegram_bot_token: SecretStr | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    zalo_bot_token: SecretStr | None = None
    zalo_webhook_url: str | None = None
    zalo_webhook_secret: SecretStr | None = None
    zalo_api_url: str = "https://bot-api.zaloplatforms.com"
    zalo_bot_link: str | None = None  # where a worker opens the Zalo bot: campaign news and the Zalo QR poster name it
    bots: list[ExtraBot] = Field(default_factory=list)  # BOTS: a JSON list, see README "Several bots"
    # Files people send (voice notes, photos, documents): the bot keeps its own copy under DATA_DIR/files.
    data_dir: str = "./data"
    max_file_mb: int = Field(default=20, ge=1, le=2000)
    # Voice notes heard as words on this machine (bot/hearing, docs/voice.md): off unless an engine is named.
    voice_engine: Literal["off", "faster-whisper", "viet-asr"] = "off"
    voice_model_dir: str = ""  # faster-whisper: a folder with a CTranslate2 Whisper model (model.bin, ...)
    voice_threads: int = Field(default=2, ge=1, le=64)  # CPU threads the engine uses
    voice_max_seconds: int = Field(default=120, ge=5, le=1800)  # a longer note: only its start is heard
    webhook_host: str = "0.0.0.0"
    webhook_port: int = 8080
    public_base_url: str | None = None
    # Bounds on waiting (seconds), so that a database or a client that hangs is answered in bounded time.
    database_connect_timeout_seconds: float = Field(default=5.0, gt=0, le=300)
    database_statement_timeout_seconds: float = Field(default=30.0, ge=0, le=3600)  # PostgreSQL; 0: none
    database_pool_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    database_pool_size: int = Field(default=20, ge=1, le=500)  # PostgreSQL connections kept open per process
    webhook_timeout_seconds: float = Field(default=45.0, gt=0, le=600)  # a call's work; then 503, sent again
    webhook_read_timeout_seconds: float = Field(default=10.0, gt=0, le=300)  # a request's head, its body
    webhook_idle_timeout_seconds: float = Field(default=30.0, gt=0, le=3600)  # a kept-alive connection
    health_check_timeout_seconds: float = Field(default=5.0, gt=0, le=60)

    @field_validator("database_url")
    @classmethod
    def _usable_database(cls, value: str) -> str:
        from storage.problems import url_problem

        problem = url_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"{value!r} is no log level: use one of {', '.join(LOG_LEVELS)}")
        return level

    @field_validator("initiative_fields", "target_groups")
    @classmethod
    def _choices(cls, value: list[str]) -> list[str]:
        """A worker picks one of them: an empty list, or an empty choice, would leave the step with no answer."""
        choices = [choice.strip() for choice in value]
        if not choices or not all(choices):
            raise ValueError('a JSON list of one or more non-empty texts, e.g. ["Y tế", "Khác"]')
        return choices

    @field_validator("default_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in ("vi", "en"):
            raise ValueError("DEFAULT_LOCALE must be 'vi' or 'en'")
        return value

    @field_validator("telegram_api_url", "zalo_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return http_url(value)

    @field_validator("zalo_bot_link")
    @classmethod
    def _optional_http_url(cls, value: str | None) -> str | None:
        return http_url(value) if value else None

    @field_validator("daily_push_time")
    @classmethod
    def _clock_time(cls, value: str) -> str:
        from messaging.quiet import parse_time

        return parse_time(value).strftime("%H:%M")

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        from messaging.quiet import QuietHours

        return str(QuietHours.parse(value))

    @model_validator(mode="after")
    def _push_outside_quiet_hours(self) -> "Settings":
        from messaging.quiet import QuietHours, parse_time

        if QuietHours.parse(self.quiet_hours).holds(parse_time(self.daily_push_time)):
            raise ValueError("DAILY_PUSH_TIME falls in QUIET_HOURS: the daily figures would never go out on time")
        return self

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, ModuleNotFoundError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @model_validator(mode="after")
    def _webhook_needs_a_secret(self) -> "Settings":
        if self.telegram_webhook_url:
            secret = self.telegram_webhook_secret.get_secret_value() if self.telegram_webhook_secret else ""
            if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
                raise ValueError("TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET: 1-256 of A-Z a-z 0-9 _ -")
        if self.zalo_webhook_url:
            secret = self.zalo_webhook_secret.get_secret_value() if self.zalo_webhook_secret else ""
            if not 8 <= len(secret) <= 256:
                raise ValueError("ZALO_WEBHOOK_URL needs ZALO_WEBHOOK_SECRET of 8 to 256 characters")
        return self

    @model_validator(mode="after")
    def _bots_apart(self) -> "Settings":
        names = [bot.name for bot in self.bots]
        if len(set(names)) != len(names):
            raise ValueError("BOTS: each bot needs a name of its own")
        paths = [urlsplit(s.telegram_webhook_url or s.zalo_webhook_url).path or "/" for _, s in self.each_bot()
                 if s.telegram_webhook_url or s.zalo_webhook_url]
        if len(set(paths)) != len(paths):
            raise ValueError("BOTS: each bot's webhook URL needs a path of its own (they share one server)")
        return self

    def each_bot(self) -> list[tuple[str, "Settings"]]:
        """Each bot's channel and the settings it runs with: the main ones (TELEGRAM_BOT_TOKEN, ZALO_BOT_TOKEN)
        as they are, each of BOTS as a copy with its own token, webhook and API. Each keeps the limits alone."""
        main = []
        if self.telegram_bot_token is not None:
            main.append(("telegram", self._only("telegram")))
        if self.zalo_bot_token is not None:
            main.append(("zalo", self._only("zalo")))
        return main + [(bot.channel, self._for(bot)) for bot in self.bots]

    def _only(self, platform: str, **values) -> "Settings":
        """A copy with one bot: the other platform's token and webhook taken out."""
        other = "zalo" if platform == "telegram" else "telegram"
        return self.model_copy(update={f"{other}_bot_token": None, f"{other}_webhook_url": None, "bots": [], **values})

    def _for(self, bot: ExtraBot) -> "Settings":
        values = {f"{bot.platform}_bot_token": bot.token, f"{bot.platform}_webhook_url": bot.webhook_url,
                  f"{bot.platform}_webhook_secret": bot.webhook_secret}
        if bot.api_url:
            values[f"{bot.platform}_api_url"] = bot.api_url
        copy = self._only(bot.platform, **values)
        copy._webhook_needs_a_secret()  # a copy is not validated again
        return copy

    @property
    def channel_units(self) -> dict[str, str]:
        """Each extra bot's channel and the unit code whose subtree it serves (the main bots serve every unit)."""
        return {bot.channel: bot.unit for bot in self.bots}

    @property
    def secrets(self) -> list[str]:
        """Values that must never reach a log line."""
        values = [self.telegram_bot_token, self.telegram_webhook_secret, self.zalo_bot_token, self.zalo_webhook_secret]
        values += [secret for bot in self.bots for secret in (bot.token, bot.webhook_secret)]
        return [v.get_secret_value() for v in values if v is not None and v.get_secret_value()]

    def rates(self, platform: str) -> Rates:
        """A platform's sending limits (telegram or zalo), for its channel's `Limits`."""
        return Rates(getattr(self, f"{platform}_messages_per_second"), getattr(self, f"{platform}_chat_interval_seconds"),
                     getattr(self, f"{platform}_group_messages_per_minute"))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def has_platform_token(self) -> bool:
        return self.telegram_bot_token is not None or self.zalo_bot_token is not None or bool(self.bots)

    @property
    def needs_webhook_server(self) -> bool:
        zalo_needs_it = bool(self.zalo_bot_token and (self.zalo_webhook_url or self.public_base_url))
        main = bool(self.telegram_bot_token and self.telegram_webhook_url) or zalo_needs_it
        main = main or bool(self.has_platform_token and self.public_base_url)  # the links to kept files and exports
        return main or any(bot.needs_webhook_server for bot in map(self._for, self.bots))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
