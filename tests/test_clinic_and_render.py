"""Clinic settings and how answers and citations are rendered for each channel."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from backcare.clinic import DEFAULT_CLINIC_PATH, load_clinic
from backcare.colours import contrast_ratio
from backcare.knowledge import load_knowledge_base
from backcare.render import render_answer, render_full_citations
from backcare.yamlfile import DataFileError


def test_demo_clinic_is_fictional_and_complete() -> None:
    clinic = load_clinic()
    assert "demo" in clinic.name.lower()
    assert clinic.booking_url.startswith("https://") and ".example." in clinic.booking_url
    assert "*" not in clinic.allowed_origins


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("clinic:\n  name: X\n", "'phone' is missing or empty"),
        ("clinic: [1, 2]\n", "'clinic' must be a non-empty mapping"),
        ("nothing: here\n", "expected a top-level 'clinic:' section"),
        (
            "clinic:\n  name: X\n  phone: '1'\n  booking_url: ftp://x\n  website: https://x.org\n"
            "  opening_hours: '9-5'\n  emergency_number: '112'\n",
            "'booking_url' must be an http(s) URL",
        ),
        (
            "clinic:\n  name: X\n  phone: '1'\n  booking_url: https://x.org/b\n  website: https://x.org\n"
            "  opening_hours: '9-5'\n  emergency_number: '112'\n  allowed_origins: ['*']\n",
            "no '*'",
        ),
    ],
)
def test_bad_clinic_settings_fail_with_a_clear_message(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "clinic.yml"
    path.write_text(text)
    with pytest.raises(DataFileError, match=str(path)) as error:
        load_clinic(path)
    assert message in str(error.value)


def test_missing_clinic_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="file not found"):
        load_clinic(tmp_path / "nope.yml")


def test_answer_has_evidence_line_and_compact_sources() -> None:
    kb, clinic = load_knowledge_base(), load_clinic()
    text = render_answer(kb.topics["effectiveness"], kb, clinic, links=False)
    assert kb.topics["effectiveness"].answer in text
    assert "\nEvidence: " in text
    assert "Furlan et al., Cochrane Database Syst Rev 2015, PMID 26329399" in text
    assert "](" not in text  # no markdown for plain-text channels


def test_web_answer_links_each_source_to_its_record() -> None:
    kb, clinic = load_knowledge_base(), load_clinic()
    text = render_answer(kb.topics["effectiveness"], kb, clinic, links=True)
    assert (
        "[Furlan et al., Cochrane Database Syst Rev 2015, PMID 26329399](https://pubmed.ncbi.nlm.nih.gov/26329399/)"
        in text
    )


def test_booking_answer_uses_the_clinic_settings() -> None:
    kb, clinic = load_knowledge_base(), load_clinic()
    text = render_answer(kb.topics["book_appointment"], kb, clinic, links=False)
    assert clinic.booking_url in text and clinic.phone in text and clinic.name in text
    assert "{" not in text


def test_full_citation_lists_authors_title_journal_year_and_link() -> None:
    kb = load_knowledge_base()
    text = render_full_citations(["Cherkin2011"], kb, links=False)
    assert text.startswith("1. Cherkin DC, Sherman KJ")
    assert "Ann Intern Med, 2011" in text and "PMID 21727288" in text
    assert text.endswith("https://pubmed.ncbi.nlm.nih.gov/21727288/")


def test_web_citations_are_one_numbered_line_each_with_links_named_after_the_source() -> None:
    kb = load_knowledge_base()
    keys = ["NICE-NG59", "Furlan2015", "Cherkin2011"]
    lines = render_full_citations(keys, kb, links=True).split("\n")
    assert [line.split(". ", 1)[0] for line in lines] == ["1", "2", "3"]
    names = [re.findall(r"\[([^\]]+)\]\((https://[^)]+)\)", line) for line in lines]
    assert [len(found) for found in names] == [1, 1, 1]  # one link per source, on its line
    assert names[1][0] == ("Furlan et al. 2015 on PubMed", "https://pubmed.ncbi.nlm.nih.gov/26329399/")
    assert len({name for [(name, _)] in names}) == 3  # no two links share a name
    assert all("Read it" not in line for line in lines)


def _clinic_with(tmp_path: Path, **changes: str) -> Path:
    settings = yaml.safe_load(DEFAULT_CLINIC_PATH.read_text())
    settings["clinic"].update(changes)
    path = tmp_path / "clinic.yml"
    path.write_text(yaml.safe_dump(settings))
    return path


def test_widget_colours_come_from_the_clinic_and_must_be_readable(tmp_path: Path) -> None:
    clinic = load_clinic(_clinic_with(tmp_path, brand_colour="#5b2a86", brand_text_colour="#ffffff"))
    assert (clinic.brand_colour, clinic.brand_text_colour) == ("#5b2a86", "#ffffff")
    with pytest.raises(DataFileError, match=r"contrast of 1\.8:1; it must be at least 4\.5:1"):
        load_clinic(_clinic_with(tmp_path, brand_colour="#ffb000", brand_text_colour="#ffffff"))
    with pytest.raises(DataFileError, match="'brand_colour' must be a colour"):
        load_clinic(_clinic_with(tmp_path, brand_colour="teal"))


def test_contrast_ratio_matches_wcag_reference_values() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#1f6f78", "#ffffff") >= 4.5
