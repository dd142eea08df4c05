"""Turning knowledge-base entries and sources into chat text for a channel."""

from __future__ import annotations

from typing import Iterable
from urllib.parse import urlparse

from backcare.clinic import Clinic
from backcare.knowledge import Entry, KnowledgeBase, Source

# Channels whose clients render markdown links (the web widget over socket.io).
LINK_CHANNELS = frozenset({"socketio"})


def shows_links(channel: str | None) -> bool:
    return channel in LINK_CHANNELS


def cite(source: Source, links: bool) -> str:
    """Compact citation; a markdown link only where the channel renders one."""
    return f"[{source.short()}]({source.link})" if links else source.short()


def sources_line(keys: Iterable[str], kb: KnowledgeBase, links: bool) -> str:
    return "; ".join(cite(kb.sources[key], links) for key in keys)


def render_answer(entry: Entry, kb: KnowledgeBase, clinic: Clinic, links: bool) -> str:
    """Answer, one line on the strength of the evidence, then its sources."""
    answer = entry.answer.format(**clinic.placeholders())
    # Markdown needs two trailing spaces for a line break; plain channels just a newline.
    newline = "  \n" if links else "\n"
    return f"{answer}{newline}Evidence: {entry.evidence}{newline}Sources: {sources_line(entry.sources, kb, links)}"


# Sites named in link texts; any other site is named by its address.
SITE_NAMES = {"pubmed.ncbi.nlm.nih.gov": "PubMed"}


def link_name(source: Source) -> str:
    """Where a link goes, for people who hear or skim links out of context:
    'Furlan et al. 2015 on PubMed', 'NICE 2016 on nice.org.uk'."""
    host = urlparse(source.link).hostname or source.link
    site = SITE_NAMES.get(host, host.removeprefix("www."))
    who = f"{source.short_authors} {source.year}" if source.year else source.short_authors
    return f"{who} on {site}"


def render_full_citations(keys: Iterable[str], kb: KnowledgeBase, links: bool) -> str:
    """A numbered list, one source per line, each ending with where to read it (on the
    web a link named after the source and the site)."""
    lines = []
    for number, key in enumerate(keys, start=1):
        source = kb.sources[key]
        where = f"[{link_name(source)}]({source.link})" if links else source.link
        lines.append(f"{number}. {source.full()} {where}")
    return "\n".join(lines)
