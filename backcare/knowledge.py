"""The knowledge base: answers (topics, massage types, conditions) and the bibliography.

Everything is loaded and validated at once, so a broken file stops the action server at
start-up with a message that names the file and the entry, never at a user's question.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable

from backcare.contract import (
    CONDITION_TOPIC,
    MASSAGE_TYPE_TOPIC,
    PROJECT_ROOT,
    Contract,
    load_contract,
)
from backcare.yamlfile import DataFileError, read_mapping, require_text

KNOWLEDGE_DIR = PROJECT_ROOT / "knowledge"

MAX_ANSWER_WORDS = 120
MAX_EVIDENCE_WORDS = 30
# An answer cites every source its sentences rest on (how_it_works needs six); the compact
# citations stay one short line each in the chat bubble.
MAX_SOURCES = 6
# Clinic settings an answer may pull in (see backcare.clinic.Clinic.placeholders).
ALLOWED_PLACEHOLDERS = frozenset(
    {"clinic_name", "clinic_phone", "booking_url", "website", "opening_hours", "emergency_number"}
)
# Answers about safety must send the user to a clinician and say what to tell the therapist.
CLINICIAN_TOPICS = frozenset({"precautions", "side_effects", "when_to_see_doctor", CONDITION_TOPIC})
CLINICIAN_WORDS = re.compile(r"\b(doctor|GP|clinician|midwife|surgeon|oncolog\w*|prescriber)\b", re.I)
THERAPIST_ADVICE = re.compile(r"\btell (your|the) (massage )?therapist\b", re.I)
# The evidence line starts with one of these labels (then ":" or " for ..."), so readers see
# the same words for the same strength everywhere. Longest first: "Low" must not match "Low to".
EVIDENCE_LEVELS = (
    "Low to very low-quality evidence",
    "High-quality evidence",
    "Moderate-quality evidence",
    "Low-quality evidence",
    "Very low-quality evidence",
    "No direct evidence",
    "Expert guidance",
    "Practical information",
)
_EVIDENCE_LINE = re.compile("^(?:" + "|".join(re.escape(level) for level in EVIDENCE_LEVELS) + r")(?::| for )")
# Answers about symptoms or safety must say when to get help now, in one sentence that names
# both the urgency and where to go (see has_get_help_now).
SAFETY_NET_TOPICS = frozenset(
    {"precautions", "side_effects", "when_to_see_doctor", "book_appointment", CONDITION_TOPIC}
)
_URGENT = re.compile(r"\b(emergency|urgent(ly)?|same day|today|straight away|right away|at once|now)\b", re.I)
_HELP = re.compile(
    r"(\{emergency_number\}|\b(doctor|GP|medical (help|care|advice)|emergency (number|services|care)"
    r"|maternity unit|surgical team|cancer team)\b)",
    re.I,
)
REVIEW_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
SOURCE_KINDS = frozenset({"guideline", "systematic_review", "review", "trial", "cohort", "official_page", "other"})


@dataclass(frozen=True)
class Source:
    key: str
    authors: tuple[str, ...]
    title: str
    venue: str  # journal, or publisher for web pages and guidelines
    year: int | None
    pmid: str | None
    doi: str | None
    url: str | None
    kind: str

    @property
    def link(self) -> str:
        """Where a reader can check the source: official page, PubMed or DOI."""
        if self.url:
            return self.url
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        return f"https://doi.org/{self.doi}"

    @property
    def identifier(self) -> str:
        if self.pmid:
            return f"PMID {self.pmid}"
        if self.doi:
            return f"doi:{self.doi}"
        return ""

    @property
    def short_authors(self) -> str:
        first = self.authors[0]
        if len(self.authors) == 1:
            return first
        # "Furlan AD" -> "Furlan": drop the initials of a personal name.
        surname = first.rsplit(" ", 1)[0] if re.search(r" [A-Z]{1,3}$", first) else first
        return f"{surname} et al."

    def short(self) -> str:
        """Compact form for a chat bubble: 'Furlan et al., Cochrane ... 2015, PMID 26329399'."""
        parts = [self.short_authors, f"{self.venue} {self.year}" if self.year else self.venue]
        if self.identifier:
            parts.append(self.identifier)
        return ", ".join(parts)

    def full(self) -> str:
        """Full citation: authors, title, journal or publisher, year, identifiers."""
        authors = ", ".join(self.authors).rstrip(".")
        text = f"{authors}. {self.title.rstrip('.')}. {self.venue}"
        if self.year:
            text += f", {self.year}"
        ids = [i for i in (self.identifier, f"doi:{self.doi}" if self.doi and self.pmid else "") if i]
        if ids:
            text += ". " + ". ".join(ids)
        return text + "."


@dataclass(frozen=True)
class Entry:
    key: str
    topic: str  # the topic id this answer sets: the key itself, or a detail topic
    title: str
    name: str  # plain-words name used in sentences ("deep tissue massage")
    answer: str
    evidence: str
    sources: tuple[str, ...]
    reviewed: str  # YYYY-MM: when a person last checked this answer against its sources
    next_review: str  # YYYY-MM: when it is due to be checked again

    def review_due(self, today: date) -> bool:
        """True once the month of ``next_review`` has begun."""
        return f"{today:%Y-%m}" >= self.next_review


def has_get_help_now(answer: str) -> bool:
    """True if one sentence of the answer says how urgently to get help and from whom."""
    sentences = re.split(r"(?<=[.!?])\s+", answer)
    return any(_URGENT.search(s) and _HELP.search(s) for s in sentences)


def _review_month(path: Path, key: str, fields: dict[str, Any], name: str) -> str:
    value = fields.get(name)
    if not isinstance(value, str) or not REVIEW_MONTH.match(value):
        raise DataFileError(f"{path}: entry '{key}': '{name}' must be a month written YYYY-MM")
    return value


@dataclass(frozen=True)
class KnowledgeBase:
    topics: dict[str, Entry]
    massage_types: dict[str, Entry]
    conditions: dict[str, Entry]
    sources: dict[str, Source]

    def entries(self) -> Iterable[Entry]:
        yield from self.topics.values()
        yield from self.massage_types.values()
        yield from self.conditions.values()

    def review_due(self, today: date) -> list[Entry]:
        """Entries whose next review month has come, the longest overdue first."""
        return sorted((e for e in self.entries() if e.review_due(today)), key=lambda e: e.next_review)


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _load_sources(path: Path) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    for key, fields in read_mapping(path).items():
        if not isinstance(fields, dict):
            raise DataFileError(f"{path}: entry '{key}' must be a mapping")
        authors = fields.get("authors")
        if not isinstance(authors, list) or not authors or not all(isinstance(a, str) and a.strip() for a in authors):
            raise DataFileError(f"{path}: entry '{key}': 'authors' must be a non-empty list")
        venue = fields.get("journal") or fields.get("publisher")
        if not isinstance(venue, str) or not venue.strip():
            raise DataFileError(f"{path}: entry '{key}': needs 'journal' or 'publisher'")
        year = fields.get("year")
        if year is not None and not isinstance(year, int):
            raise DataFileError(f"{path}: entry '{key}': 'year' must be a whole number")
        pmid, doi, url = (fields.get(k) for k in ("pmid", "doi", "url"))
        if not (pmid or doi or url):
            raise DataFileError(f"{path}: entry '{key}': needs a pmid, doi or url")
        if year is None and not url:
            raise DataFileError(f"{path}: entry '{key}': needs a 'year' (or a url for a web page)")
        if pmid is not None and not re.fullmatch(r"\d{5,9}", str(pmid)):
            raise DataFileError(f"{path}: entry '{key}': 'pmid' must be digits")
        if url is not None and not re.match(r"https?://", str(url)):
            raise DataFileError(f"{path}: entry '{key}': 'url' must start with https:// or http://")
        kind = fields.get("kind")
        if kind not in SOURCE_KINDS:
            raise DataFileError(f"{path}: entry '{key}': 'kind' must be one of {sorted(SOURCE_KINDS)}")
        sources[key] = Source(
            key=key,
            authors=tuple(a.strip() for a in authors),
            title=require_text(path, key, fields, "title"),
            venue=venue.strip(),
            year=year,
            pmid=str(pmid) if pmid else None,
            doi=str(doi) if doi else None,
            url=str(url) if url else None,
            kind=kind,
        )
    return sources


def _load_entries(
    path: Path,
    section: str,
    expected: tuple[str, ...],
    sources: dict[str, Source],
    topic_of: Any,
    needs_name: bool,
) -> dict[str, Entry]:
    raw = read_mapping(path, section)
    unknown = sorted(set(raw) - set(expected))
    if unknown:
        raise DataFileError(f"{path}: unknown entries {unknown} (not in domain.yml)")
    missing = [key for key in expected if key not in raw]
    if missing:
        raise DataFileError(f"{path}: missing entries {missing}")
    entries: dict[str, Entry] = {}
    for key in expected:
        fields = raw[key]
        if not isinstance(fields, dict):
            raise DataFileError(f"{path}: entry '{key}' must be a mapping")
        answer = " ".join(require_text(path, key, fields, "answer").split())
        words = len(answer.split())
        if words > MAX_ANSWER_WORDS:
            raise DataFileError(f"{path}: entry '{key}': answer has {words} words (at most {MAX_ANSWER_WORDS})")
        bad = _placeholders(answer) - ALLOWED_PLACEHOLDERS
        if bad:
            raise DataFileError(f"{path}: entry '{key}': unknown placeholders {sorted(bad)}")
        evidence = require_text(path, key, fields, "evidence")
        if "\n" in evidence or len(evidence.split()) > MAX_EVIDENCE_WORDS:
            raise DataFileError(
                f"{path}: entry '{key}': 'evidence' must be one line of at most {MAX_EVIDENCE_WORDS} words"
            )
        if not _EVIDENCE_LINE.match(evidence):
            raise DataFileError(
                f"{path}: entry '{key}': 'evidence' must start with one of "
                f"{', '.join(EVIDENCE_LEVELS)} (then ':' or ' for ...')"
            )
        cited = fields.get("sources")
        if not isinstance(cited, list) or not 1 <= len(cited) <= MAX_SOURCES:
            raise DataFileError(f"{path}: entry '{key}': 'sources' must list 1-{MAX_SOURCES} keys")
        unknown_sources = [s for s in cited if s not in sources]
        if unknown_sources:
            raise DataFileError(f"{path}: entry '{key}': unknown source keys {unknown_sources}")
        topic = topic_of(key)
        if topic in CLINICIAN_TOPICS and not (CLINICIAN_WORDS.search(answer) and THERAPIST_ADVICE.search(answer)):
            raise DataFileError(
                f"{path}: entry '{key}': a {topic} answer must tell the user to check with a "
                "clinician and what to tell the therapist"
            )
        if topic in SAFETY_NET_TOPICS and not has_get_help_now(answer):
            raise DataFileError(
                f"{path}: entry '{key}': a {topic} answer must say in one sentence when to get "
                "help now (how urgently, and from whom)"
            )
        reviewed = _review_month(path, key, fields, "reviewed")
        next_review = _review_month(path, key, fields, "next_review")
        if next_review <= reviewed:
            raise DataFileError(f"{path}: entry '{key}': 'next_review' must come after 'reviewed'")
        title = require_text(path, key, fields, "title")
        entries[key] = Entry(
            key=key,
            topic=topic,
            title=title,
            name=require_text(path, key, fields, "name") if needs_name else title,
            answer=answer,
            evidence=evidence,
            sources=tuple(cited),
            reviewed=reviewed,
            next_review=next_review,
        )
    return entries


def load_knowledge_base(knowledge_dir: Path = KNOWLEDGE_DIR, contract: Contract | None = None) -> KnowledgeBase:
    """Load and validate every knowledge file; raise DataFileError on the first problem."""
    contract = contract or load_contract()
    sources = _load_sources(knowledge_dir / "sources.yml")
    return KnowledgeBase(
        topics=_load_entries(
            knowledge_dir / "topics.yml",
            "topics",
            contract.knowledge_topics,
            sources,
            topic_of=lambda key: key,
            needs_name=False,
        ),
        massage_types=_load_entries(
            knowledge_dir / "massage_types.yml",
            "massage_types",
            contract.massage_types,
            sources,
            topic_of=lambda key: MASSAGE_TYPE_TOPIC,
            needs_name=True,
        ),
        conditions=_load_entries(
            knowledge_dir / "conditions.yml",
            "conditions",
            contract.health_conditions,
            sources,
            topic_of=lambda key: CONDITION_TOPIC,
            needs_name=True,
        ),
        sources=sources,
    )
