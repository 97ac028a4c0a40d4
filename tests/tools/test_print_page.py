from __future__ import annotations

from pathlib import Path

from tools.print_page import PAGE, main, mend

PRINTED = """\
<section class="print-page" id="section-2">
  <section class="print-page" id="skills-ci-cd">
    <p>Fast.<sup id="fnref:dora"><a href="#skills-ci-cd-fn:dora">1</a></sup></p>
    <p>See <a href="#reference-churn-registry">the registry</a>.</p>
    <p>And <a href="#skills-ci-cd">this page</a>.</p>
    <li id="skills-ci-cd-fn:dora"><a href="#skills-ci-cd-fnref:dora">back</a></li>
  </section>
</section>
"""


def test_a_footnote_reference_gets_its_pages_prefix() -> None:
    html, mended = mend(PRINTED)
    assert 'id="skills-ci-cd-fnref:dora"' in html
    assert 'id="fnref:dora"' not in html
    assert mended == 2


def test_a_link_to_the_left_out_reference_opens_its_page_on_the_site() -> None:
    html, _ = mend(PRINTED)
    assert 'href="../reference/churn/registry/"' in html
    assert 'href="#skills-ci-cd"' in html  # an anchor that is there stays


def test_a_page_with_nothing_to_mend_is_left_as_it_was() -> None:
    page = '<section class="print-page" id="x"><p>Plain.</p></section>'
    assert mend(page) == (page, 0)


def test_main_mends_the_page_in_place(tmp_path: Path, capsys) -> None:
    (tmp_path / PAGE).parent.mkdir()
    (tmp_path / PAGE).write_text(PRINTED, encoding="utf-8")
    main([str(tmp_path)])
    assert "skills-ci-cd-fnref:dora" in (tmp_path / PAGE).read_text(encoding="utf-8")
    assert "mended 2" in capsys.readouterr().out
