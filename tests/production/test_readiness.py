import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from markdown.extensions.toc import slugify

from production.readiness import (
    BANDS,
    ITEMS,
    RUBRIC,
    SECTIONS,
    Answer,
    ChecklistError,
    Link,
    band,
    load_checklist,
    main,
    parse_checklist,
    read_checklist,
    rubric_markdown,
    score,
    to_text,
)
from tests.paths import DOCS, ROOT, SNIPPETS

CHURN = SNIPPETS / "production" / "churn_readiness.yaml"
FRAGMENT = DOCS / "production" / "generated" / "readiness-rubric.md"
REGENERATE = (
    "PYTHONPATH=snippets .venv/bin/python -m production.readiness"
    " snippets/production/churn_readiness.yaml --markdown"
    f" > {FRAGMENT.relative_to(ROOT)}"
)


def document(default: object = "no", **answers: object) -> dict:
    """A complete checklist document; keyword arguments set single answers."""
    doc = {section: {} for section in SECTIONS}
    for item in RUBRIC:
        doc[item.section][item.id] = answers.get(item.id.replace("-", "_"), default)
    return doc


def yaml_text(doc: dict) -> str:
    lines = []
    for section, answers in doc.items():
        lines.append(f"{section}:")
        lines += [f"  {test_id}: {value}" for test_id, value in answers.items()]
    return "\n".join(lines) + "\n"


# The rubric


def test_the_rubric_has_seven_tests_in_each_of_four_sections():
    assert len(RUBRIC) == 28
    for section in SECTIONS:
        ids = [item.id for item in RUBRIC if item.section == section]
        assert ids == [f"{section}-{n}" for n in range(1, 8)]


def test_every_test_links_somewhere_and_says_what_the_guide_leaves_out():
    for item in RUBRIC:
        assert item.links, item.id
        if all(link.external for link in item.links):
            assert item.gap, f"{item.id} links only outside the guide but names no gap"


def headings(page: Path) -> set[str]:
    """The anchors of a page's Markdown headings, outside code blocks."""
    text = re.sub(
        r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.S | re.M
    )
    found = re.findall(r"^#{1,6} (.+?)\s*$", text, flags=re.M)
    return {slugify(title, "-") for title in found}


def test_every_link_into_the_guide_reaches_a_page_and_anchor_that_exist():
    internal = {ln.target for item in RUBRIC for ln in item.links if not ln.external}
    broken = []
    for target in sorted(internal):
        path, _, anchor = target.partition("#")
        page = DOCS / path
        if not page.is_file():
            broken.append(f"{target}: no page docs/{path}")
        elif anchor and anchor not in headings(page):
            broken.append(f"{target}: no heading with this anchor")
    assert broken == []


def test_outside_links_are_https():
    links = [ln for item in RUBRIC for ln in item.links]
    assert Link("x", "https://example.org").external
    assert not Link("x", "capstone/tests.md").external
    assert all(ln.external == ln.target.startswith("https://") for ln in links)
    assert not any(ln.target.startswith("http://") for ln in links)


# Bands: the 2017 boundaries, each side of each one


@pytest.mark.parametrize(
    ("points", "name"),
    [
        (0.0, "research project"),
        (1e-9, "not totally untested"),
        (0.5, "not totally untested"),
        (1.0, "not totally untested"),
        (1.0 + 1e-9, "first pass at productionization"),
        (1.5, "first pass at productionization"),
        (2.0, "first pass at productionization"),
        (2.0 + 1e-9, "reasonably tested"),
        (2.5, "reasonably tested"),
        (3.0, "reasonably tested"),
        (3.0 + 1e-9, "strong automated testing"),
        (3.5, "strong automated testing"),
        (5.0, "strong automated testing"),
        (5.0 + 1e-9, "exceptional"),
        (5.5, "exceptional"),
        (7.0, "exceptional"),
    ],
)
def test_band_boundaries_are_the_2017_ones(points, name):
    assert band(points).name == name


@pytest.mark.parametrize("points", [-0.5, 7.5, math.nan])
def test_a_score_no_checklist_can_give_is_refused(points):
    with pytest.raises(ValueError, match="a score is between 0 and 7"):
        band(points)


def test_band_names_the_band_a_final_score_falls_in():
    # Was the example in the module's docstring.
    names = [band(points).name for points in (0.0, 1.0, 1.5)]
    assert names == [
        "research project",
        "not totally untested",
        "first pass at productionization",
    ]


def test_bands_are_ordered_and_end_open():
    uppers = [b.upper for b in BANDS]
    assert uppers == sorted(uppers)
    assert uppers[-1] == math.inf


# Scoring


def test_automated_is_one_point_manual_half_no_nothing():
    answers = parse_checklist(document(data_1="automated", data_2="manual"))
    assert [answers[i].points for i in ("data-1", "data-2", "data-3")] == [1, 0.5, 0]


def test_sections_add_up_and_the_final_score_is_their_minimum():
    doc = document("automated", model_1="manual", model_2="no", infra_3="manual")
    result = score(parse_checklist(doc))
    points = {s.section: s.points for s in result.sections}
    assert points == {"data": 7.0, "model": 5.5, "infra": 6.5, "monitor": 7.0}
    assert result.final == 5.5
    assert result.band.name == "exceptional"
    assert result.weakest == ("model",)


def test_one_weak_section_holds_back_an_otherwise_strong_system():
    doc = document("automated")
    doc["monitor"] = dict.fromkeys(doc["monitor"], "no")
    result = score(parse_checklist(doc))
    assert result.final == 0
    assert result.band.name == "research project"


def test_ties_name_every_weakest_section():
    result = score(parse_checklist(document("manual")))
    assert result.final == 3.5
    assert result.weakest == tuple(SECTIONS)
    counts = {(s.automated, s.manual, s.not_done) for s in result.sections}
    assert counts == {(0, 7, 0)}


def test_text_report_shows_each_section_the_score_and_what_limits_it():
    text = to_text(score(parse_checklist(document("automated", data_1="manual"))))
    lines = text.splitlines()
    assert lines[0].split() == [
        "Section",
        "Points",
        "Automated",
        "Manual",
        "Not",
        "done",
    ]
    assert lines[1].split() == ["Data", "6.5", "6", "1", "0"]
    assert lines[3].split() == ["ML", "infrastructure", "7.0", "7", "0", "0"]
    assert lines[5].startswith("ML Test Score: 6.5 of 7 (exceptional:")
    assert lines[6] == "Limited by: Data"


# Validation: every mistake is named, nothing is ignored


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("model"), "missing section 'model'"),
        (lambda d: d.update(modell={}), "unknown section 'modell'"),
        (lambda d: d.update(data=["data-1"]), "data: expected a mapping of test IDs"),
        (lambda d: d["data"].pop("data-6"), "data: missing data-6"),
        (lambda d: d["data"].update({"data-8": "no"}), "data: unknown test 'data-8'"),
        (lambda d: d["data"].update({"model-1": "no"}), "data: unknown test 'model-1'"),
        (lambda d: d["infra"].update({"infra-2": "maybe"}), "infra.infra-2: status"),
        (lambda d: d["infra"].update({"infra-2": True}), "status True is not one of"),
        (lambda d: d["infra"].update({"infra-2": ["no"]}), "status ['no'] is not"),
        (
            lambda d: d["monitor"].update({"monitor-4": {"note": "x"}}),
            "monitor.monitor-4: missing status",
        ),
        (
            lambda d: d["monitor"].update(
                {"monitor-4": {"status": "no", "notes": "x"}}
            ),
            "monitor.monitor-4: unknown key 'notes'",
        ),
        (
            lambda d: d["monitor"].update({"monitor-4": {"status": "no", "note": 3}}),
            "monitor.monitor-4: note must be text, got 3",
        ),
    ],
)
def test_a_bad_checklist_is_refused_naming_the_item(change, message):
    doc = document()
    change(doc)
    with pytest.raises(ChecklistError, match=re.escape(message)):
        parse_checklist(doc)


def test_every_problem_is_reported_at_once():
    doc = document()
    doc["data"]["data-1"] = "automatic"
    doc["model"].pop("model-7")
    doc.pop("monitor")
    with pytest.raises(ChecklistError) as caught:
        parse_checklist(doc)
    assert caught.value.problems == (
        "data.data-1: status 'automatic' is not one of automated, manual, no",
        "model: missing model-7",
        "missing section 'monitor'",
    )
    assert str(caught.value).startswith("invalid checklist: data.data-1: status")


@pytest.mark.parametrize("top", [None, [], "data"])
def test_a_document_that_is_not_a_mapping_is_refused(top):
    with pytest.raises(ChecklistError, match="expected a mapping of sections"):
        parse_checklist(top)


def test_a_valid_checklist_keeps_statuses_and_notes_in_rubric_order():
    doc = document(infra_1={"status": "automated", "note": "tests/x.py"})
    answers = parse_checklist(doc)
    assert list(answers) == [item.id for item in RUBRIC]
    assert answers["infra-1"] == Answer(ITEMS["infra-1"], "automated", "tests/x.py")
    assert answers["infra-2"] == Answer(ITEMS["infra-2"], "no", "")


# YAML: the traps a plain loader falls into


def test_a_bare_no_is_the_status_not_a_boolean():
    text = yaml_text(document("no"))
    assert "  data-1: no\n" in text
    answers = read_checklist(text)
    assert {a.status for a in answers.values()} == {"no"}


@pytest.mark.parametrize(("word", "shown"), [("yes", "'yes'"), ("true", "True")])
def test_yes_and_true_are_not_statuses(word, shown):
    with pytest.raises(ChecklistError, match=f"data.data-1: status {shown} is not"):
        read_checklist(yaml_text(document(data_1=word)))


def test_a_duplicate_key_is_an_error_with_its_line():
    text = yaml_text(document()).replace("  data-2: no", "  data-1: automated")
    with pytest.raises(ChecklistError, match="line 3, column 3: found duplicate key"):
        read_checklist(text)


def test_text_that_is_not_yaml_is_refused_with_its_position():
    with pytest.raises(
        ChecklistError, match=r"not valid YAML at line \d+, column \d+: "
    ):
        read_checklist("data:\n  data-1: [no\n")


def test_an_unhashable_key_is_refused_by_the_yaml_reader():
    with pytest.raises(ChecklistError, match="unhashable key"):
        read_checklist("? [data]\n: {}\n")


def test_a_yaml_error_without_a_position_still_reads_as_one_line(monkeypatch):
    import yaml

    def fail(*args, **kwargs):
        raise yaml.YAMLError("reader gave up")

    monkeypatch.setattr(yaml, "load", fail)
    with pytest.raises(
        ChecklistError, match=r"^invalid checklist: not valid YAML: reader"
    ):
        read_checklist("data: {}")


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "checklist.yaml"
    path.write_bytes(b"data: \xff\n")
    with pytest.raises(ChecklistError, match="not UTF-8 text"):
        load_checklist(path)


# The reference system's own checklist


def test_the_reference_systems_checklist_is_valid_and_every_answer_has_evidence():
    answers = load_checklist(CHURN)
    assert len(answers) == 28
    assert all(answer.note for answer in answers.values())
    for answer in answers.values():
        if answer.status == "automated":
            assert re.search(r"test|workflow|CI", answer.note), answer.item.id


# --8<-- [start:mistakes]
def test_two_typical_mistakes_in_the_reference_checklist_are_both_named():
    text = CHURN.read_text(encoding="utf-8")
    broken = text.replace("status: manual", "status: partly", 1).replace(
        "infra-5:", "infra-8:"
    )
    with pytest.raises(ChecklistError) as caught:
        read_checklist(broken)
    assert caught.value.problems == (
        "model.model-1: status 'partly' is not one of automated, manual, no",
        "infra: unknown test 'infra-8'; its tests are infra-1 to infra-7",
        "infra: missing infra-5",
    )


# --8<-- [end:mistakes]


# --8<-- [start:reference]
def test_the_reference_system_scores_1_5_limited_by_its_model_tests():
    result = score(load_checklist(CHURN))
    assert to_text(result).splitlines() == [
        "Section             Points  Automated  Manual  Not done",
        "Data                   3.0          3       0         4",
        "Model                  1.5          1       1         5",
        "ML infrastructure      4.5          4       1         2",
        "Monitoring             2.5          2       1         4",
        "ML Test Score: 1.5 of 7"
        " (first pass at productionization: more investment may be needed)",
        "Limited by: Model",
    ]


# --8<-- [end:reference]


def test_test_files_named_in_the_reference_checklist_exist():
    text = CHURN.read_text(encoding="utf-8")
    named = re.findall(r"`(tests/[\w/]+\.py)`", text)
    assert named
    assert [path for path in named if not (ROOT / path).is_file()] == []


def test_the_page_table_is_generated_from_the_rubric_and_the_checklist():
    expected = rubric_markdown(load_checklist(CHURN))
    assert FRAGMENT.read_text(encoding="utf-8") == expected, f"stale: run {REGENERATE}"


def test_rubric_table_links_are_relative_to_the_page_it_goes_on():
    answers = parse_checklist(document(data_1={"status": "manual", "note": "a | b"}))
    on_readiness = rubric_markdown(answers)
    on_home = rubric_markdown(answers, page="index.md")
    assert "](../capstone/package.md#a-data-contract-instead-of-hope)" in on_readiness
    assert "](testing.md)" in on_readiness
    assert "](capstone/package.md#a-data-contract-instead-of-hope)" in on_home
    assert "](production/testing.md)" in on_home
    assert "](https://fairlearn.org/main/user_guide/)" in on_home
    assert "**manual**: a \\| b |" in on_readiness
    assert "*Not covered:* hyperparameters are set in configuration" in on_home
    rows = [line for line in on_home.splitlines() if line.startswith("| `")]
    assert len(rows) == 28
    assert all(row.count(" | ") == 3 for row in rows)


# The command line


def test_main_prints_the_scores_and_exits_0(capsys):
    assert main([str(CHURN)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Section")
    assert "ML Test Score: " in out
    assert out.endswith("\n")


@pytest.mark.parametrize(("limit", "code"), [("0", 0), ("3.5", 0), ("4", 1), ("7", 1)])
def test_fail_under_fails_only_a_score_below_the_limit(tmp_path, capsys, limit, code):
    path = tmp_path / "checklist.yaml"
    path.write_text(yaml_text(document("manual")), encoding="utf-8")  # scores 3.5
    assert main([str(path), "--fail-under", limit]) == code


@pytest.mark.parametrize(
    ("limit", "message"), [("high", "not a number: 'high'"), ("8", "between 0 and 7")]
)
def test_a_bad_limit_is_a_usage_error(capsys, limit, message):
    with pytest.raises(SystemExit) as caught:
        main([str(CHURN), "--fail-under", limit])
    assert caught.value.code == 2
    assert message in capsys.readouterr().err


def test_markdown_prints_the_table_the_page_includes(capsys):
    assert main([str(CHURN), "--markdown"]) == 0
    assert capsys.readouterr().out == FRAGMENT.read_text(encoding="utf-8")


def test_an_invalid_checklist_exits_2_with_one_line_naming_the_item(tmp_path, capsys):
    path = tmp_path / "checklist.yaml"
    path.write_text(yaml_text(document(infra_5="sometimes")), encoding="utf-8")
    assert main([str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert "infra.infra-5: status 'sometimes' is not one of" in captured.err


def test_a_missing_file_exits_2_with_one_line(tmp_path, capsys):
    assert main([str(tmp_path / "absent.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.endswith("absent.yaml: No such file or directory\n")
    assert err.count("\n") == 1


def run_module(*args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"PYTHONPATH": str(SNIPPETS)}
    command = [sys.executable, "-m", "production.readiness", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


def test_the_module_runs_as_a_command():
    help_text = run_module("--help")
    assert help_text.returncode == 0
    assert "usage: python -m production.readiness" in help_text.stdout
    assert "--fail-under SCORE" in help_text.stdout
    scored = run_module(str(CHURN))
    assert scored.returncode == 0
    assert "Limited by:" in scored.stdout


def test_the_command_exits_2_on_an_invalid_checklist(tmp_path):
    path = tmp_path / "checklist.yaml"
    path.write_text("data:\n  data-1: automated\n", encoding="utf-8")
    result = run_module(str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert "data: missing data-2, data-3" in result.stderr
